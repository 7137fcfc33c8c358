package dataplane

import (
	"math/rand/v2"
	"net/http"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Router is the routing of one data-plane process: the same steps for the
// gateway and for every service (SDK and sidecar). For each forwarded
// request it takes the rule in force, decides (at the entry for every
// request, at a service once per request served, by its route filter),
// writes the n-d-* headers of the forwarded request, reads the context
// route values and picks the provider instance. The process's own instance
// is converted once, and one random source draws every gray condition's and
// every weight's choice. Routing semantics change here, once.
type Router struct {
	rules     *Rules
	instances *Instances
	balancer  *Balancer
	self      rule.Instance
	rand      rule.Rand
	cfg       RouterConfig
}

// RouterConfig shapes a router.
type RouterConfig struct {
	// Self is the process's own instance: the consumer of every pick and
	// the identity stamped on what it forwards. Its ID is never read (no
	// header carries it), so the instance is taken before registration.
	Self    switchyard.Instance
	Options rule.Options
	// Entry makes the router the data plane's entry, a gateway: Route
	// decides every request, stamps the forwarded headers with Gateway's
	// switches (rule.StampGateway) and picks by the stamped headers.
	// Otherwise the router is a service's: Filter is its route filter on
	// incoming requests, and Route propagates the served request's headers
	// onto each call (rule.Propagate) and picks by them.
	Entry   bool
	Gateway rule.GatewaySwitches
	// ServiceHeaderPriority (a service): its own rule's values replace
	// incoming headers (Nepxion's default) instead of only filling missing
	// ones, and its rule's inner header comes first in the context routes.
	ServiceHeaderPriority bool
	Propagate             rule.PropagateSwitches
	// Rand draws the gray and weighted choices; nil is math/rand/v2's
	// source, safe for every request's goroutine. A seeded *rand.Rand is
	// not safe for concurrent use: it suits tests that route from one goroutine.
	Rand rule.Rand
}

// NewRouter returns the router of the process cfg.Self, routing by rules
// among instances.
func NewRouter(cfg RouterConfig, rules *Rules, instances *Instances) *Router {
	r := &Router{rules: rules, instances: instances, self: rule.InstanceOf(&cfg.Self), rand: cfg.Rand, cfg: cfg}
	if r.rand == nil {
		r.rand = globalRand{}
	}
	r.balancer = NewBalancer(&r.self, cfg.Options)
	r.balancer.Rand = r.rand
	return r
}

// Hop is one request a process forwards to a provider service.
type Hop struct {
	// Provider is the service id called (lower case).
	Provider string
	// Request is what a decision reads (query parameters, cookies,
	// headers); read only when Decision is nil.
	Request rule.Request
	// Decision is a service's own decision of the request it serves
	// (Filter's). Nil: Route decides Request now — at the entry for every
	// request, at a service for a call made outside any request.
	Decision *rule.Decision
	// In are, at a service, the headers of the request it serves after its
	// route filter: what is propagated and what the pick reads. The entry
	// does not read them.
	In http.Header
	// Out are the headers of the forwarded request, which Route writes: at
	// the entry the gateway's edits of the incoming request's, at a service
	// the call's http.Header. The entry's pick reads them back (Get with
	// canonical names).
	Out rule.HeaderWriter
}

// Route runs one hop: it decides when h carries no decision, writes h.Out,
// and picks the provider's instance. It returns the context route values
// the pick filtered with and the target for RetryTransport, or a
// CodeUnavailable error when no instance of the provider is registered or
// none passes the rule's filters (reasons instance.none, instance.filtered).
func (r *Router) Route(h *Hop) (rule.Routes, *Target, error) {
	compiled := r.rules.Compiled()
	d := h.Decision
	if d == nil {
		own := compiled.Decide(h.Request, r.rand)
		d = &own
	}
	var routes rule.Routes
	if r.cfg.Entry {
		rule.StampGateway(h.Out, d, compiled, &r.self, r.cfg.Gateway)
		routes = compiled.ContextRoutes(h.Out, d, false)
	} else {
		rule.Propagate(h.Out, h.In, &r.self, d, r.cfg.Propagate)
		routes = compiled.ContextRoutes(rule.HTTPHeader(h.In), d, r.cfg.ServiceHeaderPriority)
	}
	target, err := r.balancer.Pick(compiled, routes, h.Provider, r.instances.Get(h.Provider))
	return routes, target, err
}

// Filter is a service's route filter on an incoming request: its own
// decision of req, with header (the caller's copy of the request's
// headers) stamped with the rule's inner header and decided core values,
// replacing or filling per ServiceHeaderPriority. The decision and header
// are the Hop of the calls made while serving the request.
func (r *Router) Filter(req rule.Request, header http.Header) rule.Decision {
	compiled := r.rules.Compiled()
	d := compiled.Decide(req, r.rand)
	rule.StampService(header, &d, compiled, r.cfg.ServiceHeaderPriority)
	return d
}

// globalRand draws from math/rand/v2's source, safe for concurrent use.
type globalRand struct{}

func (globalRand) IntN(n int) int { return rand.IntN(n) }
