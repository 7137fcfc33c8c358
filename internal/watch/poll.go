package watch

import "context"

// Fetch makes one long-poll request for a value whose version differs from
// have (-1 before the first value, so the first request answers at once
// with the current value). changed is false when the server's timeout
// passed without a change.
type Fetch[T any] func(ctx context.Context, have int64) (v T, changed bool, err error)

// Poll calls fetch until ctx ends and delivers every value it returns;
// version tells the version of a value, which the next fetch names as have.
// A failed fetch is reported to failed (when not nil and ctx is not done)
// and retried after a Backoff, so a watch survives the server being down or
// restarting; a success resets the backoff. The channel holds the newest
// undelivered value and is closed when ctx ends.
func Poll[T any](ctx context.Context, fetch Fetch[T], version func(T) int64, failed func(error)) <-chan T {
	ch := make(chan T, 1)
	go func() {
		defer close(ch)
		var backoff Backoff
		have := int64(-1)
		for ctx.Err() == nil {
			v, changed, err := fetch(ctx, have)
			if err != nil {
				if ctx.Err() == nil {
					if failed != nil {
						failed(err)
					}
					backoff.Wait(ctx)
				}
				continue
			}
			backoff.Reset()
			if changed {
				have = version(v)
				offer(ch, v)
			}
		}
	}()
	return ch
}
