package rule

import (
	"net/http"
	"net/textproto"
	"strconv"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// HeaderSource reads request headers. Names are passed in canonical MIME
// form ("N-D-Version"), so an http.Header looks them up without allocating.
type HeaderSource interface {
	Get(name string) string
}

// HeaderWriter changes the headers of the request being forwarded;
// http.Header implements it.
type HeaderWriter interface {
	Get(name string) string
	Set(name, value string)
	Del(name string)
}

var canonicalRouteHeaders = func() (out [numRouteHeaders]string) {
	for i, n := range routeHeaderNames {
		out[i] = textproto.CanonicalMIMEHeaderKey(n)
	}
	return out
}()

// CanonicalName returns the header name in canonical MIME form ("N-D-Version").
func (h RouteHeader) CanonicalName() string { return canonicalRouteHeaders[h] }

// ContextRoutes returns the route values one hop filters with
// (AbstractStrategyContextHolder.getContextRouteXxx, rule-model.md §4.1): the
// request's n-d-* header when set, else the hop's own decision. With
// innerFirst (a service with spring.application.strategy.service.header.
// priority=true), the rule's inner header is consulted before the request
// header. c and local may be nil.
func (c *Compiled) ContextRoutes(in HeaderSource, local *Decision, innerFirst bool) Routes {
	var r Routes
	if in != nil {
		requestRoutes(in, &r)
	}
	for h := range numRouteHeaders {
		if innerFirst && c != nil {
			if v, _ := c.inner.Get(routeHeaderNames[h]); v != "" {
				r[h] = v
				continue
			}
		}
		if r[h] == "" && local != nil {
			r[h] = local.Routes[h]
		}
	}
	return r
}

// walkHeaders is the size up to which requestRoutes walks an HTTPHeader
// once rather than looking up each route header: a map lookup hashes the
// name, and fifteen of them cost more than walking a map this small.
const walkHeaders = 16

// requestRoutes sets r[h] to in.Get(h.CanonicalName()) for every route
// header.
func requestRoutes(in HeaderSource, r *Routes) {
	if hh, ok := in.(HTTPHeader); ok && len(hh) <= walkHeaders {
		for k, v := range hh {
			if len(v) > 0 && len(k) >= len("N-D-Env") && k[:4] == "N-D-" {
				if h := routeHeaderOf(k); h >= 0 {
					r[h] = v[0]
				}
			}
		}
		return
	}
	for h := range numRouteHeaders {
		r[h] = in.Get(canonicalRouteHeaders[h])
	}
}

// routeHeaderOf returns the route header whose canonical name is name, or
// -1.
func routeHeaderOf(name string) RouteHeader {
	switch name {
	case "N-D-Version":
		return HeaderVersion
	case "N-D-Region":
		return HeaderRegion
	case "N-D-Address":
		return HeaderAddress
	case "N-D-Version-Weight":
		return HeaderVersionWeight
	case "N-D-Region-Weight":
		return HeaderRegionWeight
	case "N-D-Version-Prefer":
		return HeaderVersionPrefer
	case "N-D-Version-Failover":
		return HeaderVersionFailover
	case "N-D-Region-Transfer":
		return HeaderRegionTransfer
	case "N-D-Region-Failover":
		return HeaderRegionFailover
	case "N-D-Env-Failover":
		return HeaderEnvFailover
	case "N-D-Zone-Failover":
		return HeaderZoneFailover
	case "N-D-Address-Failover":
		return HeaderAddressFailover
	case "N-D-Id-Blacklist":
		return HeaderIDBlacklist
	case "N-D-Address-Blacklist":
		return HeaderAddressBlacklist
	case "N-D-Env":
		return HeaderEnv
	}
	return -1
}

// GatewaySwitches are the gateway's header switches (rule-model.md §6.2).
// Nepxion's defaults are all true: DefaultGatewaySwitches.
type GatewaySwitches struct {
	HeaderPriority        bool // gateway values replace incoming ones ("域网关")
	OriginalHeaderIgnored bool // with priority: an incoming core header the gateway did not compute is removed
	CoreTransmission      bool // false removes the fourteen core headers (downstreams decide themselves)
}

// DefaultGatewaySwitches returns Nepxion's defaults: all true.
func DefaultGatewaySwitches() GatewaySwitches {
	return GatewaySwitches{HeaderPriority: true, OriginalHeaderIgnored: true, CoreTransmission: true}
}

// setHeader is Nepxion's setHeader(name, value, priority): with priority the
// value replaces the incoming one, without it is only added when absent.
func setHeader(out HeaderWriter, name, value string, priority bool) {
	if priority || out.Get(name) == "" {
		out.Set(name, value)
	}
}

// setCanonical is setHeader for a name in canonical form: an http.Header's
// map is read and written directly, without the canonicalisation its
// methods repeat on every call (the same keys, the same values).
func setCanonical(out HeaderWriter, name, value string, priority bool) {
	if h, ok := out.(http.Header); ok {
		if v := h[name]; priority || len(v) == 0 || v[0] == "" {
			h[name] = []string{value}
		}
		return
	}
	setHeader(out, name, value, priority)
}

// delCanonical is out.Del for a name in canonical form.
func delCanonical(out HeaderWriter, name string) {
	if h, ok := out.(http.Header); ok {
		delete(h, name)
		return
	}
	out.Del(name)
}

// StampGateway applies the gateway route filter to the forwarded request
// (AbstractGatewayStrategyRouteFilter): the gateway's identity headers, then,
// when core transmission is on, the inner header and every core header the
// entry decision computed (replacing or keeping incoming ones per the
// switches); when it is off, the core headers are removed. c and self may be
// nil.
func StampGateway(out HeaderWriter, d *Decision, c *Compiled, self *Instance, sw GatewaySwitches) {
	if self != nil {
		setCanonical(out, canonicalIdentity.group, orDefault(self.Group), sw.HeaderPriority)
		setIdentity(out, self, "gateway", false)
	}
	if !sw.CoreTransmission {
		for h := range RouteHeader(numCoreHeaders) {
			delCanonical(out, canonicalRouteHeaders[h])
		}
		return
	}
	if c != nil && c.inner != nil {
		for _, e := range c.inner.Entries {
			setHeader(out, e.Name, e.Value, sw.HeaderPriority)
		}
	}
	for h := range RouteHeader(numCoreHeaders) {
		name, v := canonicalRouteHeaders[h], d.Routes[h]
		switch {
		case v != "":
			setCanonical(out, name, v, sw.HeaderPriority)
		case sw.HeaderPriority && sw.OriginalHeaderIgnored:
			delCanonical(out, name)
		}
	}
}

// StampService applies a service's route filter (AbstractServiceStrategyRouteFilter):
// its inner header and each non-empty core value of its own decision, which
// replace incoming headers when priority is true (Nepxion's default) and are
// only added when absent otherwise.
func StampService(out HeaderWriter, d *Decision, c *Compiled, priority bool) {
	if c != nil && c.inner != nil {
		for _, e := range c.inner.Entries {
			setHeader(out, e.Name, e.Value, priority)
		}
	}
	for h := range RouteHeader(numCoreHeaders) {
		if v := d.Routes[h]; v != "" {
			setCanonical(out, canonicalRouteHeaders[h], v, priority)
		}
	}
}

// setIdentity sets the n-d-service-* headers of self; version, region, env
// and zone only when they are not "default".
func setIdentity(out HeaderWriter, self *Instance, kind string, priority bool) {
	if self.Type != "" {
		kind = self.Type
	}
	setCanonical(out, canonicalIdentity.serviceType, kind, priority)
	if app := self.Metadata["spring_application_app_id"]; app != "" {
		setCanonical(out, canonicalIdentity.appID, app, priority)
	}
	setCanonical(out, canonicalIdentity.id, self.Service, priority)
	setCanonical(out, canonicalIdentity.address, self.Host+":"+strconv.Itoa(self.Port), priority)
	for i, v := range [...]string{self.Version, self.Region, self.Env, self.Zone} {
		if v != "" && v != Default {
			setCanonical(out, canonicalIdentity.located[i], v, priority)
		}
	}
}

// canonicalIdentity holds the canonical names of the identity headers, so
// that stamping them does not canonicalise (allocate) on every request.
var canonicalIdentity = struct {
	group, serviceType, appID, id, address string
	located                                [4]string // version, region, env, zone
}{
	group:       textproto.CanonicalMIMEHeaderKey(HeaderServiceGroup),
	serviceType: textproto.CanonicalMIMEHeaderKey(HeaderServiceType),
	appID:       textproto.CanonicalMIMEHeaderKey(HeaderServiceAppID),
	id:          textproto.CanonicalMIMEHeaderKey(HeaderServiceID),
	address:     textproto.CanonicalMIMEHeaderKey(HeaderServiceAddress),
	located: [4]string{textproto.CanonicalMIMEHeaderKey(HeaderServiceVersion), textproto.CanonicalMIMEHeaderKey(HeaderServiceRegion),
		textproto.CanonicalMIMEHeaderKey(HeaderServiceEnv), textproto.CanonicalMIMEHeaderKey(HeaderServiceZone)},
}

// PropagateSwitches control outbound propagation (rule-model.md §6.4).
type PropagateSwitches struct {
	CoreTransmission bool     // copy incoming core headers and add the local rule's values
	ContextHeaders   []string // extra headers to copy (context.request.headers and business.request.headers)
}

// Propagate builds the n-d-* headers of an outgoing call from a service
// (FeignStrategyInterceptor): its own identity headers, every incoming n-d-*
// header except the identity ones (core headers only with transmission on),
// the configured context headers, and — with transmission on — the local
// decision's value for each core header (and n-d-env) still absent.
// Parameters and cookies are never propagated. Not allocation-free: it is
// called once per outgoing request, after selection.
func Propagate(out HeaderWriter, in http.Header, self *Instance, local *Decision, sw PropagateSwitches) {
	if self != nil {
		setCanonical(out, canonicalIdentity.group, orDefault(self.Group), true)
		setIdentity(out, self, "service", true)
	}
	for name, values := range in {
		if len(values) == 0 {
			continue
		}
		lower := ascii.ToLower(name)
		copyIt := len(lower) > 4 && lower[:4] == "n-d-" && !isInnerHeader(lower)
		if copyIt && !sw.CoreTransmission && isCoreHeaderName(lower) {
			copyIt = false
		}
		for _, extra := range sw.ContextHeaders {
			if ascii.EqualFold(extra, name) {
				copyIt = true
			}
		}
		if copyIt {
			out.Set(name, values[0])
		}
	}
	if !sw.CoreTransmission || local == nil {
		return
	}
	for h := range numRouteHeaders {
		if v := local.Routes[h]; v != "" {
			setCanonical(out, canonicalRouteHeaders[h], v, false)
		}
	}
}

func isCoreHeaderName(lower string) bool {
	for h := range numCoreHeaders {
		if routeHeaderNames[h] == lower {
			return true
		}
	}
	return false
}

// HTTPHeader reads an http.Header as a HeaderSource without canonicalising
// the name on every call (http.Header.Get validates and converts it each
// time): names come canonical from this package, and net/http stores
// received headers under canonical keys.
type HTTPHeader http.Header

// Get returns the first value stored under the canonical name.
func (h HTTPHeader) Get(name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}
