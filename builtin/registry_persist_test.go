package builtin_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
)

// memStore is an InstanceStore in memory. Writes can be held (gate) or
// slowed by a random pause, as a busy database would.
type memStore struct {
	mu    sync.Mutex
	saved map[string]*switchyard.Instance
	// entered, if set, is told of each SaveInstance, which then waits for
	// gate to close.
	entered chan string
	gate    chan struct{}
	jitter  bool
}

func newMemStore() *memStore { return &memStore{saved: map[string]*switchyard.Instance{}} }

func (s *memStore) pause() {
	if s.jitter {
		time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
	}
}

func (s *memStore) SaveInstance(_ context.Context, in *switchyard.Instance) error {
	if s.entered != nil {
		s.entered <- in.ID
		<-s.gate
	}
	s.pause()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *in
	s.saved[in.ID] = &c
	return nil
}

func (s *memStore) DeleteInstance(_ context.Context, id string) error {
	s.pause()
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.saved, id)
	return nil
}

func (s *memStore) LoadInstances(context.Context) ([]*switchyard.Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Collect(maps.Values(s.saved)), nil
}

// within fails t unless fn returns within a second.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { fn(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Errorf("%s waited for the store write", what)
	}
}

// TestStoreWritesOutsideTheLock: while the store is slow to save a
// registration, lists, watches and heartbeats are answered at once;
// Register itself returns only once its registration is stored.
func TestStoreWritesOutsideTheLock(t *testing.T) {
	st := newMemStore()
	r := builtin.NewRegistry()
	r.Persist = st
	b, err := r.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 2})
	if err != nil {
		t.Fatal(err)
	}
	st.entered, st.gate = make(chan string), make(chan struct{})
	registered := make(chan *switchyard.Instance)
	go func() {
		a, _ := r.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1})
		registered <- a
	}()
	<-st.entered // the store write is under way, and held
	within(t, "Instances", func() { r.Instances(t.Context(), "svc") })
	within(t, "All", func() { r.All(t.Context()) })
	within(t, "Heartbeat", func() { r.Heartbeat(t.Context(), b.ID) })
	within(t, "Watch", func() {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ch, _ := r.Watch(ctx, "svc")
		<-ch
	})
	select {
	case <-registered:
		t.Fatal("Register returned before its registration was stored")
	default:
	}
	close(st.gate)
	a := <-registered
	if saved, _ := st.LoadInstances(t.Context()); len(saved) != 2 {
		t.Fatalf("stored %d registrations, want 2 (%s and %s)", len(saved), a.ID, b.ID)
	}
}

// TestStoreKeepsTheOrderOfRacingChanges: an instance is removed while the
// store is still saving its registration; the removal reaches the store
// after the save, so the store does not keep a registration the registry
// dropped.
func TestStoreKeepsTheOrderOfRacingChanges(t *testing.T) {
	tests := []struct {
		name   string
		remove func(r *builtin.Registry, c *clock, id string)
	}{
		{"deregister", func(r *builtin.Registry, _ *clock, id string) { r.Deregister(context.Background(), id) }},
		{"the sweeper", func(r *builtin.Registry, c *clock, _ string) { c.advance(time.Hour); r.Expire() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newMemStore()
			st.entered, st.gate = make(chan string), make(chan struct{})
			c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
			r := builtin.NewRegistry()
			r.Now, r.Persist = c.now, st
			var wg sync.WaitGroup
			wg.Go(func() {
				r.Register(t.Context(), &switchyard.Instance{ID: "a", Service: "svc", Host: "127.0.0.1", Port: 1})
			})
			<-st.entered // the save of a is under way, and held
			wg.Go(func() { tt.remove(r, c, "a") })
			for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
				if got, _ := r.Instances(t.Context(), "svc"); len(got) == 0 {
					break // removed from the registry; its store write is next
				}
				if time.Now().After(deadline) {
					t.Fatal("the instance was never removed")
				}
			}
			time.Sleep(20 * time.Millisecond) // a removal written at once would be done by now
			close(st.gate)
			wg.Wait()
			if saved, _ := st.LoadInstances(t.Context()); len(saved) != 0 {
				t.Fatalf("the store keeps %s, which the registry removed", saved[0].ID)
			}
		})
	}
}

// TestStoreEndsWithTheLastChange: registrations and removals of the same
// ids racing each other and the sweeper leave the store holding exactly
// what the registry holds, registration by registration.
func TestStoreEndsWithTheLastChange(t *testing.T) {
	for round := range 10 {
		st := newMemStore()
		st.jitter = true
		c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
		r := builtin.NewRegistry()
		r.Now, r.Persist = c.now, st
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := range 40 {
					id := fmt.Sprintf("instance-%d", rand.IntN(3))
					switch rand.IntN(5) {
					case 0:
						r.Deregister(t.Context(), id)
					case 1:
						if w == 0 {
							c.advance(r.TTL + time.Second)
						}
						r.Expire()
					default:
						in := &switchyard.Instance{ID: id, Service: "svc", Host: "127.0.0.1", Port: 1000*w + i + 1}
						if _, err := r.Register(t.Context(), in); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		held, _ := r.All(t.Context())
		saved, _ := st.LoadInstances(t.Context())
		ports := map[string]int{}
		for _, in := range saved {
			ports[in.ID] = in.Port
		}
		if len(saved) != len(held) {
			t.Fatalf("round %d: the registry holds %d, the store %d: %v", round, len(held), len(saved), ports)
		}
		for _, in := range held {
			if ports[in.ID] != in.Port {
				t.Fatalf("round %d: %s is on port %d in the registry, %d in the store", round, in.ID, in.Port, ports[in.ID])
			}
		}
	}
}
