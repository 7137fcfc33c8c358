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
	pos  int32
	end  int32
	a, b int32
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

// test evaluates a boolean node. ok=false means SpEL would have thrown.
func (e *Expr) test(i int32, v Vars) (res, ok bool) {
	n := &e.nodes[i]
	switch n.op {
	case opAnd:
		for _, k := range e.kids[n.a : n.a+n.b] {
			if r, ok := e.test(k, v); !ok || !r {
				return false, ok
			}
		}
		return true, true
	case opOr:
		for _, k := range e.kids[n.a : n.a+n.b] {
			if r, ok := e.test(k, v); !ok || r {
				return r, ok
			}
		}
		return false, true
	case opNot:
		r, ok := e.test(n.a, v)
		return ok && !r, ok
	case opCmp:
		l, ok := e.value(n.a, v)
		if !ok {
			return false, false
		}
		r, ok := e.value(n.b, v)
		if !ok {
			return false, false
		}
		return e.compare(n.cmp, l, r)
	case opMatch:
		l, ok := e.value(n.a, v)
		if !ok || l.kind != kStr {
			return false, false // SpEL: first operand to matches must be a string
		}
		return e.res[n.b].MatchString(l.s), true
	case opLit:
		lit := e.lits[n.a]
		return lit.b, lit.kind == kBool
	}
	return false, false
}

// value evaluates any node to a value.
func (e *Expr) value(i int32, v Vars) (value, bool) {
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
	b, ok := e.test(i, v)
	return value{kind: kBool, b: b}, ok
}
