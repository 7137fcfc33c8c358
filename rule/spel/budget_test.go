package spel

import (
	"errors"
	"regexp/syntax"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/internal/budgettest"
)

// withinBudget is the refusal budget of issue 8 (internal/budgettest).
func withinBudget(t *testing.T, f func()) {
	t.Helper()
	budgettest.Within(t, f)
}

func syntaxReason(err error) string {
	var se *SyntaxError
	if errors.As(err, &se) {
		return se.Reason
	}
	return "?"
}

// TestCompileLimits: each compile-time limit accepts its value and refuses
// one more, with the reason key and a message naming the limit.
func TestCompileLimits(t *testing.T) {
	l := DefaultLimits()
	longExpr := func(n int) string {
		e := "#H['a'] == '"
		return e + strings.Repeat("x", n-len(e)-1) + "'"
	}
	tests := []struct {
		name, src, reason string // reason "" = accepted
	}{
		{"expression at the limit", longExpr(l.ExpressionBytes), ""},
		{"expression past the limit", longExpr(l.ExpressionBytes + 1), ReasonExpression},
		{"repeat at the limit", "#H['a'] matches 'a{256}'", ""},
		{"repeat past the limit", "#H['a'] matches 'a{0,257}'", ReasonRegexRepeat},
		{"nested repeats at the limit", "#H['a'] matches '(a{16}){16}'", ""},
		{"nested repeats past the limit", "#H['a'] matches '(?:(?:a{2}){16}b){9}'", ReasonRegexRepeat},
		{"an unbounded repeat counts its minimum", "#H['a'] matches '(a{16}){17,}'", ReasonRegexRepeat},
		{"a repeated flag group", "#H['a'] matches '(?i:ab{100}){3}'", ReasonRegexRepeat},
		{"sibling groups do not multiply", "#H['a'] matches '(a{200})(b{200})'", ""},
		{"a closed group does not multiply later atoms", "#H['a'] matches '(a{200})b{200}'", ""},
		{"program within the limit", "#H['a'] matches '[a-z]{0,249}[a-z]{0,249}'", ""},
		{"program past the limit", "#H['a'] matches '[a-z]{0,250}[a-z]{0,250}[a-z]{0,250}'", ReasonRegexProgram},
		{"total past the limit", strings.Repeat("#H['a'] matches '[a-z]{0,240}[a-z]{0,240}' and ", 10) + "#H['a'] matches '[a-z]{0,240}[a-z]{0,240}'", ReasonRegexTotal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			withinBudget(t, func() { _, err = Compile(tt.src) })
			if tt.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Reason != tt.reason || se.Limit <= 0 || !strings.HasSuffix(se.Msg, "; the limit is "+itoa(se.Limit)) {
				t.Fatalf("error %v (reason %q), want reason %s naming the limit", err, syntaxReason(err), tt.reason)
			}
			if se.Pos < 0 || se.Pos > len(tt.src) || len(se.Error()) > 400 {
				t.Fatalf("position %d or message of %d bytes", se.Pos, len(se.Error()))
			}
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestRegexTotalPerRule: the patterns of every expression compiled against
// one Symbols table count together; a table whose compilation failed is
// not charged.
func TestRegexTotalPerRule(t *testing.T) {
	syms := NewSymbols()
	one := "#H['a'] matches '[a-z]{0,240}[a-z]{0,240}'" // 966 instructions
	for i := range 10 {
		if _, err := CompileShared(one, syms); err != nil {
			t.Fatalf("expression %d: %v", i, err)
		}
	}
	if _, err := CompileShared(one, syms); syntaxReason(err) != ReasonRegexTotal {
		t.Fatalf("11th pattern: %v", err)
	}
	if _, err := CompileShared("#H['a'] matches 'x'", syms); err != nil {
		t.Fatalf("a small pattern still fits: %v", err)
	}
	if _, err := CompileShared(one, NewSymbols()); err != nil {
		t.Fatalf("another rule: %v", err)
	}
}

// TestProgramEstimate: the cheap estimate is an upper bound of the exact
// program size, so it never refuses a pattern within the limit.
func TestProgramEstimate(t *testing.T) {
	patterns := []string{"a", "abc", "a|b|c", "(a|b)*c+d?", "[a-z]{0,250}", "(?i)k[^x]{3,}", "(a{16}){16}", `^1\.[0-9]+$`,
		"(?:u1|u2|u12|u123)x", "((a|b){2,5}|c{7}){3}", `\bx\B.$`, "", "(?s).*", "x{0}", "(a*)*"}
	for _, p := range patterns {
		re, err := syntax.Parse(`^(?:`+p+`)$`, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		est := estimate(re, 1<<30)
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			t.Fatal(err)
		}
		if est < len(prog.Inst) {
			t.Errorf("%q: estimate %d < %d instructions", p, est, len(prog.Inst))
		}
	}
}

// TestEvalBudget: a matches on a long value, or beyond the work left, is an
// evaluation error (the whole expression is false, even under not); the
// budget is shared by the evaluations given it; Eval does not allocate.
func TestEvalBudget(t *testing.T) {
	l := DefaultLimits()
	m := mustCompile(t, "#H['a'] matches 'a*'")
	not := mustCompile(t, "not (#H['a'] matches 'b')")
	at, past := strings.Repeat("a", l.MatchValueBytes), strings.Repeat("a", l.MatchValueBytes+1)
	if !EvalMap(m, map[string]string{"a": at}) || EvalMap(m, map[string]string{"a": past}) {
		t.Error("matches at / past MatchValueBytes")
	}
	if !EvalMap(not, map[string]string{"a": "a"}) || EvalMap(not, map[string]string{"a": past}) {
		t.Error("not (matches) past MatchValueBytes must be false")
	}
	order := mustCompile(t, "#H['a'] > '1'")
	huge := strings.Repeat("9", l.EvalWork)
	if !EvalMap(order, map[string]string{"a": "2"}) || EvalMap(order, map[string]string{"a": huge}) {
		t.Error("ordering within / beyond the budget")
	}

	v := sliceVars{ptr(at)}
	work := l.EvalWork
	n := 0
	for m.EvalWithin(v, &work) {
		n++
	}
	perMatch := m.insts[0] * (len(at) + 1)
	if want := l.EvalWork / perMatch; n != want {
		t.Errorf("a shared budget allowed %d matches, want %d (%d each)", n, want, perMatch)
	}
	var vars Vars = v
	if a := testing.AllocsPerRun(100, func() { m.Eval(vars) }); a != 0 {
		t.Errorf("Eval allocates %v times", a)
	}
}

// TestIssueRegexRefusedFast: the pattern that ran 131 s is refused at
// compile time, cheaply.
func TestIssueRegexRefusedFast(t *testing.T) {
	src := "#H['a'] matches '" + strings.Repeat("[a-z]{0,1000}", 60) + "'"
	var err error
	withinBudget(t, func() { _, err = Compile(src) })
	if syntaxReason(err) != ReasonRegexRepeat {
		t.Fatalf("%v", err)
	}
}
