package sdk

import (
	"context"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/rule"
)

type hopKey struct{}

// hop is what an incoming request leaves for the calls made while serving
// it: its headers after the service's route filter, and its own decision.
type hop struct {
	header   http.Header
	decision rule.Decision
}

// Middleware is the service's route filter: it applies the service's own
// rule to the incoming request's n-d-* headers (replacing or filling them
// per ServiceHeaderPriority), makes them available to outgoing calls through
// the request context, and records the request in the metrics.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			s.Metrics.Handler().ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := dataplane.NewStatusWriter(w)
		h := s.capture(r)
		r.Header = h.header
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), hopKey{}, h)))
		s.Metrics.Inbound(sw.Code(), time.Since(start))
	})
}

// capture runs the route filter on r.
func (s *Service) capture(r *http.Request) *hop {
	h := &hop{header: r.Header.Clone()}
	h.decision = s.Router.Filter(rule.HTTPRequest{R: r}, h.header)
	return h
}

// Capture runs the route filter on r and returns its context carrying the
// hop for outgoing calls made with it (what Middleware does; the sidecar's
// outbound proxy uses it on the app's requests).
func (s *Service) Capture(r *http.Request) context.Context {
	return context.WithValue(r.Context(), hopKey{}, s.capture(r))
}

func hopOf(ctx context.Context) *hop {
	h, _ := ctx.Value(hopKey{}).(*hop)
	return h
}
