package watch

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

func newTestHub() *Hub[string, val] { return NewHub[string](valVersion) }

func current(v int64) func() (val, error) { return func() (val, error) { return val{v: v}, nil } }

func recv(t *testing.T, ch <-chan val) val {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(2 * time.Second):
		t.Fatal("no value")
		return val{}
	}
}

func empty(t *testing.T, ch <-chan val) {
	t.Helper()
	select {
	case v, open := <-ch:
		t.Fatalf("unexpected %+v (open %v)", v, open)
	default:
	}
}

func TestHubHandsTheCurrentValueThenNewerOnes(t *testing.T) {
	const none = -1
	tests := []struct {
		name    string
		current int64
		publish []int64
		want    []int64 // what the reader gets after each publish
	}{
		{"newer versions", 1, []int64{2, 3}, []int64{2, 3}},
		{"an older or equal version is dropped", 5, []int64{4, 5, 6}, []int64{none, none, 6}},
		{"a version 0 start (never written)", 0, []int64{1}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestHub()
			ch, err := h.Subscribe(t.Context(), "k", current(tt.current))
			if err != nil {
				t.Fatal(err)
			}
			if v := recv(t, ch); v.v != tt.current {
				t.Fatalf("first value %d, want the current %d", v.v, tt.current)
			}
			for i, p := range tt.publish {
				h.Publish("k", val{v: p})
				h.Publish("other", val{v: 100 + p})
				if tt.want[i] == none {
					empty(t, ch)
				} else if v := recv(t, ch); v.v != tt.want[i] {
					t.Fatalf("after publishing %d got %d, want %d", p, v.v, tt.want[i])
				}
			}
			empty(t, ch)
		})
	}
}

func TestHubSlowReaderSeesOnlyTheLatest(t *testing.T) {
	h := newTestHub()
	ch, _ := h.Subscribe(t.Context(), "k", current(0))
	for v := int64(1); v <= 5; v++ {
		h.Publish("k", val{v: v})
	}
	if v := recv(t, ch); v.v != 5 {
		t.Fatalf("a reader that fell behind got %d, want 5", v.v)
	}
	empty(t, ch)
}

// TestHubKeepsAWriteThatRacesTheSubscription: a write lands after current
// read the state but before current returned; the subscriber still gets it,
// since it joined before current ran.
func TestHubKeepsAWriteThatRacesTheSubscription(t *testing.T) {
	h := newTestHub()
	ch, err := h.Subscribe(t.Context(), "k", func() (val, error) {
		read := val{v: 1}
		h.Publish("k", val{v: 2, text: "written meanwhile"})
		return read, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := recv(t, ch); v.v != 2 {
		t.Fatalf("got %+v, want the write that raced the subscription", v)
	}
	empty(t, ch)
}

func TestHubEndsWithTheContext(t *testing.T) {
	h := newTestHub()
	ctx, cancel := context.WithCancel(t.Context())
	ch, _ := h.Subscribe(ctx, "k", current(1))
	if !h.Watched("k") || h.Watched("other") {
		t.Fatal("Watched disagrees with the subscriptions")
	}
	cancel()
	deadline := time.After(2 * time.Second)
	for open := true; open; {
		select {
		case _, open = <-ch:
		case <-deadline:
			t.Fatal("the channel stays open after the context ended")
		}
	}
	if h.Watched("k") {
		t.Fatal("an ended subscription is still counted")
	}
	h.Publish("k", val{v: 9}) // must not send on the closed channel
}

func TestHubCurrentFails(t *testing.T) {
	h := newTestHub()
	boom := errors.New("store down")
	if _, err := h.Subscribe(t.Context(), "k", func() (val, error) { return val{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if h.Watched("k") {
		t.Fatal("a failed subscription stays")
	}
}

// TestHubRacingPublishers: however publishers interleave, a reader sees
// versions only grow and ends with the newest.
func TestHubRacingPublishers(t *testing.T) {
	h := newTestHub()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var readers []<-chan val
	for range 4 {
		ch, _ := h.Subscribe(ctx, "k", current(0))
		readers = append(readers, ch)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				h.Publish("k", val{v: int64(rand.IntN(1000))})
			}
		})
	}
	wg.Go(func() { h.Publish("k", val{v: 1000}) })
	var rg sync.WaitGroup
	for _, ch := range readers {
		rg.Go(func() {
			last := int64(-1)
			for v := range ch {
				if v.v <= last {
					t.Errorf("version %d after %d", v.v, last)
				}
				last = v.v
				if last == 1000 {
					return
				}
			}
		})
	}
	wg.Wait()
	rg.Wait()
}
