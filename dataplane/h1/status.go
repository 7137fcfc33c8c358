package h1

import "net/http"

// statusText is the reason phrase of a status ("Bad Gateway"), "status"
// for unknown ones.
func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	if code == 499 {
		return "Client Closed Request"
	}
	return "status"
}
