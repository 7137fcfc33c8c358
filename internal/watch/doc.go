// Package watch is the one implementation of switchyard's watches, used by
// every adapter whose port has a Watch method.
//
// The server side: a Hub fans values out to the subscribers of a key (a
// config key, a service), and LongPoll answers one HTTP long-poll request
// from a Hub-backed watch: it holds the request until the value's version
// differs from the one the client has, or answers 304 Not Modified when the
// timeout passes. Shared lets the long-polls of one key share one watch
// and its newest value, so a poll costs no read of the port's store.
//
// The client side: Poll repeats a long-poll request, retrying failures with
// a jittered Backoff, and delivers what it gets on a channel.
//
// Every channel here holds one value: a reader that falls behind finds only
// the newest value, never a queue of stale ones, and never a value older
// than one it was already given. That is what the ports promise ("slow
// readers see only the latest").
package watch

// offer puts v in ch's one slot, replacing an unread older value. Each
// channel has one sender at a time (the caller guarantees it), so the slot
// is never full when the send runs.
func offer[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
		select {
		case <-ch:
		default:
		}
		ch <- v
	}
}
