package rule

import (
	"net/http"
	"net/textproto"
	"strconv"
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
	for h := range numRouteHeaders {
		v := ""
		if innerFirst && c != nil {
			v, _ = c.inner.Get(routeHeaderNames[h])
		}
		if v == "" && in != nil {
			v = in.Get(canonicalRouteHeaders[h])
		}
		if v == "" && local != nil {
			v = local.Routes[h]
		}
		r[h] = v
	}
	return r
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

// StampGateway applies the gateway route filter to the forwarded request
// (AbstractGatewayStrategyRouteFilter): the gateway's identity headers, then,
// when core transmission is on, the inner header and every core header the
// entry decision computed (replacing or keeping incoming ones per the
// switches); when it is off, the core headers are removed. c and self may be
// nil.
func StampGateway(out HeaderWriter, d *Decision, c *Compiled, self *Instance, sw GatewaySwitches) {
	if self != nil {
		setHeader(out, textproto.CanonicalMIMEHeaderKey(HeaderServiceGroup), orDefault(self.Group), sw.HeaderPriority)
		setIdentity(out, self, "gateway", false)
	}
	if !sw.CoreTransmission {
		for h := range RouteHeader(numCoreHeaders) {
			out.Del(canonicalRouteHeaders[h])
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
			setHeader(out, name, v, sw.HeaderPriority)
		case sw.HeaderPriority && sw.OriginalHeaderIgnored:
			out.Del(name)
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
			setHeader(out, canonicalRouteHeaders[h], v, priority)
		}
	}
}

// setIdentity sets the n-d-service-* headers of self; version, region, env
// and zone only when they are not "default".
func setIdentity(out HeaderWriter, self *Instance, kind string, priority bool) {
	if self.Type != "" {
		kind = self.Type
	}
	set := func(name, v string) { setHeader(out, textproto.CanonicalMIMEHeaderKey(name), v, priority) }
	set(HeaderServiceType, kind)
	if app := self.Metadata["spring_application_app_id"]; app != "" {
		set(HeaderServiceAppID, app)
	}
	set(HeaderServiceID, self.Service)
	set(HeaderServiceAddress, self.Host+":"+strconv.Itoa(self.Port))
	for name, v := range map[string]string{HeaderServiceVersion: self.Version, HeaderServiceRegion: self.Region, HeaderServiceEnv: self.Env, HeaderServiceZone: self.Zone} {
		if v != "" && v != Default {
			set(name, v)
		}
	}
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
		out.Set(textproto.CanonicalMIMEHeaderKey(HeaderServiceGroup), orDefault(self.Group))
		setIdentity(out, self, "service", true)
	}
	for name, values := range in {
		if len(values) == 0 {
			continue
		}
		lower := toLowerASCII(name)
		copyIt := len(lower) > 4 && lower[:4] == "n-d-" && !isInnerHeader(lower)
		if copyIt && !sw.CoreTransmission && isCoreHeaderName(lower) {
			copyIt = false
		}
		for _, extra := range sw.ContextHeaders {
			if equalFoldASCII(extra, name) {
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
		if v := local.Routes[h]; v != "" && out.Get(canonicalRouteHeaders[h]) == "" {
			out.Set(canonicalRouteHeaders[h], v)
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

func toLowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
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
