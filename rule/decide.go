package rule

import (
	"net/http"
	"sync"
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

// DecisionStep explains one dimension of a decision: its source, the index of the
// condition in the rule's (sorted) list, -1 if none, and the route id chosen.
type DecisionStep struct {
	Source    Source
	Condition int
	RouteID   string
}

// Decision is the entry decision of one request: a value per route header
// (the five decided dimensions plus the failover and blacklist values taken
// verbatim) and how each dimension was decided.
type Decision struct {
	Routes Routes
	Steps  [numDimensions]DecisionStep
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
// first non-blank of query parameter, cookie, header and inner header; when
// req is a Scanner (HTTPRequest is), its query string and its cookies are
// each read once for all the variables. A condition whose expression starts
// with #H['x'] == 'value' is passed over, unevaluated, when x differs, and
// many such conditions on one variable are found through an index by its
// value. It does not allocate. A nil c decides nothing.
//
// All the expressions a request evaluates share one evaluation budget
// (Limits.Expression.EvalWork): a matches on a long value or beyond what is
// left makes its condition false, so no request costs more than a few
// milliseconds of expression work, whatever it sends.
func (c *Compiled) Decide(req Request, rnd Rand) Decision {
	var d Decision
	if c == nil {
		return d
	}
	e := evaluators.Get().(*evaluator)
	e.reset(c, req)
	for dim := range numDimensions {
		step := DecisionStep{Condition: -1}
		value := e.blueGreen(dim, &step)
		if value == "" && dim < grayDimensions {
			value = e.gray(dim, rnd, &step)
		}
		if value == "" && c.strategy[dim] != "" {
			value, step = c.strategy[dim], DecisionStep{Source: SourceStrategy, Condition: -1}
		}
		if value == "" {
			step = DecisionStep{Condition: -1}
		}
		d.Routes[dim], d.Steps[dim] = value, step
	}
	for h := HeaderVersionPrefer; h <= HeaderAddressBlacklist; h++ {
		d.Routes[h] = c.fixed[h]
	}
	e.release()
	evaluators.Put(e)
	return d
}

// evaluator memoises variable values and condition results for one request.
type evaluator struct {
	c          *Compiled
	req        Request
	scan       Scanner       // req, when it scans its parameters and cookies in one pass
	httpReq    *http.Request // req's, when it is an HTTPRequest
	httpHeader http.Header
	vals       [maxMemo]string
	varState   [maxMemo]uint8 // 0 unknown, 1 null, 2 set
	condState  [maxMemo]uint8 // 0 unknown, 1 false, 2 true; blue-green then gray
	grayPick   int            // 0 unknown, else index+1 of the chosen gray condition, or -1
	work       int            // what is left of the request's evaluation budget (spel.Limits.EvalWork)
	scanned    uint8          // the sources scanned so far (scannedParams, …)
	params     Wanted
	cookies    Wanted
	headers    [maxMemo]string // by slot, once the header map was walked (walkHeaders)
}

// reset prepares a pooled evaluator; only the state bytes in use are
// cleared (values are read only when their state says so).
func (e *evaluator) reset(c *Compiled, req Request) {
	e.c, e.req, e.grayPick, e.work, e.scanned = c, req, 0, limits.Expression.EvalWork, 0
	e.scan, _ = req.(Scanner)
	e.httpReq, e.httpHeader = httpRequestOf(req)
	clear(e.varState[:min(len(c.vars.names), maxMemo)])
	clear(e.condState[:min(len(c.blueGreen)+len(c.gray), maxMemo)])
}

// release drops what e holds of the request and the rule before it goes
// back to the pool.
func (e *evaluator) release() {
	e.c, e.req, e.scan, e.httpReq, e.httpHeader = nil, nil, nil, nil, nil
	e.params.names, e.cookies.names = nil, nil
}

// test evaluates the expression of condition slot k (memoised).
func (e *evaluator) test(k, expr int) bool {
	if expr < 0 {
		return false
	}
	if k < maxMemo && e.condState[k] != 0 {
		return e.condState[k] == 2
	}
	ok := e.c.exprs[expr].EvalWithin(e, &e.work)
	if k < maxMemo {
		e.condState[k] = 1
		if ok {
			e.condState[k] = 2
		}
	}
	return ok
}

func (e *evaluator) blueGreen(dim Dimension, step *DecisionStep) string {
	cs := &e.c.byDim[dim]
	i := e.first(cs)
	if i < 0 {
		i = cs.basic
	}
	if i < 0 {
		return ""
	}
	bg := &e.c.blueGreen[i]
	*step = DecisionStep{Source: SourceBlueGreen, Condition: bg.index, RouteID: bg.ids[dim]}
	return bg.value[dim]
}

// chosenGray returns the triggered gray condition, or nil.
func (e *evaluator) chosenGray() *compiledGray {
	if e.grayPick == 0 {
		cs := &e.c.grayConds
		i := e.first(cs)
		if i < 0 {
			i = cs.basic
		}
		e.grayPick = i + 1
		if i < 0 {
			e.grayPick = -1
		}
	}
	if e.grayPick < 0 {
		return nil
	}
	return &e.c.gray[e.grayPick-1]
}

func (e *evaluator) gray(dim Dimension, rnd Rand, step *DecisionStep) string {
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
			*step = DecisionStep{Source: SourceGray, Condition: g.index, RouteID: ch.id}
			return ch.value
		}
		r -= ch.weight
	}
	return ""
}
