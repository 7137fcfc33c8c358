// Package gateway is switchyard's entry proxy: path routes to services, the
// entry decision of the rule (blue-green conditions, the one gray draw per
// request), the n-d-* headers stamped for every hop behind it, and the
// choice of the first service's instance — Nepxion's gateway route filter
// and load balancer, in Go, on the lean HTTP/1.1 engine of dataplane/h1.
package gateway

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/dataplane/h1"
	"github.com/switchyard-io/switchyard/rule"
)

// Route sends requests whose path starts with Prefix to Service.
type Route struct {
	Prefix  string `yaml:"prefix" json:"prefix"`
	Service string `yaml:"service" json:"service"`
	// StripPrefix removes Prefix before forwarding (Spring Cloud Gateway's
	// StripPrefix=1 for a one-segment prefix).
	StripPrefix bool `yaml:"strip_prefix" json:"stripPrefix"`
}

// Config shapes a gateway.
type Config struct {
	Routes   []Route
	Switches rule.GatewaySwitches
	// StripIncoming removes n-d-* headers arriving from outside, so clients
	// cannot pick routes themselves.
	StripIncoming bool
	Options       rule.Options
	// ReadHeaderTimeout, IdleTimeout and ResponseHeaderTimeout are the
	// server's (h1.Server; zero: its defaults of 10 s, 2 min and 30 s).
	ReadHeaderTimeout, IdleTimeout, ResponseHeaderTimeout time.Duration
}

// Gateway is the entry proxy. Serve runs it on a listener.
type Gateway struct {
	cfg     Config
	self    func() switchyard.Instance
	rules   *dataplane.Rules
	router  *dataplane.Router
	metrics *dataplane.Metrics
	logger  *slog.Logger
	routes  []Route // longest prefix first
	server  *h1.Server
}

// New returns a gateway. self reports the gateway's own instance (its ID is
// known once registered; routing reads the rest, once, here).
func New(cfg Config, self func() switchyard.Instance, rules *dataplane.Rules, instances *dataplane.Instances, metrics *dataplane.Metrics, logger *slog.Logger) *Gateway {
	if logger == nil {
		logger = slog.Default()
	}
	router := dataplane.NewRouter(dataplane.RouterConfig{Self: self(), Options: cfg.Options, Entry: true, Gateway: cfg.Switches}, rules, instances)
	g := &Gateway{cfg: cfg, self: self, rules: rules, router: router, metrics: metrics, logger: logger}
	g.routes = append(g.routes, cfg.Routes...)
	sort.SliceStable(g.routes, func(i, j int) bool { return len(g.routes[i].Prefix) > len(g.routes[j].Prefix) })
	g.server = &h1.Server{Handler: g, Logger: logger,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout, IdleTimeout: cfg.IdleTimeout, ResponseHeaderTimeout: cfg.ResponseHeaderTimeout}
	return g
}

// Serve answers the connections of ln until Shutdown or Close; then it
// returns h1.ErrServerClosed.
func (g *Gateway) Serve(ln net.Listener) error { return g.server.Serve(ln) }

// Shutdown stops accepting and waits for the requests in flight until ctx ends.
func (g *Gateway) Shutdown(ctx context.Context) error { return g.server.Shutdown(ctx) }

// Close closes every connection now.
func (g *Gateway) Close() error { return g.server.Close() }

// Services returns the services the routes lead to, to preload them.
func (g *Gateway) Services() []string {
	var out []string
	for _, r := range g.routes {
		out = append(out, r.Service)
	}
	return out
}

// ServeH1 routes one request.
func (g *Gateway) ServeH1(x *h1.Exchange) {
	switch x.Req.Path {
	case "/metrics":
		x.ServeHTTP(g.metrics.Handler())
		return
	case "/healthz":
		x.ServeHTTP(http.HandlerFunc(g.health))
		return
	}
	start := time.Now()
	defer func() { g.metrics.Inbound(x.Status(), time.Since(start)) }()

	rt := g.match(x.Req.Path)
	if rt == nil {
		x.Error(http.StatusNotFound, "no route for "+x.Req.Path)
		return
	}
	if g.cfg.StripIncoming {
		stripND(x)
	}
	_, target, err := g.router.Route(&dataplane.Hop{Provider: rt.Service, Request: request{x}, Out: x})
	if err != nil {
		x.Error(http.StatusServiceUnavailable, err.Error())
		return
	}
	if strings.Contains(x.Req.Path, dataplane.InspectPath) {
		self := g.self()
		x.Set(dataplane.InspectHeader, dataplane.PluginInfo("", &self))
	}
	up := upstreams.Get().(*upstream)
	*up = upstream{target: target, metrics: g.metrics}
	x.Forward(forwardPath(x.Req.Path, rt), up)
	switch {
	case x.Abandoned():
		g.metrics.Abandoned()
		g.logger.Debug("client went away", "upstream", up.describe(), "err", up.err)
	case x.Status() >= http.StatusBadGateway && up.err != nil:
		g.logger.Warn("proxy", "upstream", up.describe(), "err", up.err)
	}
	target.Release()
	*up = upstream{}
	upstreams.Put(up)
}

// forwardPath is the path sent upstream: the request's, without the
// route's prefix when it strips it.
func forwardPath(path string, rt *Route) string {
	if !rt.StripPrefix {
		return path
	}
	rest := strings.TrimPrefix(path, strings.TrimSuffix(rt.Prefix, "/"))
	if strings.HasPrefix(rest, "/") {
		return rest
	}
	return "/" + rest
}

// match returns the route with the longest prefix matching path.
func (g *Gateway) match(path string) *Route {
	for i := range g.routes {
		p := g.routes[i].Prefix
		if strings.HasPrefix(path, p) || path == strings.TrimSuffix(p, "/") {
			return &g.routes[i]
		}
	}
	return nil
}

// Health is the gateway's /healthz answer.
type Health struct {
	Status string               `json:"status" enum:"ok,degraded"`
	Reason string               `json:"reason,omitempty"`
	Rule   dataplane.RuleStatus `json:"rule"`
	Self   switchyard.Instance  `json:"self"`
	Routes []Route              `json:"routes"`
}

func (g *Gateway) health(w http.ResponseWriter, _ *http.Request) {
	h := Health{Status: "ok", Rule: g.rules.Status(), Self: g.self(), Routes: g.routes}
	if !h.Rule.OK {
		h.Status = "degraded"
		for _, k := range []dataplane.KeyStatus{h.Rule.Partial, h.Rule.Global} {
			if k.Error != "" {
				h.Reason = "rule " + k.Key.String() + " version " + itoa(k.ErrorVersion) + " refused (routing by the last good rule): " + k.Error
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(h)
}

// stripND removes every n-d-* header from the forwarded request.
func stripND(x *h1.Exchange) {
	for _, f := range x.Req.Fields {
		if len(f.Name) > 4 && strings.EqualFold(f.Name[:4], "n-d-") {
			x.Del(f.Name)
		}
	}
}
