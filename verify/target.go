package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// target is where an inspection's or a simulation's samples go: an
// inspector URL that points at a registered instance (the entry).
type target struct {
	url      string
	entry    *switchyard.Instance
	services []string // the inspector's serviceIdList
}

// The sample and health-check timings.
const (
	sampleTimeout = 10 * time.Second
	healthTimeout = time.Second
	resolveWait   = 2 * time.Second
)

// newHTTPClient is the client of the samples and health checks: no proxy
// (the data plane is reached directly), no redirects (a sample goes where
// the registry says, nowhere else), bounded timeouts.
func newHTTPClient() *http.Client {
	tr := &http.Transport{Proxy: nil, DialContext: (&net.Dialer{Timeout: 2 * time.Second}).DialContext, MaxIdleConnsPerHost: 16,
		IdleConnTimeout: 30 * time.Second, ResponseHeaderTimeout: sampleTimeout, DisableCompression: true}
	return &http.Client{Transport: tr, Timeout: sampleTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// resolveTarget finds where the samples go. Without a URL they enter
// through a registered instance of serviceID (the entry app, a gateway) at
// /{contextService}/inspector/inspect — Nepxion's route convention. With a
// URL, its host and port must be a registered instance's (of group, when
// group is set): the control plane sends requests only to the data plane
// it knows, never to an address a caller made up. services are the
// strategy's; the context service is left out of serviceIdList (the
// gateway's route picks it), as DiscoveryTool's createInspectorEntity does.
func (s *Service) resolveTarget(ctx context.Context, group, serviceID, rawURL, contextService, field string, services []string) (*target, error) {
	t := &target{url: rawURL}
	for _, svc := range services {
		if contextService == "" || svc != contextService {
			t.services = append(t.services, svc)
		}
	}
	if t.services == nil {
		t.services = []string{}
	}
	if rawURL == "" {
		list, err := s.Registry.Instances(ctx, serviceID)
		if err != nil {
			return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot read the instances of %s from the registry: %v", serviceID, err).WithCause(err)
		}
		if len(list) == 0 {
			return nil, invalid(field, "verify.entry.offline", "%s is empty and no instance of %s is registered to enter through; start it or give the inspector URL", field, serviceID).
				WithReason("verify.entry.offline", map[string]string{"field": field, "service": serviceID})
		}
		t.entry = list[0]
		path := "/inspector/inspect"
		if contextService != "" {
			path = "/" + contextService + path
		}
		t.url = "http://" + t.entry.Address() + path
		return t, nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, invalid(field, "verify.conditions.url", "%s %q is not a URL", field, switchyard.Truncate(rawURL, 100))
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	all, err := s.Registry.All(ctx)
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot read the registry: %v", err).WithCause(err)
	}
	ips := s.lookup(ctx, u.Hostname())
	for _, in := range all {
		if strconv.Itoa(in.Port) != port || !sameHost(u.Hostname(), ips, in.Host, s.lookup(ctx, in.Host)) {
			continue
		}
		if group != "" && in.Group != group {
			return nil, invalid(field, "verify.entry.group", "%s points at %s of group %s, not of group %s", field, in.Service, in.Group, group).
				WithReason("verify.entry.group", map[string]string{"field": field, "service": in.Service, "group": in.Group})
		}
		t.entry = in
		return t, nil
	}
	return nil, invalid(field, "verify.entry.unknown", "%s %q does not point at a registered instance (host and port of a gateway or service in the registry); the control plane sends samples only to the data plane it knows",
		field, switchyard.Truncate(rawURL, 100)).WithReason("verify.entry.unknown", map[string]string{"field": field})
}

// lookup resolves a host name to its addresses (an address resolves to
// itself); nil when it does not resolve.
func (s *Service) lookup(ctx context.Context, host string) []string {
	if host == "" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		return []string{ip.String()}
	}
	ctx, cancel := context.WithTimeout(ctx, resolveWait)
	defer cancel()
	resolve := s.Resolve
	if resolve == nil {
		resolve = net.DefaultResolver.LookupHost
	}
	addrs, err := resolve(ctx, host)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip != nil {
			out = append(out, ip.String())
		}
	}
	return out
}

func sameHost(a string, aIPs []string, b string, bIPs []string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	for _, ip := range aIPs {
		if slices.Contains(bIPs, ip) {
			return true
		}
	}
	return false
}

// inspectorEntity is the body of an inspection (InspectorEntity).
type inspectorEntity struct {
	ServiceIDList []string `json:"serviceIdList"`
	Result        *string  `json:"result,omitempty"`
}

// sample sends one inspection and returns its result string.
func (s *Service) sample(ctx context.Context, t *target, header []Header) (string, error) {
	body, _ := json.Marshal(inspectorEntity{ServiceIDList: t.services})
	ctx, cancel := context.WithTimeout(ctx, sampleTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for _, h := range header {
		if h.Name != "" && h.Value != "" { // DiscoveryTool adds only headers with both
			req.Header.Add(h.Name, h.Value)
		}
	}
	resp, err := s.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("POST %s: %w", t.url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, resultBytes+1))
	if err != nil {
		return "", fmt.Errorf("POST %s: read the answer: %w", t.url, err)
	}
	if len(b) > resultBytes {
		return "", fmt.Errorf("POST %s: the answer is larger than %d bytes", t.url, resultBytes)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("POST %s: %s: %s", t.url, resp.Status, switchyard.Truncate(strings.TrimSpace(string(b)), 300))
	}
	var out inspectorEntity
	if err := json.Unmarshal(b, &out); err != nil || out.Result == nil {
		return "", fmt.Errorf("POST %s: the answer is not an inspector entity ({\"serviceIdList\":…,\"result\":…}): %s", t.url, switchyard.Truncate(string(b), 200))
	}
	return *out.Result, nil
}

func (s *Service) client() *http.Client {
	if s.HTTP != nil {
		return s.HTTP
	}
	return s.defaultHTTP
}
