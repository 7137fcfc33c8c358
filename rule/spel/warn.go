package spel

import (
	"fmt"
	"slices"
	"strings"
)

// lintCtx is what the lint walk knows about the position of a node.
type lintCtx struct {
	fragile bool  // under not or or, where a runtime error still makes the whole expression false
	present []int // slots known to be non-null here (guarded by != null / == null or …)
}

// lint adds warnings for portability issues and likely mistakes. It runs
// after slots are assigned.
func (p *parser) lint() { p.lintNode(p.e.root, lintCtx{}) }

func (p *parser) lintNode(i int32, ctx lintCtx) {
	n := p.e.nodes[i]
	switch n.op {
	case opAnd, opOr:
		if n.op == opOr {
			ctx.fragile = true
		}
		ctx.present = slices.Clip(ctx.present)
		for _, k := range p.e.kids[n.a : n.a+n.b] {
			p.lintNode(k, ctx)
			if slot, ok := p.presenceTest(k, n.op == opAnd); ok {
				ctx.present = append(ctx.present, slot)
			}
		}
	case opNot:
		ctx.fragile = true
		p.lintNode(n.a, ctx)
	case opCmp:
		p.lintCmp(i, ctx)
		for _, k := range []int32{n.a, n.b} {
			if p.e.nodes[k].typ == vBool {
				p.lintNode(k, ctx)
			}
		}
	case opMatch:
		l := p.e.nodes[n.a]
		if l.op == opVar && ctx.fragile && !slices.Contains(ctx.present, int(l.a)) {
			v := p.describe(n.a)
			p.warn(int(n.pos), fmt.Sprintf("if %s is absent, matches fails and Nepxion evaluates the whole expression to false, even under not or or; guard it: %s != null and %s matches …", v, v, v))
		}
	}
}

// presenceTest reports the slot that later operands of and (#H['x'] != null)
// or of or (#H['x'] == null) may take as present.
func (p *parser) presenceTest(i int32, and bool) (int, bool) {
	n := p.e.nodes[i]
	want := cmpEQ
	if and {
		want = cmpNE
	}
	if n.op != opCmp || n.cmp != want {
		return 0, false
	}
	l, r := p.e.nodes[n.a], p.e.nodes[n.b]
	if l.op == opLit && l.typ == vNull {
		l, r = r, l
	}
	if l.op == opVar && r.op == opLit && r.typ == vNull {
		return int(l.a), true
	}
	return 0, false
}

// lintCmp checks one comparison.
func (p *parser) lintCmp(i int32, ctx lintCtx) {
	n := p.e.nodes[i]
	l, r := p.e.nodes[n.a], p.e.nodes[n.b]
	text := p.describe(i)
	switch {
	case !p.readsVar(n.a) && !p.readsVar(n.b):
		p.warn(int(n.pos), fmt.Sprintf("%s compares constants: %s", text, p.constant(i)))
		return
	case isUnfilled(l) || isUnfilled(r):
		return // already warned: it is constant null
	case l.op == opVar && r.op == opVar:
		p.lintVarVar(n, text)
		return
	}
	if msg := p.mismatch(n, l, r); msg != "" {
		p.warn(int(n.pos), text+" "+msg)
		return
	}
	v, lit, varLeft := l, r, true
	if r.op == opVar {
		v, lit, varLeft = r, l, false
	}
	if v.op != opVar || lit.op != opLit || slices.Contains(ctx.present, int(v.a)) {
		return
	}
	if msg := p.nullPitfall(n.cmp, lit, varLeft, p.src[v.pos:v.end]); msg != "" {
		p.warn(int(n.pos), text+" "+msg)
	}
}

func isUnfilled(n node) bool { return n.op == opLit && n.typ == vVar }

