package rule

import (
	"net/http"
	"net/url"
	"strings"
)

// HTTPRequest adapts an *http.Request to Request without allocating in the
// common case: query parameters are found by scanning RawQuery and cookies by
// scanning the Cookie headers, instead of building r.URL.Query() or
// r.Cookies(); only a value with %-escapes is decoded into a new string.
type HTTPRequest struct {
	R *http.Request
}

// Param returns the first value of the query parameter name.
func (h HTTPRequest) Param(name string) string {
	q := h.R.URL.RawQuery
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

// Cookie returns the value of the first cookie called name.
func (h HTTPRequest) Cookie(name string) string {
	for _, line := range h.R.Header["Cookie"] {
		for line != "" {
			var part string
			part, line, _ = strings.Cut(line, ";")
			part = strings.TrimSpace(part)
			key, value, ok := strings.Cut(part, "=")
			if !ok || strings.TrimSpace(key) != name {
				continue
			}
			value = strings.TrimSpace(value)
			if len(value) > 1 && value[0] == '"' && value[len(value)-1] == '"' {
				value = value[1 : len(value)-1]
			}
			return value
		}
	}
	return ""
}

// Header returns the first value of the header name (case-insensitive).
func (h HTTPRequest) Header(name string) string {
	if v := h.R.Header[name]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h.R.Header {
		if len(v) > 0 && equalFoldASCII(k, name) {
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
		if equalFoldASCII(k, name) {
			return v
		}
	}
	return ""
}
