package spel

// opcode is the operation of a compiled node.
type opcode uint8

const (
	opLit   opcode = iota // a: index into Expr.lits
	opVar                 // a: slot
	opCmp                 // cmp; a, b: operand nodes
	opMatch               // a: operand node; b: index into Expr.res
	opAnd                 // children Expr.kids[a : a+b]
	opOr                  // children Expr.kids[a : a+b]
	opNot                 // a: operand node
)

// cmpOp is a comparison operator.
type cmpOp uint8

const (
	cmpEQ cmpOp = iota
	cmpNE
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

// vtype is the static type of a node, checked at compile time.
type vtype uint8

const (
	vBool vtype = iota // comparisons, matches, and/or/not, true/false
	vStr               // string literal
	vNum               // number literal
	vNull              // null literal
	vVar               // #H['x']: a string or null
)

// node is one element of the compiled tree, stored in Expr.nodes. pos and
// end delimit its source text, for messages.
type node struct {
	op   opcode
	cmp  cmpOp
	typ  vtype
	fast fastCmp // set when compilation found a shortcut for this comparison
	pos  int32
	end  int32
	a, b int32
}

// fastCmp marks a comparison of a variable with a string or null literal
// by == or != (most conditions are made of these), which test decides
// without building values; which operand is the variable.
type fastCmp uint8

const (
	fastNone     fastCmp = iota
	fastVarLeft          // #H['x'] == 'lit'
	fastVarRight         // 'lit' == #H['x']
)

// fuse marks the comparisons test can shortcut. It runs after slots are
// assigned.
func (e *Expr) fuse() {
	for i := range e.nodes {
		n := &e.nodes[i]
		if n.op != opCmp || n.cmp != cmpEQ && n.cmp != cmpNE {
			continue
		}
		switch l, r := &e.nodes[n.a], &e.nodes[n.b]; {
		case l.op == opVar && e.nullOrString(r):
			n.fast = fastVarLeft
		case r.op == opVar && e.nullOrString(l):
			n.fast = fastVarRight
		}
	}
}

func (e *Expr) nullOrString(n *node) bool {
	if n.op != opLit {
		return false
	}
	k := e.lits[n.a].kind
	return k == kStr || k == kNull
}

// Guard returns a variable and a string the variable must equal for the
// expression to be true, when it has one: the expression is #H['x'] ==
// 'lit', or an and whose first operand is. When the variable is null or
// differs, the expression is false and evaluating it would spend nothing of
// the evaluation budget, so a caller may skip it.
func (e *Expr) Guard() (slot int, value string, ok bool) {
	if e == nil || len(e.nodes) == 0 {
		return 0, "", false
	}
	n := &e.nodes[e.root]
	if n.op == opAnd {
		n = &e.nodes[e.kids[n.a]]
	}
	if n.fast == fastNone || n.cmp != cmpEQ {
		return 0, "", false
	}
	vn, ln := &e.nodes[n.a], &e.nodes[n.b]
	if n.fast == fastVarRight {
		vn, ln = ln, vn
	}
	if lit := e.lits[ln.a]; lit.kind == kStr {
		return int(vn.a), lit.s, true
	}
	return 0, "", false
}

// equalVar is equal(value(variable), value(literal)) for a fused
// comparison: a null variable equals only null, a string only the same
// string.
func (e *Expr) equalVar(n *node, v Vars) bool {
	vn, ln := &e.nodes[n.a], &e.nodes[n.b]
	if n.fast == fastVarRight {
		vn, ln = ln, vn
	}
	var s string
	present := false
	if v != nil {
		s, present = v.Var(int(vn.a))
	}
	lit := &e.lits[ln.a]
	if !present {
		return lit.kind == kNull
	}
	return lit.kind == kStr && s == lit.s
}

// kind is the runtime type of a value.
type kind uint8

const (
	kNull kind = iota
	kStr
	kNum
	kBool
)

// value is a runtime value. It is passed by value and never escapes, so
// evaluation does not allocate.
type value struct {
	kind kind
	b    bool   // kBool
	n    int32  // kNum: index into Expr.nums
	s    string // kStr
}

// test evaluates a boolean node. ok=false means SpEL would have thrown, or
// the step was beyond the budget *w.
func (e *Expr) test(i int32, v Vars, w *int) (res, ok bool) {
	n := &e.nodes[i]
	switch n.op {
	case opAnd:
		for _, k := range e.kids[n.a : n.a+n.b] {
			if kn := &e.nodes[k]; kn.fast != fastNone {
				if e.equalVar(kn, v) != (kn.cmp == cmpEQ) {
					return false, true
				}
			} else if r, ok := e.test(k, v, w); !ok || !r {
				return false, ok
			}
		}
		return true, true
	case opOr:
		for _, k := range e.kids[n.a : n.a+n.b] {
			if kn := &e.nodes[k]; kn.fast != fastNone {
				if e.equalVar(kn, v) == (kn.cmp == cmpEQ) {
					return true, true
				}
			} else if r, ok := e.test(k, v, w); !ok || r {
				return r, ok
			}
		}
		return false, true
	case opNot:
		r, ok := e.test(n.a, v, w)
		return ok && !r, ok
	case opCmp:
		if n.fast != fastNone {
			return e.equalVar(n, v) == (n.cmp == cmpEQ), true
		}
		l, ok := e.value(n.a, v, w)
		if !ok {
			return false, false
		}
		r, ok := e.value(n.b, v, w)
		if !ok {
			return false, false
		}
		if n.cmp >= cmpLT && !spend(w, len(l.s)+len(r.s)) {
			return false, false // ordering reads both sides (as decimals, then as text)
		}
		return e.compare(n.cmp, l, r)
	case opMatch:
		l, ok := e.value(n.a, v, w)
		if !ok || l.kind != kStr {
			return false, false // SpEL: first operand to matches must be a string
		}
		if len(l.s) > limits.MatchValueBytes || !spend(w, e.insts[n.b]*(len(l.s)+1)) {
			return false, false
		}
		return e.res[n.b].MatchString(l.s), true
	case opLit:
		lit := e.lits[n.a]
		return lit.b, lit.kind == kBool
	}
	return false, false
}

// spend takes cost from the budget *w, or reports that it cannot.
func spend(w *int, cost int) bool {
	if cost > *w {
		return false
	}
	*w -= cost
	return true
}

// value evaluates any node to a value.
func (e *Expr) value(i int32, v Vars, w *int) (value, bool) {
	n := &e.nodes[i]
	switch n.op {
	case opLit:
		return e.lits[n.a], true
	case opVar:
		if v == nil {
			return value{}, true
		}
		s, ok := v.Var(int(n.a))
		if !ok {
			return value{}, true
		}
		return value{kind: kStr, s: s}, true
	}
	b, ok := e.test(i, v, w)
	return value{kind: kBool, b: b}, ok
}