// readsVar reports whether the subtree at i reads a #H reference (filled or not).
func (p *parser) readsVar(i int32) bool {
	n := p.e.nodes[i]
	switch n.op {
	case opVar:
		return true
	case opLit:
		return n.typ == vVar
	case opCmp:
		return p.readsVar(n.a) || p.readsVar(n.b)
	case opMatch, opNot:
		return p.readsVar(n.a)
	}
	return slices.ContainsFunc(p.e.kids[n.a:n.a+n.b], p.readsVar)
}

// constant describes the fixed result of a comparison that reads no variable.
func (p *parser) constant(i int32) string {
	work := limits.EvalWork
	res, ok := p.e.test(i, nil, &work)
	switch {
	case !ok:
		return "it always fails at runtime, which makes the whole expression false"
	case res:
		return "always true"
	}
	return "always false"
}

func (p *parser) lintVarVar(n node, text string) {
	l, r := p.e.nodes[n.a], p.e.nodes[n.b]
	switch {
	case l.a == r.a:
		p.warn(int(n.pos), fmt.Sprintf("%s compares a variable with itself", text))
	case n.cmp == cmpEQ:
		p.warn(int(n.pos), fmt.Sprintf("%s is also true when both are absent (null == null)", text))
	}
}

// mismatch explains comparisons whose operand types can never meet.
func (p *parser) mismatch(n node, l, r node) string {
	pair := func(a, b vtype) bool { return l.typ == a && r.typ == b || l.typ == b && r.typ == a }
	other := r // the side a message names: the literal, or the condition against a variable
	if r.typ == vVar || r.typ == vBool && l.typ != vVar {
		other = l
	}
	quoted := ""
	if other.op == opLit && (other.typ == vNum || other.typ == vBool) {
		quoted = fmt.Sprintf("; quote it: '%s'", p.src[other.pos:other.end])
	}
	equality := n.cmp == cmpEQ || n.cmp == cmpNE
	always := "false"
	if n.cmp == cmpNE {
		always = "true"
	}
	switch {
	case equality && (pair(vVar, vNum) || pair(vVar, vBool)):
		return fmt.Sprintf("is always %s in Nepxion: variables are strings (or null) and SpEL never finds a string equal to a %s%s", always, typeName(other.typ), quoted)
	case equality && (pair(vBool, vStr) || pair(vBool, vNum)):
		return fmt.Sprintf("is always %s: SpEL never finds a condition equal to a %s", always, typeName(other.typ))
	case !equality && pair(vVar, vBool):
		return "always fails at runtime unless the variable is absent: a string cannot be ordered against true/false"
	case !equality && (pair(vBool, vStr) || pair(vBool, vNum) || pair(vBool, vVar)):
		return "always fails at runtime: a condition cannot be ordered against a string or number"
	}
	return ""
}

func typeName(t vtype) string {
	switch t {
	case vNum:
		return "number"
	case vBool:
		return "boolean"
	case vStr, vVar:
		return "string"
	}
	return "null"
}

// nullPitfall explains comparisons of a variable with a literal that are
// true when the variable is absent, or test only presence.
func (p *parser) nullPitfall(op cmpOp, lit node, varLeft bool, v string) string {
	litVal := p.e.lits[lit.a]
	switch {
	case lit.typ == vNull && op != cmpEQ && op != cmpNE:
		return "only tests presence (null sorts before every value); write == null or != null"
	case lit.typ == vStr && strings.TrimSpace(litVal.s) == "" && (op == cmpEQ || op == cmpNE):
		result := "never true"
		if op == cmpNE {
			result = "always true"
		}
		return fmt.Sprintf("is %s in Nepxion: a blank value is never filled, so %s is null instead; compare with null", result, v)
	case lit.typ == vNull:
		return ""
	case op == cmpNE:
		return fmt.Sprintf("is also true when %s is absent (null != %s); add %s != null and … if it must be present", v, p.src[lit.pos:lit.end], v)
	case varLeft && (op == cmpLT || op == cmpLE) || !varLeft && (op == cmpGT || op == cmpGE):
		return fmt.Sprintf("is also true when %s is absent: null sorts before every value", v)
	}
	return ""
}
