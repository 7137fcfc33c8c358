package watch

import (
	"context"
	"sync"
)

// Hub hands values to the subscribers of a key. Each subscriber holds only
// the newest value it has not read, and is never handed a value whose
// version is not above the last one it was handed: publishers may race
// (two writes of one key, a replica's change feed and a local write of the
// same version) without a watcher seeing time go backwards or a duplicate.
// Versions are per key: a config's version, a registry's revision.
//
// A Hub holds its lock only to find subscribers and never while calling
// out, so publishers may call it with their own lock held; Subscribe must
// not be called with a lock that current takes.
type Hub[K comparable, V any] struct {
	version func(V) int64

	mu   sync.Mutex
	subs map[K]map[*subscriber[V]]struct{}
}

// NewHub returns a hub whose values have the versions version tells.
func NewHub[K comparable, V any](version func(V) int64) *Hub[K, V] {
	return &Hub[K, V]{version: version, subs: map[K]map[*subscriber[V]]struct{}{}}
}

// subscriber is one Subscribe call.
type subscriber[V any] struct {
	mu     sync.Mutex
	ch     chan V
	last   int64 // version of the newest value handed over
	handed bool  // whether any value was
	closed bool
}

func (s *subscriber[V]) offer(v V, version int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.handed && version <= s.last {
		return
	}
	s.last, s.handed = version, true
	offer(s.ch, v)
}

func (s *subscriber[V]) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	close(s.ch)
}

// Subscribe watches key until ctx ends, when the channel is closed. The
// first value is what current returns (the key's state now); current runs
// after the subscriber joined, so a value published meanwhile is not lost:
// the subscriber gets whichever of the two is newer. An error from current
// ends the subscription and is returned.
func (h *Hub[K, V]) Subscribe(ctx context.Context, key K, current func() (V, error)) (<-chan V, error) {
	s := &subscriber[V]{ch: make(chan V, 1)}
	h.mu.Lock()
	if h.subs[key] == nil {
		h.subs[key] = map[*subscriber[V]]struct{}{}
	}
	h.subs[key][s] = struct{}{}
	h.mu.Unlock()
	v, err := current()
	if err != nil {
		h.remove(key, s)
		return nil, err
	}
	s.offer(v, h.version(v))
	context.AfterFunc(ctx, func() {
		h.remove(key, s)
		s.close()
	})
	return s.ch, nil
}

func (h *Hub[K, V]) remove(key K, s *subscriber[V]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs[key], s)
	if len(h.subs[key]) == 0 {
		delete(h.subs, key)
	}
}

// Watched reports whether key has subscribers, so a publisher can skip
// building a value nobody reads.
func (h *Hub[K, V]) Watched(key K) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs[key]) > 0
}

// Publish hands v to key's subscribers; it never blocks.
func (h *Hub[K, V]) Publish(key K, v V) {
	version := h.version(v)
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[key] {
		s.offer(v, version)
	}
}
