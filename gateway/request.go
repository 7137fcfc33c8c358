package gateway

import (
	"strings"

	"github.com/switchyard-io/switchyard/dataplane/h1"
	"github.com/switchyard-io/switchyard/rule"
)

// request is what the rule's decision reads of an h1 request: rule.Request
// and rule.Scanner over the raw query and the Cookie fields (the rule
// package's own scans), headers by a case-insensitive scan of the fields —
// nothing built per request unless a value carries %-escapes.
type request struct{ x *h1.Exchange }

var _ rule.Scanner = request{}

// Param returns the first value of the query parameter name.
func (r request) Param(name string) string { return rule.QueryParam(r.x.Req.RawQuery, name) }

// ScanParams passes every query parameter to w.
func (r request) ScanParams(w *rule.Wanted) { rule.ScanQuery(r.x.Req.RawQuery, w) }

// Cookie returns the value of the first cookie called name.
func (r request) Cookie(name string) string {
	for _, f := range r.x.Req.Fields {
		if strings.EqualFold(f.Name, "Cookie") {
			if v, ok := rule.CookieIn(f.Value, name); ok {
				return v
			}
		}
	}
	return ""
}

// ScanCookies passes every cookie to w, in order.
func (r request) ScanCookies(w *rule.Wanted) {
	for _, f := range r.x.Req.Fields {
		if strings.EqualFold(f.Name, "Cookie") {
			rule.ScanCookieLine(f.Value, w)
		}
	}
}

// Header returns the first value of the header name (case-insensitive).
func (r request) Header(name string) string { return r.x.Req.Get(name) }
