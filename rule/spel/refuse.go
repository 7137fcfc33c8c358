package spel

import (
	"fmt"
	"strings"
)

// This file holds the messages for SpEL constructs outside the subset. Each
// names the construct and, where there is one, the supported way to write it.

// methodHints suggests a replacement for the String methods people call.
var methodHints = map[string]string{
	"equals":           "use ==",
	"equalsIgnoreCase": "use matches '(?i)…'",
	"contains":         "use matches '.*…'",
	"startsWith":       "use matches '….*'",
	"endsWith":         "use matches '.*…'",
	"matches":          "use the matches operator: #H['name'] matches '…'",
	"isEmpty":          "compare with == null: Nepxion never fills an empty value",
	"length":           "use matches '.{n}'",
}

// postfix refuses what may follow a primary in SpEL: property access,
// method calls, indexing, selection and projection, safe navigation.
func (p *parser) postfix() *SyntaxError {
	t := p.peek()
	switch t.kind {
	case tDot:
		return p.member(t)
	case tSafeNav:
		return errAt(p.src, t.pos, "safe navigation ?. is not supported")
	case tLBrack:
		return errAt(p.src, t.pos, "indexing with [...] is only supported as #H['name']")
	case tSelect:
		return errAt(p.src, t.pos, fmt.Sprintf("collection selection/projection %s...] is not supported", t.text))
	case tLParen:
		return errAt(p.src, t.pos, "'(' cannot follow a value here; function and method calls are not supported")
	}
	return nil
}

// member refuses .name, .name(...) and .?[ .![ .^[ .$[ after a value.
func (p *parser) member(dot token) *SyntaxError {
	next, after := p.peekAt(1), p.peekAt(2)
	switch {
	case next.kind == tSelect && next.text == "![":
		return errAt(p.src, dot.pos, "collection projection .![...] is not supported")
	case next.kind == tSelect:
		return errAt(p.src, dot.pos, fmt.Sprintf("collection selection .%s...] is not supported", next.text))
	case next.kind == tIdent && after.kind == tLParen:
		msg := fmt.Sprintf("method call .%s(...) is not supported", next.text)
		if hint, ok := methodHints[next.text]; ok {
			msg += "; " + hint
		}
		return errAt(p.src, dot.pos, msg)
	case next.kind == tIdent:
		return errAt(p.src, dot.pos, fmt.Sprintf("property access .%s is not supported", next.text))
	}
	return errAt(p.src, dot.pos, "unexpected '.' (property access and method calls are not supported)")
}

// refuseWord explains a word that is not a value where a value is expected.
func (p *parser) refuseWord(t token) *SyntaxError {
	lower := strings.ToLower(t.text)
	switch {
	case t.text == "T" && p.peek().kind == tLParen:
		return errAt(p.src, t.pos, "type references T(...) are not supported")
	case lower == "new":
		return errAt(p.src, t.pos, "constructors (new ...) are not supported")
	case p.peek().kind == tLParen:
		return errAt(p.src, t.pos, fmt.Sprintf("function and method calls like %s(...) are not supported", t.text))
	case lower == "and" || lower == "or" || lower == "matches" || lower == "between" || lower == "instanceof" || lower == "div" || lower == "mod":
		return errAt(p.src, t.pos, fmt.Sprintf("expected a value before operator %s", t.text))
	}
	if _, ok := relWords[lower]; ok {
		return errAt(p.src, t.pos, fmt.Sprintf("expected a value before operator %s", t.text))
	}
	return errAt(p.src, t.pos, fmt.Sprintf("unknown name %s: text must be quoted ('%s') and variables are written #H['name']", t.text, t.text))
}

// expected explains a token found where a value should start.
func (p *parser) expected(t token) *SyntaxError {
	switch t.kind {
	case tEOF:
		prev := "the start"
		if p.i > 0 {
			prev = tokenText(p.toks[p.i-1])
		}
		return errAt(p.src, t.pos, fmt.Sprintf("expected a value after %s, found the end of the expression", prev))
	case tLBrace:
		return errAt(p.src, t.pos, "inline lists and maps {...} are not supported")
	case tAt, tAmp:
		return errAt(p.src, t.pos, fmt.Sprintf("bean references (%sname) are not supported", t.text))
	case tLBrack:
		return errAt(p.src, t.pos, "indexing with [...] is only supported as #H['name']")
	case tSelect:
		return errAt(p.src, t.pos, fmt.Sprintf("collection selection/projection %s...] is not supported", t.text))
	case tInc, tDec:
		return errAt(p.src, t.pos, fmt.Sprintf("increment and decrement (%s) are not supported", t.text))
	}
	return errAt(p.src, t.pos, fmt.Sprintf("expected a value, found %s", tokenText(t)))
}

// unexpected explains a token left over after a complete operand or
// expression.
func (p *parser) unexpected(t token) *SyntaxError {
	msg := fmt.Sprintf("unexpected %s", tokenText(t))
	switch lower := strings.ToLower(t.text); {
	case t.kind == tRParen:
		msg = "unexpected ')' without a matching '('"
	case t.kind == tPlus || t.kind == tMinus || t.kind == tStar || t.kind == tSlash ||
		t.kind == tPercent || t.kind == tCaret || lower == "div" || lower == "mod":
		msg = fmt.Sprintf("arithmetic operator %s is not supported", t.text)
	case t.kind == tInc || t.kind == tDec:
		msg = fmt.Sprintf("increment and decrement (%s) are not supported", t.text)
	case t.kind == tAssign:
		msg = "assignment = is not supported; use == to compare"
	case t.kind == tQuestion:
		msg = "the ternary operator a ? b : c is not supported; combine conditions with and/or"
	case t.kind == tElvis:
		msg = "the Elvis operator ?: is not supported"
	case t.kind == tSafeNav:
		msg = "safe navigation ?. is not supported"
	case lower == "between" || lower == "instanceof":
		msg = fmt.Sprintf("operator %s is not supported", t.text)
	case isWord(t, "matches") || isRel(t):
		msg = fmt.Sprintf("comparisons cannot be chained (%s); join them with and/or, or put one in parentheses", t.text)
	case t.kind == tAmp || t.kind == tPipe:
		msg = fmt.Sprintf("a single %s is not an operator; use %s%s", t.text, t.text, t.text)
	case t.kind == tDot || t.kind == tLBrack || t.kind == tSelect:
		return p.postfix()
	case t.kind == tStr || t.kind == tNum || t.kind == tIdent || t.kind == tHash || t.kind == tLParen:
		msg = fmt.Sprintf("missing operator before %s", p.near(t))
	}
	return errAt(p.src, t.pos, msg)
}

func isRel(t token) bool {
	_, ok := relOp(t)
	return ok
}

// tokenText shows a token in a message: words and literals as written,
// punctuation quoted, a '#' with the text that follows it.
func tokenText(t token) string {
	switch t.kind {
	case tEOF:
		return "the end of the expression"
	case tStr, tNum, tIdent:
		return shorten(t.text)
	}
	return "'" + t.text + "'"
}

// near shows the source from token t on, up to the next space.
func (p *parser) near(t token) string {
	rest := p.src[t.pos:]
	if end := strings.IndexAny(rest, " \t\r\n"); end > 0 {
		rest = rest[:end]
	}
	return shorten(rest)
}
