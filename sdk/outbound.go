package sdk

import (
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
	if !isServiceID(req.URL.Host) {
		return s.transport.Base.RoundTrip(req)
	}
	if !s.started.Load() {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "sdk: service not started; call Start before making calls")
	}
	out := req.Clone(req.Context())
	hop := dataplane.Hop{Provider: strings.ToLower(req.URL.Hostname()), Out: out.Header}
	if h := hopOf(req.Context()); h != nil {
		hop.In, hop.Decision = h.header, &h.decision
	} else {
		// A call made outside a request (a job, a consumer): only the
		// service's own rule decides, on the call's URL.
		hop.Request = rule.HTTPRequest{R: &http.Request{Header: http.Header{}, URL: req.URL}}
	}
	_, target, err := s.Router.Route(&hop)
	if err != nil {
		return nil, err
	}
	return s.transport.RoundTrip(out.WithContext(dataplane.WithTarget(out.Context(), target)))
}

// isServiceID reports whether host names a registered service rather than
// a network address: no port, no dot, not an IP.
func isServiceID(host string) bool {
	return host != "" && !strings.ContainsAny(host, ".:[") && host != "localhost"
}
