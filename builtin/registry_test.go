package builtin_test

import (
	"io"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/registry/registrytest"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestRegistryConformance(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registrytest.Subject {
		c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
		r := builtin.NewRegistry()
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
	st := openStore(t)
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	r1 := builtin.NewRegistry()
	r1.Now, r1.Persist = c.now, st
	a, _ := r1.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1})
	b, _ := r1.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 2})
	r1.Deregister(t.Context(), b.ID)

	c.advance(time.Hour) // the control plane was down for a while
	r2 := builtin.NewRegistry()
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

// TestOwnersSurviveARestart: the registrant that registered an instance
// owns it after a restart too; another registrant cannot replace, beat for
// or remove it; the owner can; a trusted in-process caller can.
func TestOwnersSurviveARestart(t *testing.T) {
	st := openStore(t)
	alice := switchyard.WithRegistrant(t.Context(), "token/alice")
	mallory := switchyard.WithRegistrant(t.Context(), "token/mallory")
	r1 := builtin.NewRegistry()
	r1.Persist = st
	a, err := r1.Register(alice, &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1})
	if err != nil {
		t.Fatal(err)
	}
	r2 := builtin.NewRegistry()
	r2.Persist = st
	if err := r2.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	again := &switchyard.Instance{ID: a.ID, Service: "svc", Host: "127.0.0.1", Port: 2}
	if _, err := r2.Register(mallory, again); switchyard.ErrorCode(err) != switchyard.CodeConflict || !strings.Contains(err.Error(), a.ID) {
		t.Fatalf("another registrant replacing: %v, want a conflict naming %s", err, a.ID)
	}
	if err := r2.Heartbeat(mallory, a.ID); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("another registrant's heartbeat: %v", err)
	}
	if err := r2.Deregister(mallory, a.ID); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("another registrant deregistering: %v", err)
	}
	if _, err := r2.Register(alice, again); err != nil {
		t.Fatalf("the owner registering again after the restart: %v", err)
	}
	if _, err := r2.Register(t.Context(), again); err != nil {
		t.Fatalf("a trusted caller: %v", err)
	}
	if _, err := r2.Register(mallory, again); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("a trusted caller's write must keep the owner: %v", err)
	}
	if err := r2.Deregister(alice, a.ID); err != nil {
		t.Fatal(err)
	}
}

// TestLoadDropsRegistrationsRefusedNow: a registration stored before the
// checks existed (a host smuggling a URL) is not served after a restart.
func TestLoadDropsRegistrationsRefusedNow(t *testing.T) {
	st := openStore(t)
	bad := &switchyard.Instance{ID: "x", Service: "svc", Type: switchyard.TypeService, Host: "127.0.0.1:28999/secret#", Port: 1}
	good := &switchyard.Instance{ID: "y", Service: "svc", Type: switchyard.TypeService, Host: "127.0.0.1", Port: 1}
	for _, in := range []*switchyard.Instance{bad, good} {
		if err := st.SaveInstance(t.Context(), in); err != nil {
			t.Fatal(err)
		}
	}
	r := builtin.NewRegistry()
	r.Persist = st
	r.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := r.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Instances(t.Context(), "svc"); len(got) != 1 || got[0].ID != "y" {
		t.Fatalf("after load: %+v; want only the valid one", got)
	}
	if saved, _ := st.LoadInstances(t.Context()); len(saved) != 1 {
		t.Fatalf("the refused registration is still stored: %+v", saved)
	}
}

// TestLimit: beyond Limit a new id is refused; known ones still register.
func TestLimit(t *testing.T) {
	r := builtin.NewRegistry()
	r.Limit = 2
	var ids []string
	for port := 1; port <= 2; port++ {
		in, err := r.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: port})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	if _, err := r.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 3}); switchyard.ErrorCode(err) != switchyard.CodeUnavailable {
		t.Fatalf("beyond the limit: %v", err)
	}
	if _, err := r.Register(t.Context(), &switchyard.Instance{ID: ids[0], Service: "svc", Host: "127.0.0.1", Port: 1}); err != nil {
		t.Fatalf("a known id at the limit: %v", err)
	}
}
