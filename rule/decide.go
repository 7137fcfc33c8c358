package rule

import (
	"sync"
	"unicode"
)

// Request is what a decision reads from the incoming request. Param and
// Cookie names are case-sensitive; Header is called with the name in
// canonical MIME form (textproto.CanonicalMIMEHeaderKey) and must match
// case-insensitively. Return "" when absent. HTTPRequest and MapRequest
// implement it.
type Request interface {
	Param(name string) string
	Cookie(name string) string
	Header(name string) string
}

// Rand is the random source of weighted draws; *math/rand/v2.Rand fits.
// IntN returns a uniform value in [0, n).
type Rand interface {
	IntN(n int) int
}

// Source says where a decided route value came from.
type Source uint8

// The sources, in Nepxion's priority order.
const (
	SourceNone      Source = iota // nothing decided: no constraint
	SourceHeader                  // the request's n-d-* header (ContextRoutes)
	SourceBlueGreen               // a blue-green condition (first match, else the basic one)
	SourceGray                    // a gray condition's weighted draw
	SourceStrategy                // <strategy>, the global default route
)

var sourceNames = [...]string{"none", "header", "blue-green", "gray", "strategy"}

// String names the source.
func (s Source) String() string { return sourceNames[s] }

// Step explains one dimension of a decision: its source, the index of the
// condition in the rule's (sorted) list, -1 if none, and the route id chosen.
type Step struct {
	Source    Source
	Condition int
	RouteID   string
}

// Decision is the entry decision of one request: a value per route header
// (the five decided dimensions plus the failover and blacklist values taken
// verbatim) and how each dimension was decided.
type Decision struct {
	Routes Routes
	Steps  [numDimensions]Step
}

// evaluators recycles per-request evaluators: spel reads variables through
// an interface, so an evaluator cannot live on the stack.
var evaluators = sync.Pool{New: func() any { return new(evaluator) }}

// maxMemo bounds the per-request caches kept on the stack.
const maxMemo = 64

// Decide evaluates the rule for one request, exactly as Nepxion's
// StrategyWrapper does at the entry (rule-model.md §2): per dimension, the
// blue-green conditions (first whose expression is true, else the first
// without expression), then the gray conditions (first true, else the first
// without expression; one weighted draw per dimension per request), then
// <strategy>. Expression variables are resolved once per request from the
// first non-blank of query parameter, cookie, header and inner header. It
// does not allocate. A nil c decides nothing.
func (c *Compiled) Decide(req Request, rnd Rand) Decision {
	var d Decision
	if c == nil {
		return d
	}
	e := evaluators.Get().(*evaluator)
	e.reset(c, req)
	defer func() {
		e.c, e.req = nil, nil
		evaluators.Put(e)
	}()
	for dim := range numDimensions {
		step := Step{Condition: -1}
		value := e.blueGreen(dim, &step)
		if value == "" && dim < grayDimensions {
			value = e.gray(dim, rnd, &step)
		}
		if value == "" && c.strategy[dim] != "" {
			value, step = c.strategy[dim], Step{Source: SourceStrategy, Condition: -1}
		}
		if value == "" {
			step = Step{Condition: -1}
		}
		d.Routes[dim], d.Steps[dim] = value, step
	}
	for h := HeaderVersionPrefer; h <= HeaderAddressBlacklist; h++ {
		d.Routes[h] = c.fixed[h]
	}
	return d
}

// evaluator memoises variable values and condition results for one request.
type evaluator struct {
	c         *Compiled
	req       Request
	vals      [maxMemo]string
	varState  [maxMemo]uint8 // 0 unknown, 1 null, 2 set
	condState [maxMemo]uint8 // 0 unknown, 1 false, 2 true; blue-green then gray
	grayPick  int            // 0 unknown, else index+1 of the chosen gray condition, or -1
}

