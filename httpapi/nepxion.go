package httpapi

import (
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// NepxionPrefix is where the Nepxion-compatible console endpoints live on
// the API listener; the demo also serves them at the root of the guide's
// console address.
const NepxionPrefix = "/nepxion"

// nepxionRoutes are Discovery console endpoints with Nepxion's paths, bodies
// and answers, so Nepxion's automation and scripts work against switchyard.
// As in Nepxion, bodies are raw text or JSON and failures are HTTP 500 with
// the message as plain text.
func (s *Server) nepxionRoutes() []*Route {
	var rs []*Route
	rs = append(rs, s.nepxionServiceRoutes()...)
	rs = append(rs, s.nepxionConfigRoutes()...)
	rs = append(rs, s.nepxionBatchRoutes()...)
	rs = append(rs, s.nepxionStrategyRoutes()...)
	return rs
}

// nepxionFail answers like Nepxion's ResponseUtil.getFailureResponse: 500
// and the message. Authentication and permission refusals keep their codes.
func nepxionFail(c *Call, err error) error {
	switch switchyard.ErrorCode(err) {
	case switchyard.CodeUnauthenticated, switchyard.CodeForbidden, switchyard.CodeTooManyRequests:
		return err
	}
	var msg string
	if e := switchyard.AsError(err); e != nil && e.Code != switchyard.CodeInternal {
		msg = e.Message
	} else {
		// Store and driver text stays in the log: the answer names the
		// request so an operator can find it there.
		id := requestID(c.R.Context())
		c.srv.Logger.ErrorContext(c.R.Context(), "nepxion endpoint", "err", err, "path", c.R.URL.Path, "request_id", id)
		msg = "internal error; the server log has the details under request id " + id
	}
	c.W.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.W.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(c.W, msg)
	return nil
}

// writeText answers 200 with a text body.
func writeText(c *Call, text string) error {
	c.W.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := io.WriteString(c.W, text)
	return err
}

// readText reads a raw request body (at most maxBody bytes, within the
// body read deadline).
func readText(c *Call) (string, error) {
	b, err := readBody(c.R)
	return string(b), err
}

// isLoopback reports whether the request came from this machine.
func isLoopback(r *http.Request) bool {
	ip := net.ParseIP(remoteAddr(r))
	return ip != nil && ip.IsLoopback()
}

// NepxionPaths rewrites requests for Nepxion's root paths (/config/…,
// /service/…, /strategy/…) to the API's /nepxion prefix, tolerating the
// double slash Nepxion's test tooling sends (…6001//config/remote/update/…).
func NepxionPaths(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := "/" + strings.TrimLeft(r.URL.Path, "/")
		if p == "/healthz" || p == "/readyz" {
			r.URL.Path = p
		} else {
			r.URL.Path = NepxionPrefix + p
		}
		r.URL.RawPath = ""
		api.ServeHTTP(w, r)
	})
}

// convert answers a request body transformed by fn (Nepxion's parse and
// deparse endpoints), with contentType; failures answer as Nepxion does.
func convert(contentType string, fn func(text string) ([]byte, error)) func(*Call, *nepxionIn) error {
	return func(c *Call, _ *nepxionIn) error {
		text, err := readText(c)
		if err != nil {
			return nepxionFail(c, err)
		}
		out, err := fn(text)
		if err != nil {
			return nepxionFail(c, err)
		}
		c.W.Header().Set("Content-Type", contentType)
		_, err = c.W.Write(out)
		return err
	}
}
