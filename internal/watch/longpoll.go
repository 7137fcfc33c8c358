package watch

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
)

// DefaultTimeout is how long the server holds a long-poll request that
// names no timeout, and how long clients ask it to; MaxTimeout is the
// longest a client may ask for.
const (
	DefaultTimeout = 30 * time.Second
	MaxTimeout     = time.Minute
)

// ParseTimeout reads a long-poll's timeout parameter: "" is DefaultTimeout;
// anything else must be a positive duration up to MaxTimeout.
func ParseTimeout(raw string) (time.Duration, error) {
	if raw == "" {
		return DefaultTimeout, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 || d > MaxTimeout {
		return 0, switchyard.FieldErrorf("timeout", "param.invalid", "timeout %q must be a duration up to %s", raw, MaxTimeout)
	}
	return d, nil
}

// LongPoll is the server half of one long-poll request: the client names
// the version it has and how long it will wait.
type LongPoll[T any] struct {
	// Have is the version the client holds (-1: none).
	Have int64
	// Timeout is the request's timeout parameter (ParseTimeout).
	Timeout string
	// Watch starts the watch (a port's Watch method); it ends with ctx.
	Watch func(ctx context.Context) (<-chan T, error)
	// Version tells a value's version.
	Version func(T) int64
	// Write writes a JSON answer (the HTTP layer's one JSON writer).
	Write func(w http.ResponseWriter, status int, v any)
}

// Serve holds the request until the watch hands over a value whose version
// differs from Have, answered 200 with the value, or until the timeout
// passes or the request ends, answered 304 Not Modified — also when the
// timeout passes while the watch is still starting (a shared watch's first
// read on a busy store): nothing new within the time asked for. A bad
// timeout or a watch that cannot start is returned before anything is
// written.
func (p LongPoll[T]) Serve(ctx context.Context, w http.ResponseWriter) error {
	timeout, err := ParseTimeout(p.Timeout)
	if err != nil {
		return err
	}
	held, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch, err := p.Watch(held)
	if err != nil {
		if ctx.Err() == nil && held.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		return err
	}
	for v := range ch {
		if p.Version(v) != p.Have {
			p.Write(w, http.StatusOK, v)
			return nil
		}
	}
	w.WriteHeader(http.StatusNotModified)
	return nil
}
