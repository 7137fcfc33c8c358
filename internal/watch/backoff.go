package watch

import (
	"cmp"
	"context"
	"math/rand/v2"
	"time"
)

// Backoff spaces retries after consecutive failures: Min, doubling up to
// Max. Each wait is drawn from [d/2, 3d/2) so that many data-plane
// processes that lost the control plane together do not retry in step.
// The zero Backoff waits 250 ms doubling to 10 s.
type Backoff struct {
	Min, Max time.Duration

	next time.Duration
}

func (b *Backoff) bounds() (lo, hi time.Duration) {
	return cmp.Or(b.Min, 250*time.Millisecond), cmp.Or(b.Max, 10*time.Second)
}

// Reset starts again from Min after a success.
func (b *Backoff) Reset() { b.next = 0 }

// Next returns the next wait and doubles the one after it.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.bounds()
	if b.next < lo {
		b.next = lo
	}
	d := b.next/2 + time.Duration(rand.Int64N(int64(b.next)))
	b.next = min(b.next*2, hi)
	return d
}

// Wait sleeps Next or until ctx ends.
func (b *Backoff) Wait(ctx context.Context) {
	t := time.NewTimer(b.Next())
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
