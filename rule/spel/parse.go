package spel

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of parentheses and not, so that hostile input
// cannot exhaust the stack.
const maxDepth = 200

// parser is a recursive-descent parser for the subset, following SpEL's
// grammar: or < and < one optional comparison < unary not/! < primary.
type parser struct {
	src     string
	toks    []token
	i       int
	depth   int
	e       *Expr
	insts   int             // instructions of the patterns compiled so far
	matches []nepxionMatch  // Nepxion's variable scan of src
	filled  map[string]bool // names Nepxion fills
	refs    []int32         // opVar nodes in source order; slots are set at the end
	refName []string
}

func compile(src string, syms *Symbols) (*Expr, *SyntaxError) {
	if strings.TrimSpace(src) == "" {
		return nil, errAt(src, 0, "expression is empty")
	}
	if len(src) > limits.ExpressionBytes {
		return nil, budgetErr(src, limits.ExpressionBytes, ReasonExpression, limits.ExpressionBytes, "the expression is %d bytes long", len(src))
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks, e: &Expr{src: src, syms: syms}, filled: map[string]bool{}}
	p.matches = nepxionNames(src)
	for _, m := range p.matches {
		p.filled[m.name] = true
	}
	root, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t)
	}
	if n := p.e.nodes[root]; n.typ != vBool {
		return nil, p.errNode(root, fmt.Sprintf("the expression must be a condition (a comparison, matches, and/or/not, true or false), found %s", p.describe(root)))
	}
	p.e.root = root
	for k, ref := range p.refs {
		slot := syms.add(p.refName[k])
		p.e.nodes[ref].a = int32(slot)
		if !slices.Contains(p.e.slots, slot) {
			p.e.slots = append(p.e.slots, slot)
			p.e.names = append(p.e.names, p.refName[k])
		}
	}
	syms.regexInsts += p.insts
	p.e.fuse()
	p.lint()
	slices.SortStableFunc(p.e.warnings, func(a, b Warning) int { return cmp.Compare(a.Pos, b.Pos) })
	return p.e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(k int) token { return p.toks[min(p.i+k, len(p.toks)-1)] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// isWord reports whether t is the identifier w, ignoring case as SpEL does.
func isWord(t token, w string) bool { return t.kind == tIdent && strings.EqualFold(t.text, w) }

func (p *parser) add(n node) int32 {
	p.e.nodes = append(p.e.nodes, n)
	return int32(len(p.e.nodes) - 1)
}

func (p *parser) errNode(i int32, msg string) *SyntaxError {
	return errAt(p.src, int(p.e.nodes[i].pos), msg)
}

func (p *parser) enter(t token) *SyntaxError {
	if p.depth++; p.depth > maxDepth {
		return errAt(p.src, t.pos, fmt.Sprintf("the expression nests more than %d levels deep", maxDepth))
	}
	return nil
}

// parseExpr is SpEL's expression rule; the assignment, Elvis and ternary
// forms that may follow are refused by unexpected.
func (p *parser) parseExpr() (int32, *SyntaxError) { return p.parseLogic(opOr) }

// parseLogic parses one level of or (opOr) or and (opAnd) into an n-ary node.
func (p *parser) parseLogic(op opcode) (int32, *SyntaxError) {
	word, sym, operand := "or", tOrOr, func() (int32, *SyntaxError) { return p.parseLogic(opAnd) }
	if op == opAnd {
		word, sym, operand = "and", tAndAnd, p.parseRel
	}
	first, err := operand()
	if err != nil {
		return 0, err
	}
	if t := p.peek(); t.kind != sym && !isWord(t, word) {
		return first, nil
	}
	kids := []int32{first}
	var ops []token
	for t := p.peek(); t.kind == sym || isWord(t, word); t = p.peek() {
		ops = append(ops, p.next())
		k, err := operand()
		if err != nil {
			return 0, err
		}
		kids = append(kids, k)
	}
	for j, k := range kids {
		if p.e.nodes[k].typ != vBool {
			opTok := ops[max(j-1, 0)]
			return 0, p.errNode(k, fmt.Sprintf("the operands of %s must be conditions (comparisons, matches, true or false), found %s", opTok.text, p.describe(k)))
		}
	}
	start := int32(len(p.e.kids))
	p.e.kids = append(p.e.kids, kids...)
	return p.add(node{op: op, typ: vBool, pos: p.e.nodes[first].pos, end: p.e.nodes[kids[len(kids)-1]].end, a: start, b: int32(len(kids))}), nil
}

// relOps maps comparison tokens and words to operators.
var relWords = map[string]cmpOp{"eq": cmpEQ, "ne": cmpNE, "lt": cmpLT, "le": cmpLE, "gt": cmpGT, "ge": cmpGE}

func relOp(t token) (cmpOp, bool) {
	switch t.kind {
	case tEQ:
		return cmpEQ, true
	case tNE:
		return cmpNE, true
	case tLT:
		return cmpLT, true
	case tLE:
		return cmpLE, true
	case tGT:
		return cmpGT, true
	case tGE:
		return cmpGE, true
	case tIdent:
		op, ok := relWords[strings.ToLower(t.text)]
		return op, ok
	}
	return 0, false
}

// parseRel parses an operand and at most one comparison or matches.
func (p *parser) parseRel() (int32, *SyntaxError) {
	left, err := p.parseUnary()
	if err != nil {
		return 0, err
	}
	t := p.peek()
	if isWord(t, "matches") {
		p.next()
		return p.parseMatches(left)
	}
	op, ok := relOp(t)
	if !ok {
		return left, nil
	}
	p.next()
	right, err := p.parseUnary()
	if err != nil {
		return 0, err
	}
	l, r := p.e.nodes[left], p.e.nodes[right]
	return p.add(node{op: opCmp, cmp: op, typ: vBool, pos: l.pos, end: r.end, a: left, b: right}), nil
}

func (p *parser) parseMatches(left int32) (int32, *SyntaxError) {
	right, err := p.parseUnary()
	if err != nil {
		return 0, err
	}
	l, r := p.e.nodes[left], p.e.nodes[right]
	if r.typ != vStr {
		return 0, p.errNode(right, fmt.Sprintf("the right side of matches must be a string literal regex, found %s", p.describe(right)))
	}
	if l.typ != vVar && l.typ != vStr {
		return 0, p.errNode(left, fmt.Sprintf("the left side of matches must be #H['name'] or a string literal, found %s", p.describe(left)))
	}
	re, insts, refusal := compileJavaRegexWithin(p.e.lits[r.a].s, limits)
	if refusal != nil {
		pos := int(r.pos)
		if lit := p.src[r.pos:r.end]; !strings.Contains(lit[1:len(lit)-1], lit[:1]) {
			pos += 1 + refusal.pos // point into the literal, whose offsets match the pattern's when no quote is doubled
		}
		return 0, &SyntaxError{Src: p.src, Pos: pos, Msg: refusal.msg, Reason: refusal.reason, Limit: refusal.limit}
	}
	if total := p.e.syms.regexInsts + p.insts + insts; total > limits.RegexTotal {
		return 0, budgetErr(p.src, int(r.pos), ReasonRegexTotal, limits.RegexTotal,
			"the matches patterns of this rule compile to %d instructions together", total)
	}
	p.insts += insts
	p.e.res, p.e.insts = append(p.e.res, re), append(p.e.insts, insts)
	return p.add(node{op: opMatch, typ: vBool, pos: l.pos, end: r.end, a: left, b: int32(len(p.e.res) - 1)}), nil
}

// parseUnary parses not/! (which bind tighter than comparisons, as in SpEL)
// and a minus sign before a number.
func (p *parser) parseUnary() (int32, *SyntaxError) {
	t := p.peek()
	switch {
	case t.kind == tBang || isWord(t, "not"):
		p.next()
		if err := p.enter(t); err != nil {
			return 0, err
		}
		k, err := p.parseUnary()
		p.depth--
		if err != nil {
			return 0, err
		}
		if p.e.nodes[k].typ != vBool {
			return 0, errAt(p.src, t.pos, fmt.Sprintf("%s applies only to the operand right after it, %s, which is not a condition; put the comparison in parentheses: %s (%s == '…')", t.text, p.describe(k), t.text, p.describe(k)))
		}
		n := p.e.nodes[k]
		return p.add(node{op: opNot, typ: vBool, pos: int32(t.pos), end: n.end, a: k}), nil
	case t.kind == tMinus && p.peekAt(1).kind == tNum:
		p.next()
		return p.number(p.next(), t.pos)
	case t.kind == tMinus, t.kind == tPlus:
		return 0, errAt(p.src, t.pos, fmt.Sprintf("arithmetic operator %s is not supported (a minus sign is allowed only right before a number)", t.text))
	}
	return p.parsePrimary()
}

// parsePrimary parses a literal, #H['name'] or a parenthesised expression,
// and refuses whatever SpEL allows to follow it (.x, [i], (…)).
func (p *parser) parsePrimary() (int32, *SyntaxError) {
	t := p.next()
	var n int32
	var err *SyntaxError
	switch t.kind {
	case tStr:
		n = p.stringLit(t)
	case tNum:
		n, err = p.number(t, t.pos)
	case tHash:
		n, err = p.variable(t)
	case tLParen:
		n, err = p.paren(t)
	case tIdent:
		n, err = p.word(t)
	default:
		return 0, p.expected(t)
	}
	if err != nil {
		return 0, err
	}
	return n, p.postfix()
}

func (p *parser) paren(open token) (int32, *SyntaxError) {
	if err := p.enter(open); err != nil {
		return 0, err
	}
	n, err := p.parseExpr()
	p.depth--
	if err != nil {
		return 0, err
	}
	switch t := p.peek(); t.kind {
	case tRParen:
		close := p.next()
		p.e.nodes[n].pos, p.e.nodes[n].end = int32(open.pos), int32(close.end)
		return n, nil
	case tEOF:
		return 0, errAt(p.src, open.pos, "missing ')' to close this '('")
	default:
		return 0, p.unexpected(t)
	}
}

func (p *parser) stringLit(t token) int32 {
	if !t.dq && strings.Contains(t.val, `""`) || t.dq && strings.Contains(t.val, "''") {
		p.warn(t.pos, fmt.Sprintf("Spring before 5.3.20 also collapses doubled quotes of the other kind in %s, so this literal reads differently on older Nepxion versions", t.text))
	}
	p.e.lits = append(p.e.lits, value{kind: kStr, s: t.val})
	return p.add(node{op: opLit, typ: vStr, pos: int32(t.pos), end: int32(t.end), a: int32(len(p.e.lits) - 1)})
}

// number adds a number literal; start is the offset of its minus sign, if any.
func (p *parser) number(t token, start int) (int32, *SyntaxError) {
	neg := start != t.pos
	text := t.text
	var num number
	if strings.ContainsAny(text, ".eE") {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsInf(f, 0) {
			return 0, errAt(p.src, start, fmt.Sprintf("number %s is out of the range of a double", text))
		}
		if neg {
			f = -f
		}
		num = number{f: f, text: strconv.FormatFloat(f, 'e', -1, 64)}
	} else {
		i, err := strconv.ParseInt(text, 10, 32)
		if err != nil {
			return 0, errAt(p.src, start, fmt.Sprintf("integer %s does not fit SpEL's int (at most 2147483647); quote it to compare it as text", text))
		}
		if neg {
			i = -i
		}
		num = number{isInt: true, i: i, text: strconv.FormatInt(i, 10)}
	}
	p.e.nums = append(p.e.nums, num)
	p.e.lits = append(p.e.lits, value{kind: kNum, n: int32(len(p.e.nums) - 1)})
	return p.add(node{op: opLit, typ: vNum, pos: int32(start), end: int32(t.end), a: int32(len(p.e.lits) - 1)}), nil
}

// word parses true, false and null (any case, as SpEL) and refuses other words.
func (p *parser) word(t token) (int32, *SyntaxError) {
	lit, typ := value{}, vNull
	switch strings.ToLower(t.text) {
	case "true", "false":
		lit, typ = value{kind: kBool, b: strings.EqualFold(t.text, "true")}, vBool
	case "null":
	default:
		return 0, p.refuseWord(t)
	}
	p.e.lits = append(p.e.lits, lit)
	return p.add(node{op: opLit, typ: typ, pos: int32(t.pos), end: int32(t.end), a: int32(len(p.e.lits) - 1)}), nil
}

// variable parses #H['name'] after the '#'.
func (p *parser) variable(hash token) (int32, *SyntaxError) {
	id := p.peek()
	if id.kind != tIdent {
		return 0, errAt(p.src, hash.pos, "'#' must be followed by H['name']: #H is the only variable")
	}
	p.next()
	if err := p.checkVarName(hash, id); err != nil {
		return 0, err
	}
	open := p.peek()
	if open.kind != tLBrack {
		return 0, errAt(p.src, hash.pos, "#H must be indexed with a single-quoted name, as in #H['name']")
	}
	p.next()
	key := p.next()
	switch {
	case key.kind == tStr && key.dq:
		return 0, errAt(p.src, key.pos, fmt.Sprintf("#H[%s] uses double quotes; write #H['%s']: Nepxion only fills variables written with single quotes", key.text, strings.ReplaceAll(key.val, "'", "''")))
	case key.kind != tStr:
		return 0, errAt(p.src, key.pos, fmt.Sprintf("#H[...] needs a single-quoted name, as in #H['name'], found %s", tokenText(key)))
	}
	closeTok := p.next()
	if closeTok.kind != tRBrack {
		return 0, errAt(p.src, closeTok.pos, fmt.Sprintf("missing ']' after #H[%s]", key.text))
	}
	n := node{typ: vVar, pos: int32(hash.pos), end: int32(closeTok.end)}
	if !p.filled[key.val] {
		p.e.lits = append(p.e.lits, value{})
		n.op, n.a = opLit, int32(len(p.e.lits)-1)
		p.warnUnfilled(n, key)
		return p.add(n), nil
	}
	n.op = opVar
	i := p.add(n)
	p.refs = append(p.refs, i)
	p.refName = append(p.refName, key.val)
	return i, nil
}

func (p *parser) checkVarName(hash, id token) *SyntaxError {
	switch id.text {
	case "H":
		if p.peek().kind == tLParen {
			return errAt(p.src, hash.pos, "function calls #H(...) are not supported")
		}
		return nil
	case "root", "this":
		return errAt(p.src, hash.pos, fmt.Sprintf("#%s is not supported: the only variable is #H['name']", id.text))
	}
	msg := fmt.Sprintf("unknown variable #%s: the only variable is #H['name']", id.text)
	if strings.EqualFold(id.text, "h") {
		msg += " (variable names are case-sensitive)"
	}
	return errAt(p.src, hash.pos, msg)
}

// warnUnfilled explains why Nepxion never fills the reference n.
func (p *parser) warnUnfilled(n node, key token) {
	text := p.src[n.pos:n.end]
	why := "Nepxion's variable scan (regex \\#H\\['\\S+'\\]) never sees it"
	for _, m := range p.matches {
		if m.pos < int(n.pos) && int(n.pos) < m.end {
			why = fmt.Sprintf("Nepxion's variable scan (regex \\#H\\['\\S+'\\], greedy) reads %q as one reference named %q; put spaces around operators, as in #H['a'] == '1' && #H['b'] == '2'", p.src[m.pos:m.end], m.name)
			break
		}
	}
	switch {
	case strings.HasPrefix(why, "Nepxion's variable scan (regex \\#H\\['\\S+'\\], greedy)"):
	case strings.ContainsAny(key.val, " \t\n\v\f\r") || key.val == "":
		why = "Nepxion never fills an empty name or one with spaces"
	case text != "#H["+key.text+"]":
		why += "; write it exactly as #H['name'], with no spaces inside"
	default:
		body := p.src[n.pos+4 : n.end]
		why += fmt.Sprintf(" under this name: it reads the name up to the first '] as %q", javaTrim(body[:strings.Index(body, "']")]))
	}
	p.warn(int(n.pos), fmt.Sprintf("%s is always null in Nepxion: %s", text, why))
}

func (p *parser) warn(pos int, msg string) {
	w := Warning{Pos: pos, Msg: msg}
	if !slices.Contains(p.e.warnings, w) {
		p.e.warnings = append(p.e.warnings, w)
	}
}

// describe is the source text of node i, shortened for messages.
func (p *parser) describe(i int32) string {
	n := p.e.nodes[i]
	return shorten(p.src[n.pos:n.end])
}

func shorten(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
