package builtin

import (
	"context"
	"time"
)

// every calls fn every interval until ctx is done: the config center's
// change feed and the registry's sweeper.
func every(ctx context.Context, interval time.Duration, fn func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}
