package spel

import "fmt"

// Limits are the budgets of expressions: what compilation accepts and how
// much work one evaluation may do. An expression beyond a compile-time limit
// is refused with a [SyntaxError] whose Reason names the limit, so a rule
// holding it is refused before it is stored or applied. The evaluation
// limits make every evaluation cost a bounded amount of CPU, whatever the
// request sends: a step beyond them is an evaluation error, which makes the
// whole expression false, as any SpEL exception does in Nepxion.
//
// The values are fixed ([DefaultLimits]); package rule lists them with its
// document limits (rule.DefaultLimits), which docs/security.md reproduces.
type Limits struct {
	// ExpressionBytes bounds the source text of one expression.
	ExpressionBytes int
	// RegexRepeat bounds the bounded repeats of a matches pattern: the
	// larger count of each {n}, {n,} or {n,m}, multiplied through nested
	// repeated groups ((x{0,10}){0,30} repeats x 300 times).
	RegexRepeat int
	// RegexInstructions bounds the compiled program of one matches
	// pattern: the instructions regexp/syntax compiles it to.
	RegexInstructions int
	// RegexTotal bounds the programs of all matches patterns compiled
	// against one Symbols table, that is of one rule (or one expression
	// compiled alone).
	RegexTotal int
	// MatchValueBytes bounds the value a matches reads: a longer value is
	// an evaluation error, not a match attempt.
	MatchValueBytes int
	// EvalWork bounds the work of one evaluation — in the data plane, of all
	// the expressions one request evaluates (Expr.EvalWithin): each matches
	// costs its program's instructions × (value bytes + 1), each ordering
	// comparison (< <= > >=) the bytes of both sides. RE2 matches in time
	// proportional to instructions × input, so this bounds the CPU a
	// request can cost (about 4 ms at 15 ns per instruction-byte, the
	// worst case measured for Go's NFA).
	EvalWork int
}

// The reason keys of the expression limits (SyntaxError.Reason).
const (
	ReasonExpression   = "budget.expression"
	ReasonRegexRepeat  = "budget.regex.repeat"
	ReasonRegexProgram = "budget.regex.program"
	ReasonRegexTotal   = "budget.regex.total"
)

// limits is what this package enforces. It is never changed.
var limits = Limits{
	ExpressionBytes:   16 << 10,
	RegexRepeat:       256,
	RegexInstructions: 1000,
	RegexTotal:        10000,
	MatchValueBytes:   4096,
	EvalWork:          1 << 18,
}

// DefaultLimits returns the limits this package enforces.
func DefaultLimits() Limits { return limits }

// budgetErr is a SyntaxError about a limit: the message ends with the
// limit's value, so every refusal says what the limit is.
func budgetErr(src string, pos int, reason string, limit int, format string, args ...any) *SyntaxError {
	msg := fmt.Sprintf(format, args...) + fmt.Sprintf("; the limit is %d", limit)
	return &SyntaxError{Src: src, Pos: pos, Msg: msg, Reason: reason, Limit: limit}
}
