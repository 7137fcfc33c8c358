package rule

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// HTTPRequest adapts an *http.Request to Request without allocating in the
// common case: query parameters are found by scanning RawQuery and cookies by
// scanning the Cookie headers, instead of building r.URL.Query() or
// r.Cookies(); only a value with %-escapes is decoded into a new string.
type HTTPRequest struct {
	R *http.Request
}

var _ Scanner = HTTPRequest{}

// Param returns the first value of the query parameter name.
func (h HTTPRequest) Param(name string) string { return QueryParam(h.R.URL.RawQuery, name) }

// QueryParam returns the first value of the parameter name in the raw
// query q, decoded; "" when absent. Every Request over HTTP reads
// parameters this way.
func QueryParam(q, name string) string {
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		key, value, _ := strings.Cut(pair, "=")
		if !queryEquals(key, name) {
			continue
		}
		if strings.ContainsAny(value, "%+") {
			v, err := url.QueryUnescape(value)
			if err != nil {
				return value
			}
			return v
		}
		return value
	}
	return ""
}

func queryEquals(key, name string) bool {
	if !strings.ContainsAny(key, "%+") {
		return key == name
	}
	k, err := url.QueryUnescape(key)
	return err == nil && k == name
}

// ScanParams implements Scanner: one pass over RawQuery, with the names
// and values Param compares and returns. Only the values of names the rule
// reads are decoded.
func (h HTTPRequest) ScanParams(w *Wanted) { ScanQuery(h.R.URL.RawQuery, w) }

// ScanQuery is ScanParams over the raw query q: for a Scanner over HTTP.
func ScanQuery(q string, w *Wanted) {
	var buf [128]byte
	for q != "" && !w.Full() {
		pair := q
		if i := strings.IndexByte(q, '&'); i >= 0 {
			pair, q = q[:i], q[i+1:]
		} else {
			q = ""
		}
		key, value := pair, ""
		if i := strings.IndexByte(pair, '='); i >= 0 {
			key, value = pair[:i], pair[i+1:]
		}
		slot := -1
		if !hasQueryEscape(key) {
			slot = w.Slot(key)
		} else if k, ok := appendQueryUnescaped(buf[:0], key); ok {
			slot = w.Slot(unsafeString(k)) // Slot keeps no reference to the name
		}
		if slot < 0 {
			continue
		}
		if hasQueryEscape(value) {
			if v, err := url.QueryUnescape(value); err == nil {
				value = v
			}
		}
		w.Set(slot, value)
	}
}

// hasQueryEscape is strings.ContainsAny(s, "%+"), without building a set
// of the two bytes on every call.
func hasQueryEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '+' {
			return true
		}
	}
	return false
}

// appendQueryUnescaped appends s decoded as url.QueryUnescape decodes it
// ("+" is a space, "%XX" a byte) to dst; ok is false where QueryUnescape
// fails (a "%" not followed by two hex digits).
func appendQueryUnescaped(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return dst, false
			}
			dst = append(dst, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case '+':
			dst = append(dst, ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// Cookie returns the value of the first cookie called name.
func (h HTTPRequest) Cookie(name string) string {
	for _, line := range h.R.Header["Cookie"] {
		if v, ok := CookieIn(line, name); ok {
			return v
		}
	}
	return ""
}

// CookieIn returns the value of the first cookie called name in one Cookie
// header line, and whether it is there.
func CookieIn(line, name string) (string, bool) {
	for line != "" {
		var part string
		part, line, _ = strings.Cut(line, ";")
		part = strings.TrimSpace(part)
		key, value, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(key) != name {
			continue
		}
		return cookieValue(value), true
	}
	return "", false
}

// ScanCookies implements Scanner: one pass over the Cookie headers, with
// the names and values Cookie compares and returns. A part's name is the
// text before its first "=" trimmed, its value the rest: what Cookie reads
// after trimming the whole part first, which only moves the ends.
func (h HTTPRequest) ScanCookies(w *Wanted) {
	for _, line := range h.R.Header["Cookie"] {
		ScanCookieLine(line, w)
	}
}

// ScanCookieLine is ScanCookies over one Cookie header line: for a
// Scanner over HTTP, called for each line in order.
func ScanCookieLine(line string, w *Wanted) {
	for line != "" {
		if w.Full() {
			return
		}
		part := line
		if i := strings.IndexByte(line, ';'); i >= 0 {
			part, line = line[:i], line[i+1:]
		} else {
			line = ""
		}
		eq := strings.IndexByte(part, '=')
		if eq < 0 {
			continue
		}
		if slot := w.Slot(strings.TrimSpace(part[:eq])); slot >= 0 {
			w.Set(slot, cookieValue(part[eq+1:]))
		}
	}
}

// cookieValue is what Cookie returns for the text after "=".
func cookieValue(value string) string {
	value = strings.TrimSpace(value)
	if len(value) > 1 && value[0] == '"' && value[len(value)-1] == '"' {
		value = value[1 : len(value)-1]
	}
	return value
}

// Header returns the first value of the header name (case-insensitive).
func (h HTTPRequest) Header(name string) string {
	if v := h.R.Header[name]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h.R.Header {
		if len(v) > 0 && ascii.EqualFold(k, name) {
			return v[0]
		}
	}
	return ""
}

// MapRequest is a Request from plain maps, for tests, the CLI and the
// console's expression checks. Header names are matched case-insensitively.
type MapRequest struct {
	Params  map[string]string
	Cookies map[string]string
	Headers map[string]string
}

// Param returns the parameter name.
func (m MapRequest) Param(name string) string { return m.Params[name] }

// Cookie returns the cookie name.
func (m MapRequest) Cookie(name string) string { return m.Cookies[name] }

// Header returns the header name, compared case-insensitively.
func (m MapRequest) Header(name string) string {
	if v, ok := m.Headers[name]; ok {
		return v
	}
	for k, v := range m.Headers {
		if ascii.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
