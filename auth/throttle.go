package auth

import (
	"sync"
	"time"
)

// Throttle limits failed logins per (name, address) and per address, so
// guessing passwords is slow while other users are unaffected. A success
// clears the name's record. It also says which refusals are worth
// recording: the first of each key in each window.
type Throttle struct {
	// PerName is how many failures one name may have from one address in
	// Window; PerAddr is the limit for one address over all names.
	PerName, PerAddr int
	Window           time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
	reported map[string]time.Time // key → when its last refusal was reported
}

// NewThrottle returns a throttle of 5 failures per name and 30 per address
// in 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{PerName: 5, PerAddr: 30, Window: 15 * time.Minute, failures: map[string][]time.Time{}, reported: map[string]time.Time{}}
}

// Allow returns 0 if a login for name from addr may be tried at now, else
// how long to wait and whether this is the first refusal of the blocking
// key in a window (the one to record; the repeats are not).
func (t *Throttle) Allow(name, addr string, now time.Time) (wait time.Duration, first bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []struct {
		key   string
		limit int
	}{{"n|" + name + "|" + addr, t.PerName}, {"a|" + addr, t.PerAddr}} {
		w := t.wait(k.key, k.limit, now)
		if w <= 0 {
			continue
		}
		wait = max(wait, w)
		if at, ok := t.reported[k.key]; !ok || now.Sub(at) >= t.Window {
			t.reported[k.key] = now
			first = true
		}
	}
	return wait, first
}

func (t *Throttle) wait(key string, limit int, now time.Time) time.Duration {
	recent := t.prune(key, now)
	if len(recent) < limit {
		return 0
	}
	return recent[len(recent)-limit].Add(t.Window).Sub(now)
}

// prune drops failures older than the window and returns the rest.
func (t *Throttle) prune(key string, now time.Time) []time.Time {
	fs := t.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.Window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.failures, key)
		if at, ok := t.reported[key]; ok && now.Sub(at) >= t.Window {
			delete(t.reported, key)
		}
		return nil
	}
	t.failures[key] = fs
	return fs
}

// Fail records a failed login.
func (t *Throttle) Fail(name, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []string{"n|" + name + "|" + addr, "a|" + addr} {
		t.failures[k] = append(t.prune(k, now), now)
	}
	if len(t.failures) > 100_000 || len(t.reported) > 100_000 {
		// Bound memory under a spray of names: forget the oldest keys.
		for k := range t.failures {
			t.prune(k, now)
		}
		for k, at := range t.reported {
			if now.Sub(at) >= t.Window {
				delete(t.reported, k)
			}
		}
	}
}

// Succeed clears the failures of name from addr.
func (t *Throttle) Succeed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, "n|"+name+"|"+addr)
}
