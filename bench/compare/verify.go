package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// probeRequest is one request of a routing check.
type probeRequest struct {
	method, url, body string
	header            map[string]string
}

// versionOf is the version of service-b's segment in a demo answer
// ("… [ID=service-b]…[V=1.1]…"; the inspector's JSON carries the same
// segments in its result).
func versionOf(body string) string {
	i := strings.Index(body, "[ID="+backendService+"]")
	if i < 0 {
		return ""
	}
	rest := body[i:]
	j := strings.Index(rest, "[V=")
	if j < 0 {
		return ""
	}
	v, _, ok := strings.Cut(rest[j+3:], "]")
	if !ok {
		return ""
	}
	return v
}

// send makes one request and returns the answer's body; a status other
// than 200 is an error.
func (s *stack) send(ctx context.Context, p probeRequest) (string, error) {
	req, err := http.NewRequestWithContext(ctx, p.method, p.url, strings.NewReader(p.body))
	if err != nil {
		return "", err
	}
	if p.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range p.header {
		req.Header.Set(k, v)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s %s: %s %s", p.method, p.url, resp.Status, strings.TrimSpace(string(b)))
	}
	return string(b), nil
}

// versions sends p n times and counts the answers by service-b version.
func (s *stack) versions(ctx context.Context, p probeRequest, n int) (map[string]int, string, error) {
	counts := map[string]int{}
	var last string
	for range n {
		body, err := s.send(ctx, p)
		if err != nil {
			return nil, "", err
		}
		v := versionOf(body)
		if v == "" {
			return nil, "", fmt.Errorf("%s %s: the answer names no %s version: %q", p.method, p.url, backendService, body)
		}
		counts[v]++
		last = body
	}
	return counts, last, nil
}

// checkRouting proves that direct, nginx and the gateway do what the
// comparison says for variant v before anything is measured: direct
// answers are 1.1; through either proxy xyz picks the version, a filler
// condition (rules50) routes as written, and the rest split about 10/90
// with both versions present; with the inspector, the gateway's segment
// leads the result and nginx adds none. It returns a line for the report.
func (s *stack) checkRouting(ctx context.Context, v variant) (string, error) {
	const sample = 400
	direct, _, err := s.versions(ctx, v.probe(s.url("direct", v), nil), 20)
	if err != nil {
		return "", fmt.Errorf("direct: %w", err)
	}
	if direct[newVersion] != 20 {
		return "", fmt.Errorf("direct: answers by version %v, want all %s", direct, newVersion)
	}
	var summary []string
	for _, target := range []string{"nginx", "gateway"} {
		url := s.url(target, v)
		want := []struct {
			header  map[string]string
			version string
		}{
			{map[string]string{pickHeader: oldVersion}, oldVersion},
			{map[string]string{pickHeader: newVersion}, newVersion},
		}
		if cs := conditions(v.conditions); len(cs) > 2 {
			for _, c := range []condition{cs[2], cs[len(cs)-1]} {
				want = append(want, struct {
					header  map[string]string
					version string
				}{map[string]string{c.header: c.value}, c.version})
			}
		}
		for _, w := range want {
			got, _, err := s.versions(ctx, v.probe(url, w.header), 10)
			if err != nil {
				return "", fmt.Errorf("%s: %w", target, err)
			}
			if got[w.version] != 10 {
				return "", fmt.Errorf("%s: with %v the answers come from %v, want all %s (is the rule applied?)", target, w.header, got, w.version)
			}
		}
		got, last, err := s.versions(ctx, v.probe(url, nil), sample)
		if err != nil {
			return "", fmt.Errorf("%s: %w", target, err)
		}
		old := float64(got[oldVersion]) / sample * 100
		if got[oldVersion]+got[newVersion] != sample || old < 3 || old > 20 {
			return "", fmt.Errorf("%s: without a header %d answers come from %v, want about %d %% from %s and the rest from %s", target, sample, got, grayOldPercent, oldVersion, newVersion)
		}
		if v.name == "inspector" {
			stamped := strings.Contains(last, "[ID="+gatewayService+"]")
			if stamped != (target == "gateway") {
				return "", fmt.Errorf("%s: inspector result %q (the gateway's segment must be there through the gateway only)", target, last)
			}
		}
		summary = append(summary, fmt.Sprintf("%s %.0f/%.0f", target, old, 100-old))
	}
	return fmt.Sprintf("routing checked: xyz picks the version; %d requests without it split %s/%s as %s (%%)",
		sample, oldVersion, newVersion, strings.Join(summary, ", ")), nil
}
