package verify

import (
	"slices"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
	"github.com/switchyard-io/switchyard/rule/spel"
)

// DiscoveryTool's SimulatorTestRunner, as a plan: the seven phases (§7.3)
// with their console operation and the batches of samples each sends.
//
//	1 reset-release                     normal (basic with version prefer)
//	2 create-version-release-yaml ②    basic
//	3 create-version-release-yaml ③    blue-green and gray of ③
//	4 reset-release                     normal
//	5 recreate-version-release-yaml ②  basic            (second release)
//	6 recreate-version-release-yaml ④  as 3             (second release)
//	7 reset-release                     normal           (second release)
//
// Phase 3 (and 6): with blue-green, a batch without header, then one per
// condition (green and blue, sorted by how many #H[' they hold, most
// first) with the header its expression names; with gray, a batch without
// header, then one per gray condition (the list sorted the same way, in
// place, as DiscoveryTool sorts it). Every batch repeats testcase.loop.count
// times.

// batchSpec is one batch: its kind, headers, loop, size and what it
// expects (the side for basic and blue-green, the weights for gray).
type batchSpec struct {
	kind    string
	params  []Header
	loop    int
	samples int
	want    string
	weight  [2]int
}

func (b batchSpec) header() []Header { return b.params }

// phaseSpec is one phase.
type phaseSpec struct {
	name, action string
	second       bool
	apply        func(base *rule.Rule, instances []rule.Instance) (*rule.Rule, error)
	batches      []batchSpec
}

// condition is a blue-green or gray condition of the first release, with
// the header parameters its expression names (extractMap).
type condition struct {
	expr   string
	eval   *spel.Expr
	params []Header
	weight []int
}

func newCondition(expr string, weight []int) *condition {
	c := &condition{expr: expr, weight: weight}
	if strings.TrimSpace(expr) != "" {
		c.params = extractMap(expr)
		c.eval, _ = spel.Compile(expr) // checked by ValidateConsole; a failure is "not triggered", as Nepxion's eval swallows errors
	}
	return c
}

// triggered is isTriggered: the expression evaluated over params.
func (c *condition) triggered(params []Header) bool {
	if c == nil || c.eval == nil || params == nil {
		return false
	}
	return spel.EvalMap(c.eval, headerMap(params))
}

// hCount is StringUtil.count(expression, "#H['"): -1 for none.
func (c *condition) hCount() int {
	if c.expr == "" {
		return -1
	}
	return strings.Count(c.expr, "#H['")
}

// sortConditions is SimulatorTestCaseConditionDataResolver.sort: stable,
// the most #H[' first.
func sortConditions(list []*condition) {
	slices.SortStableFunc(list, func(a, b *condition) int { return b.hCount() - a.hCount() })
}

// plan is a simulation's phases and batches, worked out at its start.
type plan struct {
	specs []phaseSpec
	sides *sides
	total int
	c     *switchyard.SimulationConditions
}

