// Package registry holds what every registry adapter's user needs on top of
// the switchyard.Registry port: keeping an instance announced.
package registry

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Announce registers in, heartbeats every interval, registers again when the
// registry forgot it (expiry, a restarted control plane) or was unreachable,
// and deregisters when ctx ends. It returns once the first registration
// succeeded (or ctx ended); the rest runs in the background until ctx ends,
// after which done is closed.
func Announce(ctx context.Context, reg switchyard.Registry, in *switchyard.Instance, interval time.Duration, logger *slog.Logger) (id string, done <-chan struct{}) {
	if logger == nil {
		logger = slog.Default()
	}
	d := make(chan struct{})
	cur := *in
	register := func() bool {
		got, err := reg.Register(ctx, &cur)
		if err != nil {
			if ctx.Err() == nil {
				logger.WarnContext(ctx, "register instance", "service", cur.Service, "err", err)
			}
			return false
		}
		cur.ID = got.ID
		return true
	}
	for !register() && ctx.Err() == nil {
		wait(ctx, interval)
	}
	go func() {
		defer close(d)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				dctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				if err := reg.Deregister(dctx, cur.ID); err != nil {
					logger.Warn("deregister instance", "service", cur.Service, "err", err)
				}
				cancel()
				return
			case <-t.C:
				if err := reg.Heartbeat(ctx, cur.ID); err != nil && ctx.Err() == nil {
					logger.InfoContext(ctx, "heartbeat refused; registering again", "service", cur.Service, "err", err)
					register()
				}
			}
		}
	}()
	return cur.ID, d
}

func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
