package rule

import (
	"errors"
	"math/rand/v2"
	"strings"
	"sync/atomic"
)

// Options are the consumer's data-plane feature switches (rule-model.md §8).
// The zero value is Nepxion's default: everything off, versions sorted by
// version string.
type Options struct {
	VersionFailover       bool     // spring.application.strategy.version.failover.enabled
	VersionFailoverStable bool     // ….version.failover.stable.enabled
	VersionPrefer         bool     // ….version.prefer.enabled
	RegionTransfer        bool     // ….region.transfer.enabled
	RegionFailover        bool     // ….region.failover.enabled
	EnvFailover           bool     // ….environment.failover.enabled
	ZoneAffinity          bool     // ….zone.affinity.enabled
	ZoneFailover          bool     // ….zone.failover.enabled
	AddressFailover       bool     // ….address.failover.enabled
	ConsumerIsolation     bool     // ….consumer.isolation.enabled
	VersionSort           SortType // ….version.sort.type: "version" (default) or "time"
}

// Hop is one consumer's call to a provider service: the inputs of Select.
type Hop struct {
	Rule       *Compiled      // the consumer's own rule (<discovery> filters and weights); nil for none
	Routes     Routes         // the context route values (ContextRoutes), by value so nothing of the caller escapes
	Self       *Instance      // the consumer: service id, version, region, zone, group
	Provider   string         // the provider service id (lower case)
	Options    Options        // feature switches
	RoundRobin *atomic.Uint64 // the round-robin counter of this consumer→provider pair
	Rand       Rand           // source of weighted draws; nil uses math/rand/v2
}

// Selection is the outcome of Select.
type Selection struct {
	Index    int   // the chosen candidate, -1 when none is left
	Eligible []int // every candidate that passed the filters, in order (aliases buf)
	Weighted bool  // chosen by a version or region weight draw rather than round robin
}

// Errors of Select. Both are fixed values: Select never allocates.
var (
	ErrNoInstance            = errors.New("rule: no instance of the provider passes the route filters")
	ErrRegionTransferMissing = errors.New("The Region Transfer value is missing") //nolint:staticcheck // Nepxion's exact message
)

// Select chooses the provider instance for one call, the way a Nepxion
// consumer's load balancer does (rule-model.md §4): the <discovery> host,
// version and region filters of the consumer's rule; then, when the context
// carries version or region weights (or else the rule has <discovery>
// weights) and every remaining instance has a weight, the strategy filter
// chain and one weighted draw per call; otherwise the strategy filter chain
// (id and address blacklists, group isolation, env, zone affinity, address,
// region, version — with the failover and prefer switches) and round robin.
// buf holds the indexes of surviving candidates; pass one with capacity
// len(candidates) to keep Select allocation-free.
func Select(h *Hop, candidates []Instance, buf []int) (Selection, error) {
	idx := buf[:0]
	if cap(idx) < len(candidates) {
		idx = make([]int, 0, len(candidates))
	}
	for i := range candidates {
		idx = append(idx, i)
	}
	idx = h.discoveryFilters(candidates, idx)
	routes := &h.Routes
	s := selector{h: h, c: candidates, routes: routes}
	for r := range RouteHeader(numRouteHeaders) {
		if routes[r] != "" && r != HeaderVersionWeight && r != HeaderRegionWeight && r != HeaderEnv {
			s.vals[r] = h.Rule.serviceValue(routes[r], h.Provider)
			s.kind[r] = listKindOf(s.vals[r])
		}
	}
	switch {
	case routes[HeaderVersionWeight] != "" || routes[HeaderRegionWeight] != "":
		if s.allWeighted(idx, strategyWeights) {
			return s.weightedChoose(idx, strategyWeights)
		}
	case h.Rule != nil && h.Rule.discovery != nil && h.Rule.discovery.Weight.hasWeight():
		if s.allWeighted(idx, ruleWeights) {
			return s.weightedChoose(idx, ruleWeights)
		}
	}
	idx, err := s.chain(idx)
	if err != nil {
		return Selection{Index: -1, Eligible: idx}, err
	}
	return s.roundRobin(idx)
}

