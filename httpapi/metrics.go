package httpapi

import (
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
)

// metricsRoutes are the built-in metrics provider's intake and queries.
func (s *Server) metricsRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "POST", Path: "/api/metrics/report", Access: Agent, Tag: "metrics", Status: http.StatusNoContent, Quiet: true,
			NoAudit: "periodic telemetry from data-plane instances, every few seconds",
			Summary: "Report what an instance served since its last report (data plane)"}, s.reportMetrics),
		Op(Route{Method: "GET", Path: "/api/metrics/services/{service}", Access: SignedIn, Tag: "metrics",
			Summary: "A service's traffic by version over a window: share, success rate, latency, CPU, memory"}, s.serviceMetrics),
	}
}

type reportIn struct {
	Body switchyard.MetricsReport
}

func (s *Server) reportMetrics(c *Call, in *reportIn) (*NoBody, error) {
	if s.Collector == nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "no built-in metrics provider is configured")
	}
	return nil, s.Collector.Report(c.R.Context(), &in.Body)
}

type serviceMetricsIn struct {
	Service string `path:"service"`
	Window  string `query:"window" doc:"e.g. 1m (default), 5m; at most 1h"`
}

func (s *Server) serviceMetrics(c *Call, in *serviceMetricsIn) (*switchyard.ServiceMetrics, error) {
	if s.Metrics == nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "no metrics provider is configured")
	}
	window := time.Minute
	if in.Window != "" {
		d, err := time.ParseDuration(in.Window)
		if err != nil {
			return nil, switchyard.FieldErrorf("window", "param.invalid", "window %q must be a duration such as 1m", in.Window)
		}
		window = d
	}
	return s.Metrics.ServiceMetrics(c.R.Context(), in.Service, window)
}
