package spel

import (
	"fmt"
	"regexp"
	"slices"
)

// Expr is a compiled condition. It is immutable and safe for concurrent use.
type Expr struct {
	src      string
	root     int32
	nodes    []node
	kids     []int32          // children of and/or nodes
	lits     []value          // literal values
	nums     []number         // number literals
	res      []*regexp.Regexp // compiled matches patterns
	insts    []int            // the program size of each of res, for the evaluation budget
	slots    []int
	names    []string
	warnings []Warning
	syms     *Symbols
}

// Vars supplies the value of a slot for one evaluation. ok=false means null
// (absent). To match Nepxion, which never puts a blank value into the
// variable map it builds from a request, report blank values as absent.
type Vars interface {
	Var(slot int) (value string, ok bool)
}

// Warning is a portability or likely-mistake note about an expression that
// compiled. Pos is the 0-based byte offset of the construct it is about.
type Warning struct {
	Pos int
	Msg string
}

// SyntaxError reports an expression outside the supported subset, or beyond
// one of its [Limits]. Pos is the 0-based byte offset of the offending
// construct in Src. Reason is "" for a construct outside the subset, else
// the stable key of the limit (ReasonExpression, ReasonRegexRepeat, …) and
// Limit its value, which Msg names.
type SyntaxError struct {
	Src    string
	Pos    int
	Msg    string
	Reason string
	Limit  int
}

// Error quotes the expression (its beginning, when it is longer than 200
// bytes) with the position and the message.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("expression %q: position %d: %s", Excerpt(e.Src), e.Pos+1, e.Msg)
}

// Excerpt is src for messages: itself up to 200 bytes, else its first 200
// bytes (cut at a character boundary) and "…", so that a refused oversized
// expression does not flood logs and answers.
func Excerpt(src string) string {
	const limit = 200
	if len(src) <= limit {
		return src
	}
	cut := limit
	for cut > 0 && src[cut]&0xC0 == 0x80 {
		cut--
	}
	return src[:cut] + "…"
}

func errAt(src string, pos int, msg string) *SyntaxError {
	return &SyntaxError{Src: src, Pos: pos, Msg: msg}
}

// Compile parses src once. Errors are *SyntaxError.
func Compile(src string) (*Expr, error) {
	return CompileShared(src, NewSymbols())
}

// CompileShared compiles src resolving #H names to slots of a symbol table
// shared by all expressions of one rule, so a request's values are looked up
// once per name, not once per expression. syms is changed only when
// compilation succeeds; a nil syms gets a private table.
func CompileShared(src string, syms *Symbols) (*Expr, error) {
	if syms == nil {
		syms = NewSymbols()
	}
	e, err := compile(src, syms)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Eval evaluates the expression within a fresh evaluation budget
// (Limits.EvalWork). It never panics and never allocates. Any runtime type
// error (what SpEL would throw) makes the whole result false, as Nepxion
// swallows exceptions as false; so does a matches on a value longer than
// Limits.MatchValueBytes and any step beyond the budget. A nil v reads
// every slot as null.
func (e *Expr) Eval(v Vars) bool {
	work := limits.EvalWork
	return e.EvalWithin(v, &work)
}

// EvalWithin is Eval drawing on a budget shared by several evaluations: the
// data plane gives every request one budget of Limits.EvalWork for all the
// expressions it evaluates. *work is decreased by what each matches and
// ordering comparison costs (see Limits.EvalWork); a step that costs more
// than is left is an evaluation error, so the result depends only on the
// expressions and the values, never on time. work must not be nil.
func (e *Expr) EvalWithin(v Vars, work *int) bool {
	if e == nil || len(e.nodes) == 0 {
		return false
	}
	r, ok := e.test(e.root, v, work)
	return ok && r
}

// Slots lists the slots this expression reads: distinct, in order of first
// appearance. References that Nepxion would never fill are not included.
func (e *Expr) Slots() []int {
	if e == nil {
		return nil
	}
	return slices.Clone(e.slots)
}

// Names lists the #H names of Slots, in the same order.
func (e *Expr) Names() []string {
	if e == nil {
		return nil
	}
	return slices.Clone(e.names)
}

// Warnings lists portability and likely-mistake notes, in source order.
func (e *Expr) Warnings() []Warning {
	if e == nil {
		return nil
	}
	return slices.Clone(e.warnings)
}

// String is the source text.
func (e *Expr) String() string {
	if e == nil {
		return ""
	}
	return e.src
}

// EvalMap is a convenience for tests and the CLI: names missing from m are
// null. Values are used as given, like Nepxion's console "validate" API does
// with an explicit map; blank values are not turned into null.
func EvalMap(e *Expr, m map[string]string) bool {
	if e == nil {
		return false
	}
	return e.Eval(mapVars{m: m, syms: e.syms})
}

type mapVars struct {
	m    map[string]string
	syms *Symbols
}

func (mv mapVars) Var(slot int) (string, bool) {
	name, ok := mv.syms.lookup(slot)
	if !ok {
		return "", false
	}
	v, ok := mv.m[name]
	return v, ok
}
