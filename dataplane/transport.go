package dataplane

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// NewTransport returns the tuned transport every proxy hop uses: many idle
// connections per upstream (the default of 2 thrashes connections under
// load), bounded dial and header timeouts, no transparent compression.
func NewTransport() *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          2048,
		MaxIdleConnsPerHost:   512,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}
}

type targetKey struct{}

// WithTarget attaches a pick to a request's context for RetryTransport.
func WithTarget(ctx context.Context, t *Target) context.Context {
	return context.WithValue(ctx, targetKey{}, t)
}

// TargetOf returns the pick attached to ctx, or nil.
func TargetOf(ctx context.Context) *Target {
	t, _ := ctx.Value(targetKey{}).(*Target)
	return t
}

// RetryTransport sends a request to its Target's chosen instance and, when
// that instance refuses the connection (it died and the registry has not yet
// expired it), to the next instance the rule allows — never to one it
// excludes. An idempotent request without a body (GET, HEAD, OPTIONS) is
// also retried when the connection broke before any response (the instance
// died mid-request). A request whose body was already sent is not retried.
type RetryTransport struct {
	Base    http.RoundTripper
	Metrics *Metrics
	// Attempts bounds the instances tried per request.
	Attempts int
}

// RoundTrip implements http.RoundTripper.
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tg := TargetOf(req.Context())
	if tg == nil {
		return t.Base.RoundTrip(req)
	}
	var body *trackedBody
	if req.Body != nil && req.Body != http.NoBody {
		body = &trackedBody{rc: req.Body}
	}
	for attempt := 0; ; attempt++ {
		in := tg.Instance()
		// Only the URL changes per attempt: a shallow copy with its own URL
		// (headers shared, never modified here) spares a header clone.
		r := *req
		u := *req.URL
		u.Scheme, u.Host = "http", net.JoinHostPort(in.Host, strconv.Itoa(in.Port))
		r.URL = &u
		if body != nil {
			r.Body = body
		}
		start := time.Now()
		resp, err := t.Base.RoundTrip(&r)
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Metrics.Outbound(tg.Provider, in.VersionOr(), status, time.Since(start))
		if err != nil && refused(err) && tg.Refused != nil {
			tg.Refused(in)
		}
		retryable := refused(err) || (resp == nil && body == nil && idempotent(req.Method) && req.Context().Err() == nil)
		if err == nil || !retryable || (body != nil && body.started()) || attempt+1 >= max(t.Attempts, 1) || !tg.Advance() {
			if body != nil && err != nil {
				body.closeNow()
			}
			return resp, err
		}
	}
}

// Advance moves Chosen to the next allowed instance not tried yet, in the
// order of Eligible from the first choice; false when every one was tried.
func (t *Target) Advance() bool {
	n := len(t.Eligible)
	if n == 0 {
		return false
	}
	if t.tries == 0 {
		t.start = 0
		for i, idx := range t.Eligible {
			if idx == t.Chosen {
				t.start = i
			}
		}
	}
	t.tries++
	if t.tries >= n {
		return false
	}
	t.Chosen = t.Eligible[(t.start+t.tries)%n]
	return true
}

func idempotent(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// refused reports a failure to connect: nothing reached the instance.
func refused(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// trackedBody lets a request body survive a failed connection attempt: the
// transport closes bodies on error, so Close is deferred until the request
// is done, and the first Read marks the body as sent.
type trackedBody struct {
	rc   io.ReadCloser
	mu   sync.Mutex
	read bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	b.read = true
	b.mu.Unlock()
	return b.rc.Read(p)
}

func (b *trackedBody) started() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.read }

// Close is a no-op until closeNow: a retry may still need the body.
func (b *trackedBody) Close() error { return nil }

func (b *trackedBody) closeNow() { _ = b.rc.Close() }
