package auth

import (
	"sync"
	"time"
)

// Throttle limits failed logins per (name, address) and per address, so
// guessing passwords is slow while other users are unaffected. A success
// clears the name's record.
type Throttle struct {
	// PerName is how many failures one name may have from one address in
	// Window; PerAddr is the limit for one address over all names.
	PerName, PerAddr int
	Window           time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewThrottle returns a throttle of 5 failures per name and 30 per address
// in 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{PerName: 5, PerAddr: 30, Window: 15 * time.Minute, failures: map[string][]time.Time{}}
}

// Allow returns 0 if a login for name from addr may be tried at now, else
// how long to wait.
func (t *Throttle) Allow(name, addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	wait := t.wait("n|"+name+"|"+addr, t.PerName, now)
	if w := t.wait("a|"+addr, t.PerAddr, now); w > wait {
		wait = w
	}
	return wait
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
	if len(t.failures) > 100_000 {
		// Bound memory under a spray of names: forget the oldest keys.
		for k := range t.failures {
			t.prune(k, now)
		}
	}
}

// Succeed clears the failures of name from addr.
func (t *Throttle) Succeed(name, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.failures, "n|"+name+"|"+addr)
}
