// Package watchtest reads watch channels in tests: the next value within a
// time, the first value a condition accepts, the channel closing. The
// conformance suites of every port with a Watch method use it.
package watchtest

import (
	"testing"
	"time"
)

// Next returns the next value of ch, failing t if none arrives within the
// time or the channel closes.
func Next[T any](t testing.TB, ch <-chan T, within time.Duration) T {
	t.Helper()
	return Until(t, ch, within, "a watch event", func(T) bool { return true })
}

// Until returns the first value of ch that ok accepts, skipping others,
// failing t with what if none arrives within the time or the channel
// closes first.
func Until[T any](t testing.TB, ch <-chan T, within time.Duration, what string, ok func(T) bool) T {
	t.Helper()
	return await(t, ch, within, what, func(v T, open bool) bool {
		if !open {
			t.Fatalf("the watch channel closed before %s", what)
		}
		return ok(v)
	})
}

// Closes fails t unless ch is closed within the time (values before the
// close are skipped): a watch ends with its context.
func Closes[T any](t testing.TB, ch <-chan T, within time.Duration) {
	t.Helper()
	await(t, ch, within, "the watch channel closing after its context ended", func(_ T, open bool) bool { return !open })
}

// await reads ch until done accepts what it read.
func await[T any](t testing.TB, ch <-chan T, within time.Duration, what string, done func(v T, open bool) bool) T {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case v, open := <-ch:
			if done(v, open) {
				return v
			}
		case <-deadline:
			t.Fatalf("no %s within %s", what, within)
		}
	}
}
