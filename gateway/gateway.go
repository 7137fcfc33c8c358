// Package gateway is switchyard's entry proxy: path routes to services, the
// entry decision of the rule (blue-green conditions, the one gray draw per
// request), the n-d-* headers stamped for every hop behind it, and the
// choice of the first service's instance — Nepxion's gateway route filter
// and load balancer, in Go, on net/http.
package gateway

import (
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httputil"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
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
	// AdminEndpoints serves Nepxion's instance admin endpoints
	// (/config/update-async …), which take no credentials.
	AdminEndpoints bool
}

// Gateway is the entry proxy; it implements http.Handler.
type Gateway struct {
	cfg       Config
	self      func() switchyard.Instance
	rules     *dataplane.Rules
	instances *dataplane.Instances
	balancer  *dataplane.Balancer
	metrics   *dataplane.Metrics
	proxy     *httputil.ReverseProxy
	logger    *slog.Logger
	routes    []Route // longest prefix first
}

// New returns a gateway. self reports the gateway's own instance (its ID is
// known once registered).
func New(cfg Config, self func() switchyard.Instance, rules *dataplane.Rules, instances *dataplane.Instances, metrics *dataplane.Metrics, logger *slog.Logger) *Gateway {
	if logger == nil {
		logger = slog.Default()
	}
	in := self()
	ri := dataplane.ToRule(&in)
	g := &Gateway{cfg: cfg, self: self, rules: rules, instances: instances, metrics: metrics, logger: logger,
		balancer: dataplane.NewBalancer(&ri, cfg.Options)}
	g.routes = append(g.routes, cfg.Routes...)
	sort.SliceStable(g.routes, func(i, j int) bool { return len(g.routes[i].Prefix) > len(g.routes[j].Prefix) })
	g.proxy = &httputil.ReverseProxy{
		Rewrite:      g.rewrite,
		Transport:    &dataplane.RetryTransport{Base: dataplane.NewTransport(), Metrics: metrics, Attempts: 3},
		BufferPool:   bufferPool{},
		ErrorHandler: g.proxyError,
	}
	return g
}

// Services returns the services the routes lead to, to preload them.
func (g *Gateway) Services() []string {
	var out []string
	for _, r := range g.routes {
		out = append(out, r.Service)
	}
	return out
}

type forwardKey struct{}

// forward is what ServeHTTP decided for the proxy's Rewrite.
type forward struct {
	path string
}

// ServeHTTP routes one request.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/metrics":
		g.metrics.Handler().ServeHTTP(w, r)
		return
	case "/healthz":
		g.health(w)
		return
	}
	if g.cfg.AdminEndpoints && dataplane.IsAdminPath(r.URL.Path) {
		dataplane.AdminHandler(g.rules).ServeHTTP(w, r)
		return
	}
	start := time.Now()
	sw := dataplane.NewStatusWriter(w)
	defer func() { g.metrics.Inbound(sw.Code(), time.Since(start)) }()

	rt := g.match(r.URL.Path)
	if rt == nil {
		http.Error(sw, "no route for "+r.URL.Path, http.StatusNotFound)
		return
	}
	// The handler owns r: stamp its headers in place; ReverseProxy clones
	// them once for the outgoing request.
	out := r.Header
	if g.cfg.StripIncoming {
		stripND(out)
	}
	compiled := g.rules.Compiled()
	d := compiled.Decide(rule.HTTPRequest{R: r}, globalRand{})
	self := g.self()
	ri := dataplane.ToRule(&self)
	rule.StampGateway(out, &d, compiled, &ri, g.cfg.Switches)
	if strings.Contains(r.URL.Path, dataplane.InspectPath) {
		out.Set(dataplane.InspectHeader, dataplane.PluginInfo("", &self))
	}
	routes := compiled.ContextRoutes(rule.HTTPHeader(out), &d, false)
	target, err := g.balancer.Pick(compiled, routes, rt.Service, g.instances.Get(rt.Service))
	if err != nil {
		http.Error(sw, err.Error(), http.StatusServiceUnavailable)
		return
	}
	path := r.URL.Path
	if rt.StripPrefix {
		path = "/" + strings.TrimPrefix(strings.TrimPrefix(path, strings.TrimSuffix(rt.Prefix, "/")), "/")
	}
	ctx := dataplane.WithTarget(r.Context(), target)
	ctx = contextWith(ctx, &forward{path: path})
	g.proxy.ServeHTTP(sw, r.WithContext(ctx))
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

// rewrite prepares the outgoing request: the chosen instance (the transport
// sets the address), the stripped path, X-Forwarded-* headers.
func (g *Gateway) rewrite(pr *httputil.ProxyRequest) {
	f := forwardOf(pr.In.Context())
	pr.Out.URL.Scheme = "http"
	pr.Out.URL.Host = pr.In.Host
	if f != nil {
		pr.Out.URL.Path, pr.Out.URL.RawPath = f.path, ""
	}
	pr.Out.Host = ""
	pr.SetXForwarded()
}

func (g *Gateway) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	service := ""
	if t := dataplane.TargetOf(r.Context()); t != nil {
		service = t.Provider + " at " + t.Instance().Address()
	}
	g.logger.WarnContext(r.Context(), "proxy", "upstream", service, "err", err)
	status := http.StatusBadGateway
	if r.Context().Err() != nil {
		status = 499 // the client went away
	}
	http.Error(w, "upstream "+service+": "+err.Error(), status)
}

// Health is the gateway's /healthz answer.
type Health struct {
	Status string               `json:"status" enum:"ok,degraded"`
	Reason string               `json:"reason,omitempty"`
	Rule   dataplane.RuleStatus `json:"rule"`
	Self   switchyard.Instance  `json:"self"`
	Routes []Route              `json:"routes"`
}

func (g *Gateway) health(w http.ResponseWriter) {
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

// stripND removes every n-d-* header.
func stripND(h http.Header) {
	for k := range h {
		if len(k) > 4 && strings.EqualFold(k[:4], "n-d-") {
			delete(h, k)
		}
	}
}

// globalRand draws from math/rand/v2's goroutine-safe source.
type globalRand struct{}

func (globalRand) IntN(n int) int { return rand.IntN(n) }

// bufferPool reuses the proxy's copy buffers.
type bufferPool struct{}

var buffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func (bufferPool) Get() []byte  { return *buffers.Get().(*[]byte) }
func (bufferPool) Put(b []byte) { buffers.Put(&b) }