type weightSource int

const (
	strategyWeights weightSource = iota
	ruleWeights
)

type selector struct {
	h      *Hop
	c      []Instance
	routes *Routes
	vals   Routes                    // the route values resolved for the provider (ServiceValue)
	kind   [numRouteHeaders]listKind // how match compares with vals[h]
}

func (s *selector) roundRobin(idx []int) (Selection, error) {
	if len(idx) == 0 {
		return Selection{Index: -1, Eligible: idx}, ErrNoInstance
	}
	k := 0
	if s.h.RoundRobin != nil {
		k = int((s.h.RoundRobin.Add(1) - 1) % uint64(len(idx)))
	}
	return Selection{Index: idx[k], Eligible: idx}, nil
}

func (s *selector) allWeighted(idx []int, src weightSource) bool {
	for _, i := range idx {
		if s.weight(i, src) < 0 {
			return false
		}
	}
	return true
}

// weightedChoose filters with the strategy chain and draws by weight; when
// every survivor weighs 0, Nepxion's draw throws and it falls back to the
// plain choice (round robin).
func (s *selector) weightedChoose(idx []int, src weightSource) (Selection, error) {
	idx, err := s.chain(idx)
	if err != nil {
		return Selection{Index: -1, Eligible: idx}, err
	}
	total := 0
	for _, i := range idx {
		total += max(s.weight(i, src), 0)
	}
	if total <= 0 {
		return s.roundRobin(idx)
	}
	var r int
	if s.h.Rand != nil {
		r = s.h.Rand.IntN(total)
	} else {
		r = rand.IntN(total)
	}
	for _, i := range idx {
		w := max(s.weight(i, src), 0)
		if r < w {
			return Selection{Index: i, Eligible: idx, Weighted: true}, nil
		}
		r -= w
	}
	return s.roundRobin(idx)
}

// weight is the instance's weight, or -1 when no weight is defined for it.
func (s *selector) weight(i int, src weightSource) int {
	in := &s.c[i]
	if src == strategyWeights {
		w := weightOf(s.routes[HeaderVersionWeight], s.h.Provider, in.VersionOr())
		if w < 0 {
			w = weightOf(s.routes[HeaderRegionWeight], s.h.Provider, in.RegionOr())
		}
		return w
	}
	consumer := ""
	if s.h.Self != nil {
		consumer = s.h.Self.Service
	}
	return s.h.Rule.discovery.Weight.weight(consumer, s.h.Provider, in.VersionOr(), in.RegionOr())
}

func (w *WeightFilter) hasWeight() bool {
	return w != nil && (len(w.Services) > 0 || w.Version != nil || w.Region != nil)
}

// weight is WeightEntityWrapper.getWeight: consumer-specific, provider and
// global version weights, then the same for regions; -1 when undefined.
func (w *WeightFilter) weight(consumer, provider, version, region string) int {
	for _, t := range [2]WeightType{WeightVersion, WeightRegion} {
		key, global := version, w.Version
		if t == WeightRegion {
			key, global = region, w.Region
		}
		if consumer != "" {
			if v, ok := w.entryWeight(t, consumer, provider, key); ok && v >= 0 {
				return v
			}
		}
		if v, ok := w.entryWeight(t, "", provider, key); ok && v >= 0 {
			return v
		}
		if v, ok := global.Get(key); ok {
			return v
		}
	}
	return -1
}

// entryWeight finds the first entry of type t and consumer for provider
// (compared case-insensitively); ok is false when there is none.
func (w *WeightFilter) entryWeight(t WeightType, consumer, provider, key string) (int, bool) {
	for i := range w.Services {
		e := &w.Services[i]
		if e.Type == t && e.Consumer == consumer && strings.EqualFold(e.Provider, provider) {
			if v, ok := e.Weights.Get(key); ok {
				return v, true
			}
			return -1, true
		}
	}
	return -1, false
}
