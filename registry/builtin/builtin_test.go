package builtin_test

import (
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/registry/builtin"
	"github.com/switchyard-io/switchyard/registry/registrytest"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestConformance(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registrytest.Subject {
		c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
		r := builtin.New()
		r.Now = c.now
		return registrytest.Subject{Registry: r, TTL: r.TTL, Advance: func(d time.Duration) { c.advance(d); r.Expire() }}
	})
}

func TestTimeUUID(t *testing.T) {
	at := time.Date(2021, 6, 1, 22, 22, 14, 909e6, time.UTC)
	id := builtin.TimeUUID(at)
	if !regexp.MustCompile(`^20210601-222214-909-\d{4}-\d{3}-\d{3}$`).MatchString(id) {
		t.Fatalf("TimeUUID = %q, want Nepxion's yyyyMMdd-HHmmss-SSS-rrrr-rrr-rrr", id)
	}
	if later := builtin.TimeUUID(at.Add(time.Second)); later <= id[:19] {
		t.Fatalf("a later start must sort later: %s vs %s", later, id)
	}
}

// TestRestartKeepsRegistrations: a control plane restarted on the same store
// knows the instances at once; they expire one TTL later unless they beat.
func TestRestartKeepsRegistrations(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	r1 := builtin.New()
	r1.Now, r1.Persist = c.now, st
	a, _ := r1.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1})
	b, _ := r1.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 2})
	r1.Deregister(t.Context(), b.ID)

	c.advance(time.Hour) // the control plane was down for a while
	r2 := builtin.New()
	r2.Now, r2.Persist = c.now, st
	if err := r2.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	got, _ := r2.Instances(t.Context(), "svc")
	if len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("after restart: %v; want the one registered instance", got)
	}
	c.advance(r2.TTL + time.Second)
	r2.Expire()
	if got, _ := r2.Instances(t.Context(), "svc"); len(got) != 0 {
		t.Fatalf("an instance that never beat again is still listed: %v", got)
	}
	if saved, _ := st.LoadInstances(t.Context()); len(saved) != 0 {
		t.Fatalf("expired registration still stored: %v", saved)
	}
}
