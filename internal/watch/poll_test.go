package watch

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

type val struct {
	v    int64
	text string
}

func valVersion(v val) int64 { return v.v }

// fakeServer answers Fetch calls from a script; once it runs out, a fetch
// waits for ctx like a held long-poll.
type fakeServer struct {
	mu     sync.Mutex
	script []func(have int64) (val, bool, error)
	haves  []int64
	calls  []time.Time
}

func (s *fakeServer) fetch(ctx context.Context, have int64) (val, bool, error) {
	s.mu.Lock()
	s.haves = append(s.haves, have)
	s.calls = append(s.calls, time.Now())
	var step func(int64) (val, bool, error)
	if len(s.script) > 0 {
		step, s.script = s.script[0], s.script[1:]
	}
	s.mu.Unlock()
	if step == nil {
		<-ctx.Done()
		return val{}, false, ctx.Err()
	}
	return step(have)
}

func answer(v int64) func(int64) (val, bool, error) {
	return func(int64) (val, bool, error) { return val{v: v}, true, nil }
}

// later answers as step does, after d of the bubble's fake time: the time
// only moves once every other goroutine is blocked, so a reader waiting on
// the channel has taken the previous value by then.
func later(d time.Duration, step func(int64) (val, bool, error)) func(int64) (val, bool, error) {
	return func(have int64) (val, bool, error) {
		time.Sleep(d)
		return step(have)
	}
}

func unchanged(int64) (val, bool, error) { return val{}, false, nil }

func failure(int64) (val, bool, error) { return val{}, false, errors.New("control plane down") }

func TestPollNamesTheVersionItHas(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// Each answer comes a second after the one before, so the reader
		// sees every value (a slow reader sees only the latest: below).
		s := &fakeServer{script: []func(int64) (val, bool, error){answer(3), unchanged, later(time.Second, answer(4)), failure, later(time.Second, answer(7))}}
		ctx, cancel := context.WithCancel(t.Context())
		ch := Poll(ctx, s.fetch, valVersion, nil)
		var got []int64
		for range 3 {
			got = append(got, (<-ch).v)
		}
		synctest.Wait()
		cancel()
		for range ch {
		}
		if want := []int64{3, 4, 7}; !slices.Equal(got, want) {
			t.Errorf("delivered %v, want %v", got, want)
		}
		// -1 first; unchanged and failed answers keep what it has.
		if want := []int64{-1, 3, 3, 4, 4, 7}; !slices.Equal(s.haves, want) {
			t.Errorf("requests named %v, want %v", s.haves, want)
		}
	})
}

func TestPollSlowReaderSeesOnlyTheLatest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &fakeServer{script: []func(int64) (val, bool, error){answer(1), answer(2), answer(3), answer(4), answer(5)}}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ch := Poll(ctx, s.fetch, valVersion, nil)
		synctest.Wait() // every answer arrived; nobody read
		if v := <-ch; v.v != 5 {
			t.Fatalf("a reader that fell behind got version %d, want 5", v.v)
		}
		select {
		case v := <-ch:
			t.Fatalf("a stale value followed the latest: %+v", v)
		default:
		}
	})
}

func TestPollRetriesWithBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &fakeServer{script: []func(int64) (val, bool, error){failure, failure, failure, answer(1), failure, answer(2)}}
		var failures []error
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		ch := Poll(ctx, s.fetch, valVersion, func(err error) { failures = append(failures, err) })
		<-ch
		<-ch
		synctest.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(failures) != 4 {
			t.Fatalf("failed called %d times, want 4", len(failures))
		}
		gaps := []time.Duration{}
		for i := 1; i < len(s.calls); i++ {
			gaps = append(gaps, s.calls[i].Sub(s.calls[i-1]))
		}
		// Waits around 250 ms, 500 ms, 1 s; the success resets: around 250 ms.
		bounds := [][2]time.Duration{{125, 375}, {250, 750}, {500, 1500}, {0, 0}, {125, 375}}
		for i, b := range bounds {
			lo, hi := b[0]*time.Millisecond, b[1]*time.Millisecond
			if gaps[i] < lo || gaps[i] > hi {
				t.Errorf("gap %d = %s, want within [%s, %s] (all: %v)", i, gaps[i], lo, hi, gaps)
			}
		}
	})
}

func TestPollEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &fakeServer{script: []func(int64) (val, bool, error){answer(1)}}
		failed := 0
		ctx, cancel := context.WithCancel(t.Context())
		ch := Poll(ctx, s.fetch, valVersion, func(error) { failed++ })
		<-ch
		synctest.Wait() // the next request is held
		cancel()
		if _, open := <-ch; open {
			t.Fatal("a value after the context ended")
		}
		if failed != 0 {
			t.Fatalf("the request ended by the context was reported as a failure %d times", failed)
		}
	})
}
