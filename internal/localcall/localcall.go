// Package localcall tells a call from a program (curl, Nepxion's scripts,
// the control plane's fan-out) apart from one a web page makes through the
// user's browser, for the endpoints that take no credentials: the demo's
// Nepxion console open to loopback callers and the data plane's admin
// listener. A browser marks what a page sends (Origin, Sec-Fetch-Site) and
// names the page's host in Host; a DNS-rebinding page's host is its own
// domain pointed at this machine. Programs send neither mark and address
// the endpoint by IP, localhost or a name its operator configured.
package localcall

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// Check refuses (CodeForbidden, reason "request.cross_site") a request
// that carries an Origin header, a Sec-Fetch-Site other than same-origin or
// none (a page of another site, or of another port of this machine), or a
// Host other than an IP address, "localhost" (or a name under it) or one of
// names. The endpoints it guards serve no pages, so no page of theirs can
// be the origin.
func Check(r *http.Request, names ...string) error {
	if o := r.Header.Get("Origin"); o != "" {
		return refuse("the request comes from a web page (Origin %s)", o)
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "none", "same-origin":
	default:
		return refuse("the request comes from a web page (Sec-Fetch-Site: %s)", site)
	}
	if host := hostOf(r.Host); host != "" && !allowedHost(host, names) {
		return refuse("Host %s is not this machine's address (a DNS-rebinding page's?); call it by IP address or localhost", r.Host)
	}
	return nil
}

// IsLoopbackHost reports whether a Host header's host is a loopback IP
// address or localhost.
func IsLoopbackHost(hostport string) bool {
	host := hostOf(hostport)
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap().IsLoopback()
	}
	return isLocalhost(host)
}

// CheckLoopback is Check with Host limited to loopback addresses and
// localhost: for endpoints that listen on loopback only.
func CheckLoopback(r *http.Request) error {
	if err := Check(r); err != nil {
		return err
	}
	if r.Host != "" && !IsLoopbackHost(r.Host) {
		return refuse("Host %s is not a loopback address; call it as 127.0.0.1 or localhost", r.Host)
	}
	return nil
}

func refuse(format, value string) error {
	if len(value) > 100 {
		value = value[:100] + "…"
	}
	return switchyard.Errorf(switchyard.CodeForbidden, "refused: this endpoint takes calls from programs on trusted machines, not from web pages: "+format, strconv.Quote(value)).
		WithReason("request.cross_site", nil)
}

func hostOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

func isLocalhost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

func allowedHost(host string, names []string) bool {
	if _, err := netip.ParseAddr(host); err == nil || isLocalhost(host) {
		return true
	}
	for _, n := range names {
		if n != "" && strings.EqualFold(host, n) {
			return true
		}
	}
	return false
}
