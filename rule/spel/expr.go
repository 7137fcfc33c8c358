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

// SyntaxError reports an expression outside the supported subset. Pos is the
// 0-based byte offset of the offending construct in Src.
type SyntaxError struct {
	Src string
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("expression %q: position %d: %s", e.Src, e.Pos+1, e.Msg)
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

// Eval evaluates the expression. It never panics and never allocates. Any
// runtime type error (what SpEL would throw) makes the whole result false,
// as Nepxion swallows exceptions as false. A nil v reads every slot as null.
func (e *Expr) Eval(v Vars) bool {
	if e == nil || len(e.nodes) == 0 {
		return false
	}
	r, ok := e.test(e.root, v)
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