func newPlan(docs *SimulationDocs, c *switchyard.SimulationConditions, sd *sides) *plan {
	p := &plan{sides: sd, c: c}
	var green, blue *condition
	for _, it := range docs.Release1.BlueGreen {
		if strings.EqualFold(it.Route, "green") {
			green = newCondition(it.Expression, nil)
		} else {
			blue = newCondition(it.Expression, nil)
		}
	}
	var grays []*condition
	for _, g := range docs.Release1.Gray {
		grays = append(grays, newCondition(g.Expression, g.Weight))
	}
	normal := "normal"
	if c.VersionPrefer {
		normal = "basic"
	}
	reset := func(base *rule.Rule, _ []rule.Instance) (*rule.Rule, error) {
		return releasedoc.ResetRelease(base), nil
	}
	create := func(d *releasedoc.Doc) func(*rule.Rule, []rule.Instance) (*rule.Rule, error) {
		return func(base *rule.Rule, in []rule.Instance) (*rule.Rule, error) {
			return releasedoc.CreateRelease(base, d, in)
		}
	}
	recreate := func(d *releasedoc.RecreateDoc) func(*rule.Rule, []rule.Instance) (*rule.Rule, error) {
		return func(base *rule.Rule, in []rule.Instance) (*rule.Rule, error) {
			return releasedoc.RecreateRelease(base, d, in)
		}
	}
	const resetOp, createOp, recreateOp = "strategy/reset-release", "strategy/create-version-release-yaml", "strategy/recreate-version-release-yaml"
	p.specs = []phaseSpec{
		{name: "reset", action: resetOp, apply: reset, batches: p.plain(normal)},
		{name: "basic", action: createOp, apply: create(docs.Basic), batches: p.plain("basic")},
		{name: "release1", action: createOp, apply: create(docs.Release1), batches: p.release(green, blue, grays)},
		{name: "reset", action: resetOp, apply: reset, batches: p.plain(normal)},
		{name: "recreate-basic", action: recreateOp, second: true, apply: recreate(docs.BasicRecreate), batches: p.plain("basic")},
		{name: "recreate-release2", action: recreateOp, second: true, apply: recreate(docs.Release2), batches: p.release(green, blue, grays)},
		{name: "reset", action: resetOp, second: true, apply: reset, batches: p.plain(normal)},
	}
	for _, s := range p.specs {
		if s.second && !c.SecondReleaseEnabled() {
			continue
		}
		for _, b := range s.batches {
			p.total += b.samples
		}
	}
	return p
}

// plain is testNormal or testBasic, loop times.
func (p *plan) plain(kind string) []batchSpec {
	var out []batchSpec
	for l := 1; l <= p.c.LoopCount; l++ {
		out = append(out, batchSpec{kind: kind, loop: l, samples: p.c.BlueGreenCount, want: "old"})
	}
	return out
}

// release is testVersionBlueGreenGrayRelease's batches. grays is sorted in
// place, as DiscoveryTool's list is (so the second release's batch without
// header sees the sorted order).
func (p *plan) release(green, blue *condition, grays []*condition) []batchSpec {
	var out []batchSpec
	loops := func(b batchSpec) {
		for l := 1; l <= p.c.LoopCount; l++ {
			b.loop = l
			out = append(out, b)
		}
	}
	bg := func(params []Header) batchSpec {
		want := "old"
		if blue.triggered(params) {
			want = "new"
		}
		return batchSpec{kind: "bluegreen", params: params, samples: p.c.BlueGreenCount, want: want}
	}
	if green != nil || blue != nil {
		loops(bg(nil))
		list := []*condition{green, blue}
		sortConditions(list)
		for _, c := range list {
			loops(bg(c.params))
		}
	}
	if len(grays) > 0 {
		gray := func(params []Header) batchSpec {
			return batchSpec{kind: "gray", params: params, samples: p.c.GrayCount, weight: finalWeight(grays, params)}
		}
		loops(gray(nil))
		sortConditions(grays)
		for _, g := range grays {
			loops(gray(g.params))
		}
	}
	return out
}

// finalWeight is getFinalTriggeredTestCaseGrayWeight: the weights of the
// first gray condition the parameters trigger, else of the basic one (no
// expression), else 100/0.
func finalWeight(grays []*condition, params []Header) [2]int {
	for _, g := range grays {
		if g.triggered(params) && len(g.weight) == 2 {
			return [2]int{g.weight[0], g.weight[1]}
		}
	}
	for _, g := range grays {
		if g.expr == "" && len(g.weight) == 2 {
			return [2]int{g.weight[0], g.weight[1]}
		}
	}
	return [2]int{100, 0}
}

// phases are the run's phases before it starts.
func (p *plan) phases() []switchyard.VerifyPhase {
	out := make([]switchyard.VerifyPhase, len(p.specs))
	for i, s := range p.specs {
		st := switchyard.PhasePending
		if s.second && !p.c.SecondReleaseEnabled() {
			st = switchyard.PhaseSkipped
		}
		out[i] = switchyard.VerifyPhase{Index: i + 1, Name: s.name, Action: s.action, Status: st, Batches: []switchyard.VerifyBatch{}}
	}
	return out
}
