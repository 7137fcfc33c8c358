package dataplane

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Announcement keeps one instance registered.
type Announcement struct {
	id   atomic.Pointer[string]
	done chan struct{}
}

// ID is the registry's id of the instance; "" until the first registration
// succeeded.
func (a *Announcement) ID() string {
	if p := a.id.Load(); p != nil {
		return *p
	}
	return ""
}

// Done is closed after the instance deregistered at the end.
func (a *Announcement) Done() <-chan struct{} { return a.done }

// Announce registers in and keeps it registered until ctx ends: a heartbeat
// every interval, a new registration whenever the registry forgot the
// instance (expiry, a restarted control plane) or could not be reached, and
// a deregistration at the end. It tries once before returning (up to
// interval), then keeps trying in the background, so a process starts and
// serves while the registry is down.
func Announce(ctx context.Context, reg switchyard.Registry, in *switchyard.Instance, interval time.Duration, logger *slog.Logger) *Announcement {
	if logger == nil {
		logger = slog.Default()
	}
	a := &Announcement{done: make(chan struct{})}
	cur := *in
	register := func() bool {
		rctx, cancel := context.WithTimeout(ctx, interval)
		defer cancel()
		got, err := reg.Register(rctx, &cur)
		if err != nil {
			if ctx.Err() == nil {
				logger.WarnContext(ctx, "register instance", "service", cur.Service, "err", err)
			}
			return false
		}
		cur.ID = got.ID
		id := got.ID
		a.id.Store(&id)
		return true
	}
	registered := register()
	go func() {
		defer close(a.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if a.ID() != "" {
					dctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
					if err := reg.Deregister(dctx, cur.ID); err != nil {
						logger.Warn("deregister instance", "service", cur.Service, "err", err)
					}
					cancel()
				}
				return
			case <-t.C:
				if !registered {
					registered = register()
					continue
				}
				if err := reg.Heartbeat(ctx, cur.ID); err != nil && ctx.Err() == nil {
					logger.InfoContext(ctx, "heartbeat refused; registering again", "service", cur.Service, "err", err)
					registered = register()
				}
			}
		}
	}()
	return a
}
