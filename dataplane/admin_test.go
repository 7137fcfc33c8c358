package dataplane_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/dataplane"
)

const pinRule = `<?xml version="1.0" encoding="UTF-8"?>
<rule><strategy><version>{"a":"1.0"}</version></strategy></rule>`

func adminServer(t *testing.T, names ...string) (*httptest.Server, *dataplane.Rules) {
	t.Helper()
	rules := dataplane.NewRules(nil, "g", "svc", "", dataplane.NewMetrics("svc", "1.0"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewServer(dataplane.AdminHandler(rules, names...))
	t.Cleanup(ts.Close)
	return ts, rules
}

func post(t *testing.T, url, body string, header map[string]string, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestAdminEndpointsRefuseWebPages is finding 4's data-plane half: a page in
// a browser cannot push a rule to an instance by a cross-site text/plain
// POST, nor through DNS rebinding; the control plane's fan-out (no Origin,
// Host = the registered address) still can.
func TestAdminEndpointsRefuseWebPages(t *testing.T) {
	ts, rules := adminServer(t, "gw-1.internal")
	for _, tt := range []struct {
		name   string
		header map[string]string
		host   string
	}{
		{"cross-site POST", map[string]string{"Origin": "http://evil.example"}, ""},
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, ""},
		{"DNS rebinding", nil, "evil.example:9000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := post(t, ts.URL+"/config/update-async", pinRule, tt.header, tt.host); code != 403 || !strings.Contains(body, "not from web pages") {
				t.Fatalf("%d %s; want 403", code, body)
			}
			if _, partial := rules.Texts(); partial != "" {
				t.Fatalf("the rule was set: %q", partial)
			}
		})
	}
	for _, host := range []string{"", "gw-1.internal:9000"} {
		if code, body := post(t, ts.URL+"/config/update-sync", pinRule, nil, host); code != 200 || body != "true" {
			t.Fatalf("the control plane's call (Host %q): %d %s", host, code, body)
		}
	}
	resp, err := http.Get(ts.URL + "/config/view")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `<rule>`) {
		t.Fatalf("view keeps the rule readable (no \\u003c escapes): %s", b)
	}
}

// TestAdminEndpointsBoundTheRule: a rule over the limit is refused, not cut.
func TestAdminEndpointsBoundTheRule(t *testing.T) {
	ts, rules := adminServer(t)
	big := pinRule + "<!--" + strings.Repeat("x", dataplane.MaxAdminBody) + "-->"
	if code, body := post(t, ts.URL+"/config/update-async", big, nil, ""); code != 413 {
		t.Fatalf("oversized rule: %d %s", code, body)
	}
	if _, partial := rules.Texts(); partial != "" {
		t.Fatalf("an oversized rule was applied (cut?): %d bytes", len(partial))
	}
	if code, _ := post(t, ts.URL+"/invoke/x", "", nil, ""); code != 404 {
		t.Fatalf("a path that is no admin endpoint: %d", code)
	}
}
