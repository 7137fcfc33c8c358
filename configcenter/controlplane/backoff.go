package controlplane

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff waits longer after each consecutive failure: 250 ms doubling to
// 10 s, with jitter so many data-plane processes do not retry in step.
type backoff struct{ next time.Duration }

func newBackoff() *backoff { return &backoff{next: 250 * time.Millisecond} }

func (b *backoff) reset() { b.next = 250 * time.Millisecond }

func (b *backoff) wait(ctx context.Context) {
	d := b.next/2 + time.Duration(rand.Int64N(int64(b.next)))
	b.next = min(b.next*2, 10*time.Second)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
