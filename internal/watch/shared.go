package watch

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"time"
)

// DefaultLinger is how long a Shared keeps the watch of a key nobody polls.
const DefaultLinger = time.Minute

var errEnded = errors.New("watch: the watch ended before its first value")

// Shared lets the long-polls of one key share one watch of it. The first
// poll of a key starts the watch (a port's Watch); every poll is handed the
// newest value that watch delivered, then the newer ones, as a Hub hands
// them. So a poll costs no call of the port: when a publish wakes N
// watchers and they poll again, the port is read once, not N times. The
// watch ends Linger after the last poll of its key ended.
//
// A poll thus sees what the shared watch saw. For a port whose Watch hears
// of every write (the built-in config center: its own writes at once,
// other replicas' within its PollInterval) that is what a watch of its own
// would have seen, minus the read.
type Shared[K comparable, V any] struct {
	// Watch starts the watch of key; it ends with ctx.
	Watch func(ctx context.Context, key K) (<-chan V, error)
	// Linger is how long a watch nobody polls is kept; 0 is DefaultLinger.
	Linger time.Duration

	hub *Hub[K, V]

	mu   sync.Mutex
	keys map[K]*sharedKey[V]
}

// sharedKey is the one watch of a key.
type sharedKey[V any] struct {
	ready chan struct{} // closed once the first value (or err) is in
	err   error         // why the watch could not start
	stop  context.CancelFunc

	readers int         // polls holding the key (Shared.mu)
	idle    *time.Timer // ends the watch after Linger without readers (Shared.mu)

	mu     sync.Mutex
	latest V // the newest value delivered
}

// NewShared returns a Shared over watch; version tells a value's version.
func NewShared[K comparable, V any](version func(V) int64, watch func(ctx context.Context, key K) (<-chan V, error)) *Shared[K, V] {
	return &Shared[K, V]{Watch: watch, hub: NewHub[K](version), keys: map[K]*sharedKey[V]{}}
}

// Subscribe watches key until ctx ends, when the channel is closed: the
// newest value first, then every newer one (a Hub subscription). An error
// starting the key's watch is returned, and the next Subscribe tries again.
func (s *Shared[K, V]) Subscribe(ctx context.Context, key K) (<-chan V, error) {
	k := s.acquire(key)
	select {
	case <-k.ready:
	case <-ctx.Done():
		s.release(key, k)
		return nil, ctx.Err()
	}
	if k.err != nil {
		s.release(key, k)
		return nil, k.err
	}
	ch, err := s.hub.Subscribe(ctx, key, func() (V, error) {
		k.mu.Lock()
		defer k.mu.Unlock()
		return k.latest, nil
	})
	if err != nil {
		s.release(key, k)
		return nil, err
	}
	context.AfterFunc(ctx, func() { s.release(key, k) })
	return ch, nil
}

// Close ends every watch; a poll after it starts a new one. Polls held
// meanwhile are handed nothing more and end at their timeout. A server
// without a lifecycle of its own may leave its watches to the linger.
func (s *Shared[K, V]) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, k := range s.keys {
		delete(s.keys, key)
		if k.idle != nil {
			k.idle.Stop()
		}
		k.stop()
	}
}

// acquire counts a reader of key, starting its watch for the first one.
func (s *Shared[K, V]) acquire(key K) *sharedKey[V] {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.keys[key]
	if k == nil {
		ctx, stop := context.WithCancel(context.Background())
		k = &sharedKey[V]{ready: make(chan struct{}), stop: stop}
		s.keys[key] = k
		go s.run(ctx, key, k)
	}
	k.readers++
	if k.idle != nil {
		k.idle.Stop() // a timer that already fired finds a reader and keeps the watch
		k.idle = nil
	}
	return k
}

// release counts a reader of key out; the last one arms the linger.
func (s *Shared[K, V]) release(key K, k *sharedKey[V]) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k.readers--
	if k.readers > 0 || s.keys[key] != k {
		return
	}
	select {
	case <-k.ready:
		if k.err != nil {
			delete(s.keys, key) // a failed start is not kept: the next poll retries
			return
		}
	default: // still starting: the linger ends the start too
	}
	k.idle = time.AfterFunc(cmp.Or(s.Linger, DefaultLinger), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if k.readers == 0 && s.keys[key] == k {
			delete(s.keys, key)
			k.stop()
		}
	})
}

// run is the key's watch: it keeps the newest value and hands it to the
// readers until the watch ends.
func (s *Shared[K, V]) run(ctx context.Context, key K, k *sharedKey[V]) {
	ch, err := s.Watch(ctx, key)
	if err != nil {
		k.stop()
		k.err = err
		close(k.ready)
		return
	}
	first := true
	for v := range ch {
		// The value is kept before it is published, so a reader joining
		// the hub meanwhile reads it as its current value or is handed it.
		k.mu.Lock()
		k.latest = v
		k.mu.Unlock()
		if first {
			first = false
			close(k.ready)
			continue
		}
		s.hub.Publish(key, v)
	}
	k.stop()
	s.mu.Lock()
	if s.keys[key] == k {
		delete(s.keys, key) // the watch ended on its own: the next poll starts another
	}
	s.mu.Unlock()
	if first {
		k.err = errEnded
		close(k.ready)
	}
}
