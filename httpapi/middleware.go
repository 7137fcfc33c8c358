package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

type ctxKey int

const requestIDKey ctxKey = iota

// requestID returns the request's ID ("" outside a request).
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// statusWriter records the status and size of a response, and the message
// of an error response for the audit log.
type statusWriter struct {
	http.ResponseWriter
	status     int
	bytes      int
	errMessage string
	quiet      bool // the route is machine chatter (Route.Quiet)
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 && w.errMessage == "" && bytes.HasPrefix(b, []byte(`{"error"`)) {
		var eb ErrorBody
		if json.Unmarshal(b, &eb) == nil {
			w.errMessage = eb.Error.Message
		}
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// Flush lets streaming handlers (server-sent events) flush through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware adds the request ID, security headers (a Content-Security-
// Policy on every answer), the request body's read deadline, panic recovery
// and the access log around next.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", contentSecurityPolicy(r.URL.Path))
		r = limitBodyRead(w, r)
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				s.Logger.ErrorContext(r.Context(), "panic", "panic", v, "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeError(sw, r, switchyard.Errorf(switchyard.CodeInternal, "panic: %v", v), s.Logger)
				}
			}
			s.logAccess(r, sw, start)
		}()
		next.ServeHTTP(sw, r)
	})
}

// consoleCSP is the console's Content-Security-Policy: its own scripts
// only (no inline script, no eval), its own API, images of its own or
// data: URLs (antd's icons), no plugins, no framing. Styles may be inline:
// antd's CSS-in-JS writes <style> elements and style attributes at run time.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// apiCSP is for everything else: answers are data, never pages.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

func contentSecurityPolicy(path string) string {
	if path == "/api" || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, NepxionPrefix+"/") || path == "/healthz" || path == "/readyz" {
		return apiCSP
	}
	return consoleCSP
}

func (s *Server) logAccess(r *http.Request, sw *statusWriter, start time.Time) {
	level := slog.LevelInfo
	if (sw.quiet || r.URL.Path == "/healthz" || r.URL.Path == "/readyz") && sw.status < 500 {
		level = slog.LevelDebug
	}
	if !s.Logger.Enabled(r.Context(), level) {
		return
	}
	s.Logger.LogAttrs(r.Context(), level, "http request",
		slog.String("method", r.Method),
		slog.String("path", switchyard.Truncate(r.URL.Path, switchyard.AuditPathMax)), // a path may be a megabyte
		slog.Int("status", sw.status),
		slog.Int("bytes", sw.bytes),
		slog.Duration("duration", time.Since(start)),
		slog.String("remote", remoteAddr(r)),
		slog.String("request_id", requestID(r.Context())),
	)
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
