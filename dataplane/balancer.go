package dataplane

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Balancer picks provider instances for one consumer: the rule package's
// filters, weights and round robin, with one round-robin counter per
// provider (Ribbon keeps one per client).
type Balancer struct {
	Self    *rule.Instance
	Options rule.Options
	// Cooldown is how long an instance that refused a connection is left
	// out of picks (it died; the registry will drop it within its TTL).
	Cooldown time.Duration
	Now      func() time.Time
	// Rand draws weighted choices; nil is math/rand/v2's source.
	Rand rule.Rand

	rr      sync.Map // provider → *atomic.Uint64
	ejected sync.Map // address → time.Time (until)
}

// NewBalancer returns the balancer of the consumer self.
func NewBalancer(self *rule.Instance, opts rule.Options) *Balancer {
	return &Balancer{Self: self, Options: opts, Cooldown: 10 * time.Second, Now: time.Now}
}

func (b *Balancer) counter(provider string) *atomic.Uint64 {
	if c, ok := b.rr.Load(provider); ok {
		return c.(*atomic.Uint64)
	}
	c, _ := b.rr.LoadOrStore(provider, &atomic.Uint64{})
	return c.(*atomic.Uint64)
}

// Target is the outcome of a pick: the candidates, the ones the rule allows
// (in order) and the chosen one. The transport retries a refused connection
// on the next allowed candidate.
type Target struct {
	Provider   string
	Candidates []rule.Instance
	Eligible   []int
	Chosen     int
	// Refused, if set, is told of an instance that refused a connection.
	Refused func(in *rule.Instance)
	// start is Chosen's place in Eligible, tries the moves made (Advance).
	start, tries int
	buf          []int // Eligible's backing array, kept across Release
}

// Instance returns the chosen instance.
func (t *Target) Instance() *rule.Instance { return &t.Candidates[t.Chosen] }

// Pick chooses an instance of provider among candidates by the compiled rule
// and the context route values. CodeUnavailable when none is left.
func (b *Balancer) Pick(compiled *rule.Compiled, routes rule.Routes, provider string, candidates []rule.Instance) (*Target, error) {
	if len(candidates) == 0 {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "no instance of %s is registered", provider).WithReason("instance.none", map[string]string{"service": provider})
	}
	candidates = b.alive(candidates)
	t := targets.Get().(*Target)
	if cap(t.buf) < len(candidates) {
		t.buf = make([]int, len(candidates))
	}
	sel, err := rule.Select(&rule.Hop{Rule: compiled, Routes: routes, Self: b.Self, Provider: provider, Options: b.Options, RoundRobin: b.counter(provider), Rand: b.Rand}, candidates, t.buf[:len(candidates)])
	if err != nil || sel.Index < 0 {
		t.Release()
		msg := "no instance of %s passes the route filters"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, msg, provider).WithReason("instance.filtered", map[string]string{"service": provider})
	}
	*t = Target{Provider: provider, Candidates: candidates, Eligible: sel.Eligible, Chosen: sel.Index, Refused: b.eject, buf: t.buf}
	return t, nil
}

// targets recycles the Targets of picks whose request ended (Release).
var targets = sync.Pool{New: func() any { return new(Target) }}

// Release returns t for a later pick; t must not be used after. Optional:
// a Target not released is garbage like any other.
func (t *Target) Release() {
	*t = Target{buf: t.buf}
	targets.Put(t)
}

// eject leaves in out of picks for the cooldown.
func (b *Balancer) eject(in *rule.Instance) {
	b.ejected.Store(in.Address(), b.Now().Add(b.Cooldown))
}

// alive drops ejected instances. The rule then chooses among the rest: if
// the rule allowed only ejected ones, nothing is chosen — a request never
// falls over to an instance the rule excludes.
func (b *Balancer) alive(candidates []rule.Instance) []rule.Instance {
	some := false
	b.ejected.Range(func(_, _ any) bool { some = true; return false })
	if !some {
		return candidates
	}
	now := b.Now()
	out := make([]rule.Instance, 0, len(candidates))
	for i := range candidates {
		if until, ok := b.ejected.Load(candidates[i].Address()); ok {
			if now.Before(until.(time.Time)) {
				continue
			}
			b.ejected.Delete(candidates[i].Address())
		}
		out = append(out, candidates[i])
	}
	return out
}
