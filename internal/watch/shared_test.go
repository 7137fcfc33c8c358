package watch

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// fakePort is a port's Watch: every call is recorded, and send hands a
// value to the watches running.
type fakePort struct {
	mu      sync.Mutex
	current val
	fail    error
	calls   int
	running map[chan val]bool
}

func newFakePort(current int64) *fakePort {
	return &fakePort{current: val{v: current}, running: map[chan val]bool{}}
}

func (p *fakePort) Watch(ctx context.Context, key string) (<-chan val, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.fail != nil {
		return nil, p.fail
	}
	ch := make(chan val, 1)
	ch <- p.current
	p.running[ch] = true
	context.AfterFunc(ctx, func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		delete(p.running, ch)
		close(ch)
	})
	return ch, nil
}

// send is a write at the port: every running watch is handed v.
func (p *fakePort) send(v int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = val{v: v}
	for ch := range p.running {
		offer(ch, p.current)
	}
}

func (p *fakePort) counts() (calls, running int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls, len(p.running)
}

func newTestShared(t *testing.T, p *fakePort) *Shared[string, val] {
	s := NewShared(valVersion, p.Watch)
	t.Cleanup(s.Close)
	return s
}

func TestSharedPollsShareOneWatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newFakePort(3)
		s := newTestShared(t, p)
		var readers []<-chan val
		for range 50 {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ch, err := s.Subscribe(ctx, "k")
			if err != nil {
				t.Fatal(err)
			}
			if v := recv(t, ch); v.v != 3 {
				t.Fatalf("first value %d, want the current 3", v.v)
			}
			readers = append(readers, ch)
		}
		p.send(4)
		synctest.Wait()
		for i, ch := range readers {
			if v := recv(t, ch); v.v != 4 {
				t.Fatalf("reader %d got %d after the write of 4", i, v.v)
			}
		}
		late, err := s.Subscribe(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		if v := recv(t, late); v.v != 4 {
			t.Fatalf("a poll after the write got %d, want the newest 4", v.v)
		}
		if calls, _ := p.counts(); calls != 1 {
			t.Fatalf("51 polls of one key called the port's Watch %d times, want once", calls)
		}
		other, err := s.Subscribe(t.Context(), "other")
		if err != nil {
			t.Fatal(err)
		}
		recv(t, other)
		if calls, _ := p.counts(); calls != 2 {
			t.Fatalf("a second key called Watch %d times in all, want 2", calls)
		}
	})
}

func TestSharedWatchLingersThenEnds(t *testing.T) {
	tests := []struct {
		name      string
		idle      time.Duration // between the last poll ending and the next one
		wantCalls int
	}{
		{"a poll within the linger reuses the watch", 30 * time.Second, 1},
		{"after the linger the watch ended; a poll starts another", 2 * time.Minute, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newFakePort(1)
				s := newTestShared(t, p)
				ctx, cancel := context.WithCancel(t.Context())
				ch, err := s.Subscribe(ctx, "k")
				if err != nil {
					t.Fatal(err)
				}
				recv(t, ch)
				cancel()
				time.Sleep(tt.idle)
				synctest.Wait()
				_, running := p.counts()
				if want := tt.wantCalls == 1; (running == 1) != want {
					t.Fatalf("%s without polls: %d watches running", tt.idle, running)
				}
				ch, err = s.Subscribe(t.Context(), "k")
				if err != nil {
					t.Fatal(err)
				}
				if v := recv(t, ch); v.v != 1 {
					t.Fatalf("got %d, want 1", v.v)
				}
				if calls, _ := p.counts(); calls != tt.wantCalls {
					t.Fatalf("Watch called %d times, want %d", calls, tt.wantCalls)
				}
			})
		})
	}
}

func TestSharedStartFailureIsReturnedAndRetried(t *testing.T) {
	p := newFakePort(1)
	p.fail = errors.New("port down")
	s := newTestShared(t, p)
	if _, err := s.Subscribe(t.Context(), "k"); !errors.Is(err, p.fail) {
		t.Fatalf("Subscribe = %v, want the port's error", err)
	}
	p.mu.Lock()
	p.fail = nil
	p.mu.Unlock()
	ch, err := s.Subscribe(t.Context(), "k")
	if err != nil {
		t.Fatalf("the next Subscribe did not retry: %v", err)
	}
	if v := recv(t, ch); v.v != 1 {
		t.Fatalf("got %d, want 1", v.v)
	}
	if calls, _ := p.counts(); calls != 2 {
		t.Fatalf("Watch called %d times, want 2", calls)
	}
}

func TestSharedWatchThatEndsIsStartedAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ended := make(chan struct{})
		calls := 0
		s := NewShared(valVersion, func(ctx context.Context, key string) (<-chan val, error) {
			calls++
			ch := make(chan val, 1)
			ch <- val{v: int64(calls)}
			end := ctx.Done()
			if calls == 1 {
				end = ended
			}
			go func() { <-end; close(ch) }()
			return ch, nil
		})
		defer s.Close()
		ch, err := s.Subscribe(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		recv(t, ch)
		close(ended)
		synctest.Wait()
		ch, err = s.Subscribe(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		if v := recv(t, ch); v.v != 2 || calls != 2 {
			t.Fatalf("after the watch ended a poll got %d (%d calls), want a new watch's 2", v.v, calls)
		}
	})
}

func TestSharedSubscribeEndsWithItsContextWhileStarting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		s := NewShared(valVersion, func(ctx context.Context, key string) (<-chan val, error) {
			<-release // a slow port
			ch := make(chan val, 1)
			ch <- val{v: 1}
			context.AfterFunc(ctx, func() { close(ch) })
			return ch, nil
		})
		defer s.Close()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := s.Subscribe(ctx, "k"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Subscribe = %v, want the poll's deadline", err)
		}
		close(release)
		ch, err := s.Subscribe(t.Context(), "k")
		if err != nil {
			t.Fatal(err)
		}
		if v := recv(t, ch); v.v != 1 {
			t.Fatalf("got %d, want 1", v.v)
		}
	})
}

func TestSharedReaderNeverMissesAWriteWhileJoining(t *testing.T) {
	p := newFakePort(0)
	s := newTestShared(t, p)
	hold, err := s.Subscribe(t.Context(), "k") // keeps the watch running
	if err != nil {
		t.Fatal(err)
	}
	recv(t, hold)
	for v := int64(1); v <= 200; v++ {
		done := make(chan struct{})
		go func() { defer close(done); p.send(v) }()
		ctx, cancel := context.WithCancel(t.Context())
		ch, err := s.Subscribe(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		<-done
		got := recv(t, ch)
		for got.v < v { // the write raced the join: it must still arrive
			got = recv(t, ch)
		}
		if got.v != v {
			t.Fatalf("after writing %d a reader got %d", v, got.v)
		}
		cancel()
	}
}
