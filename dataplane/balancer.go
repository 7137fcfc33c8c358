package dataplane

import (
	"sync"
	"sync/atomic"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Balancer picks provider instances for one consumer: the rule package's
// filters, weights and round robin, with one round-robin counter per
// provider (Ribbon keeps one per client).
type Balancer struct {
	Self    *rule.Instance
	Options rule.Options

	rr sync.Map // provider → *atomic.Uint64
}

// NewBalancer returns the balancer of the consumer self.
func NewBalancer(self *rule.Instance, opts rule.Options) *Balancer {
	return &Balancer{Self: self, Options: opts}
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
}

// Instance returns the chosen instance.
func (t *Target) Instance() *rule.Instance { return &t.Candidates[t.Chosen] }

// Pick chooses an instance of provider among candidates by the compiled rule
// and the context route values. CodeUnavailable when none is left.
func (b *Balancer) Pick(compiled *rule.Compiled, routes rule.Routes, provider string, candidates []rule.Instance) (*Target, error) {
	if len(candidates) == 0 {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "no instance of %s is registered", provider).WithReason("instance.none", map[string]string{"service": provider})
	}
	buf := make([]int, len(candidates))
	sel, err := rule.Select(&rule.Hop{Rule: compiled, Routes: routes, Self: b.Self, Provider: provider, Options: b.Options, RoundRobin: b.counter(provider)}, candidates, buf)
	if err != nil || sel.Index < 0 {
		msg := "no instance of %s passes the route filters"
		if err != nil {
			msg += ": " + err.Error()
		}
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, msg, provider).WithReason("instance.filtered", map[string]string{"service": provider})
	}
	return &Target{Provider: provider, Candidates: candidates, Eligible: sel.Eligible, Chosen: sel.Index}, nil
}
