package rule

// candidates are the conditions one choice is made among (the blue-green
// conditions of a dimension, or the gray conditions): the ones with an
// expression in order, and the first without (the basic condition, taken
// when no expression is true; -1 for none).
type candidates struct {
	list  []candidate
	basic int
	index *guardIndex // nil unless many conditions are guarded by one variable
}

// candidate is a condition with an expression.
type candidate struct {
	cond  int // index in Compiled.blueGreen or Compiled.gray
	key   int // index of its result in evaluator.condState
	expr  int // index in Compiled.exprs
	guard guard
}

// guard is what spel.Expr.Guard found: the condition is false unless the
// variable of slot equals value.
type guard struct {
	ok    bool
	slot  int
	value string
}

// guardIndex finds the conditions whose guard is on one variable by the
// variable's value: a rule of fifty conditions #H['user'] == 'u…' and …
// then tests the one whose value the request has, not fifty.
type guardIndex struct {
	slot    int
	byValue map[string][]int // the value → positions in list, in order
	rest    []int            // the positions of the conditions not guarded by slot
}

// guardIndexFrom is how many conditions guarded by one variable make an index
// pay: below it, comparing each guard costs less than hashing the value.
const guardIndexFrom = 16

// listCandidates prepares the conditions of every choice Decide makes.
func (c *Compiled) listCandidates() {
	for d := range numDimensions {
		cs := candidates{basic: -1}
		for i := range c.blueGreen {
			if bg := &c.blueGreen[i]; bg.has[d] {
				cs.add(c, i, i, bg.expr)
			}
		}
		c.byDim[d] = cs.indexed()
	}
	cs := candidates{basic: -1}
	for i := range c.gray {
		cs.add(c, i, len(c.blueGreen)+i, c.gray[i].expr)
	}
	c.grayConds = cs.indexed()
}

func (cs *candidates) add(c *Compiled, cond, key, expr int) {
	switch {
	case expr >= 0:
		cd := candidate{cond: cond, key: key, expr: expr}
		if slot, value, ok := c.exprs[expr].Guard(); ok {
			cd.guard = guard{ok: true, slot: slot, value: value}
		}
		cs.list = append(cs.list, cd)
	case cs.basic < 0:
		cs.basic = cond
	}
}

// indexed adds the index of the variable most conditions are guarded by,
// when they are many.
func (cs candidates) indexed() candidates {
	count := map[int]int{}
	best := -1
	for _, cd := range cs.list {
		if cd.guard.ok {
			count[cd.guard.slot]++
			if best < 0 || count[cd.guard.slot] > count[best] {
				best = cd.guard.slot
			}
		}
	}
	if best < 0 || count[best] < guardIndexFrom {
		return cs
	}
	x := &guardIndex{slot: best, byValue: map[string][]int{}}
	for p, cd := range cs.list {
		if cd.guard.ok && cd.guard.slot == best {
			x.byValue[cd.guard.value] = append(x.byValue[cd.guard.value], p)
		} else {
			x.rest = append(x.rest, p)
		}
	}
	cs.index = x
	return cs
}

// first returns the first of cs whose expression is true, or -1. A
// condition whose guard fails is false without being evaluated: its
// expression would stop at the guard, spending nothing of the budget.
func (e *evaluator) first(cs *candidates) int {
	if x := cs.index; x != nil {
		return e.firstIndexed(cs, x)
	}
	for p := range cs.list {
		if cd := &cs.list[p]; e.holds(cd.guard) && e.test(cd.key, cd.expr) {
			return cd.cond
		}
	}
	return -1
}

// firstIndexed is first through the index: the conditions guarded by the
// request's value of the index's variable and the ones it does not cover,
// merged in order. The others' guards fail.
func (e *evaluator) firstIndexed(cs *candidates, x *guardIndex) int {
	var hits []int
	if v, ok := e.Var(x.slot); ok {
		hits = x.byValue[v]
	}
	rest := x.rest
	for len(hits) > 0 || len(rest) > 0 {
		var p int
		if len(rest) == 0 || len(hits) > 0 && hits[0] < rest[0] {
			p, hits = hits[0], hits[1:]
		} else {
			p, rest = rest[0], rest[1:]
		}
		if cd := &cs.list[p]; e.holds(cd.guard) && e.test(cd.key, cd.expr) {
			return cd.cond
		}
	}
	return -1
}

// holds reports whether a guard lets its condition be true.
func (e *evaluator) holds(g guard) bool {
	if !g.ok {
		return true
	}
	v, ok := e.Var(g.slot)
	return ok && v == g.value
}