// reset prepares a pooled evaluator; only the state bytes in use are
// cleared (values are read only when their state says so).
func (e *evaluator) reset(c *Compiled, req Request) {
	e.c, e.req, e.grayPick = c, req, 0
	clear(e.varState[:min(c.syms.Len(), maxMemo)])
	clear(e.condState[:min(len(c.blueGreen)+len(c.gray), maxMemo)])
}

// Var implements spel.Vars.
func (e *evaluator) Var(slot int) (string, bool) {
	if slot < maxMemo {
		switch e.varState[slot] {
		case 1:
			return "", false
		case 2:
			return e.vals[slot], true
		}
	}
	v, ok := e.lookup(slot)
	if slot < maxMemo {
		e.vals[slot] = v
		e.varState[slot] = 1
		if ok {
			e.varState[slot] = 2
		}
	}
	return v, ok
}

// lookup is Nepxion's ExpressionStrategyCondition.createMap for one name.
func (e *evaluator) lookup(slot int) (string, bool) {
	name := e.c.syms.Name(slot)
	if e.req != nil {
		if v := e.req.Param(name); !isBlank(v) {
			return v, true
		}
		if v := e.req.Cookie(name); !isBlank(v) {
			return v, true
		}
		if v := e.req.Header(e.c.slotNames[slot]); !isBlank(v) {
			return v, true
		}
	}
	if v, ok := e.c.inner.Get(name); ok && !isBlank(v) {
		return v, true
	}
	return "", false
}

// isBlank is StringUtils.isBlank: empty or only whitespace.
func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// test evaluates the expression of condition slot k (memoised).
func (e *evaluator) test(k, expr int) bool {
	if expr < 0 {
		return false
	}
	if k < maxMemo && e.condState[k] != 0 {
		return e.condState[k] == 2
	}
	ok := e.c.exprs[expr].Eval(e)
	if k < maxMemo {
		e.condState[k] = 1
		if ok {
			e.condState[k] = 2
		}
	}
	return ok
}

func (e *evaluator) blueGreen(dim Dimension, step *Step) string {
	basic := -1
	for i := range e.c.blueGreen {
		bg := &e.c.blueGreen[i]
		if !bg.has[dim] {
			continue
		}
		if bg.expr < 0 {
			if basic < 0 {
				basic = i
			}
			continue
		}
		if e.test(i, bg.expr) {
			*step = Step{Source: SourceBlueGreen, Condition: bg.index, RouteID: bg.ids[dim]}
			return bg.value[dim]
		}
	}
	if basic >= 0 {
		bg := &e.c.blueGreen[basic]
		*step = Step{Source: SourceBlueGreen, Condition: bg.index, RouteID: bg.ids[dim]}
		return bg.value[dim]
	}
	return ""
}

// chosenGray returns the triggered gray condition, or nil.
func (e *evaluator) chosenGray() *compiledGray {
	if e.grayPick == 0 {
		e.grayPick = -1
		basic := -1
		for i := range e.c.gray {
			g := &e.c.gray[i]
			if g.expr < 0 {
				if basic < 0 {
					basic = i
				}
				continue
			}
			if e.test(len(e.c.blueGreen)+i, g.expr) {
				e.grayPick = i + 1
				break
			}
		}
		if e.grayPick < 0 && basic >= 0 {
			e.grayPick = basic + 1
		}
	}
	if e.grayPick < 0 {
		return nil
	}
	return &e.c.gray[e.grayPick-1]
}

func (e *evaluator) gray(dim Dimension, rnd Rand, step *Step) string {
	g := e.chosenGray()
	if g == nil || !g.has[dim] || g.total[dim] <= 0 {
		return ""
	}
	r := 0
	if rnd != nil {
		r = rnd.IntN(g.total[dim])
	}
	for _, ch := range g.dims[dim] {
		if ch.weight <= 0 {
			continue
		}
		if r < ch.weight {
			*step = Step{Source: SourceGray, Condition: g.index, RouteID: ch.id}
			return ch.value
		}
		r -= ch.weight
	}
	return ""
}
