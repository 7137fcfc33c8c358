package sdk

import (
	"math/rand/v2"
	"net/http"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/rule"
)

// Transport returns the round tripper of outgoing calls: a request to
// http://<service-id>/… gets the propagated n-d-* headers of the request
// being served (from its context) and goes to the instance the rule picks;
// other hosts (a dotted name, an IP, a host with a port) pass through.
func (s *Service) Transport() http.RoundTripper { return outbound{s} }

type outbound struct{ s *Service }

// RoundTrip implements http.RoundTripper.
func (o outbound) RoundTrip(req *http.Request) (*http.Response, error) {
	s := o.s
	provider := strings.ToLower(req.URL.Hostname())
	if !isServiceID(req.URL.Host) {
		return s.transport.Base.RoundTrip(req)
	}
	compiled := s.Rules.Compiled()
	h := hopOf(req.Context())
	if h == nil {
		// A call made outside a request (a job, a consumer): only the
		// service's own rule decides.
		empty := &http.Request{Header: http.Header{}, URL: req.URL}
		h = &hop{header: http.Header{}, decision: compiled.Decide(rule.HTTPRequest{R: empty}, globalRand{})}
	}
	out := req.Clone(req.Context())
	self := s.Self()
	ri := dataplane.ToRule(&self)
	rule.Propagate(out.Header, h.header, &ri, &h.decision, rule.PropagateSwitches{CoreTransmission: s.cfg.CoreTransmission, ContextHeaders: s.cfg.ContextHeaders})
	routes := compiled.ContextRoutes(rule.HTTPHeader(h.header), &h.decision, s.cfg.ServiceHeaderPriority)
	if s.Instances == nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "sdk: service not started; call Start before making calls")
	}
	target, err := s.Balancer.Pick(compiled, routes, provider, s.Instances.Get(provider))
	if err != nil {
		return nil, err
	}
	out = out.WithContext(dataplane.WithTarget(out.Context(), target))
	return s.transport.RoundTrip(out)
}

// isServiceID reports whether host names a registered service rather than
// a network address: no port, no dot, not an IP.
func isServiceID(host string) bool {
	return host != "" && !strings.ContainsAny(host, ".:[") && host != "localhost"
}

// globalRand draws from math/rand/v2's goroutine-safe source.
type globalRand struct{}

func (globalRand) IntN(n int) int { return rand.IntN(n) }
