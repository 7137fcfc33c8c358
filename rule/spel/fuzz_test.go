package spel

import (
	"errors"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzSeeds are realistic rule conditions and near misses; the committed
// corpus under testdata/fuzz/FuzzCompile holds more.
var fuzzSeeds = []string{
	"#H['a'] == '1' and #H['b'] != '2'",
	"#H['user-type'] == 'vip' || #H['age'] >= 18",
	`not (#H['v'] matches '^1\.[0-9]+$')`,
	"#H['x'] == null",
	"#H['a']=='1'&&#H['b']=='2'",
	`#H["a"] == '1'`,
	"#H['a'].equals('1')",
	"#H['a'] matches '(?i)[a-z&&[^k]]+'",
}

// hostileSeeds are the expressions of issue 8 beyond a budget: repeats
// that multiply, a large program, many patterns, a long expression.
var hostileSeeds = []string{
	"#H['a'] matches '" + strings.Repeat("[a-z]{0,1000}", 60) + "'",
	"#H['a'] matches '(((((a{0,9}){0,9}){0,9}){0,9}){0,9})'",
	"#H['a'] matches '[a-z]{0,250}[a-z]{0,250}[a-z]{0,250}'",
	strings.Repeat("#H['a'] matches '[a-z]{0,240}[a-z]{0,240}' or ", 11) + "true",
	strings.Repeat("#H['a'] == '1' or ", 1000) + "true",
	"#H['a'] matches '(?:a|b|c|d|e|f)*[a-z]{0,200}'",
}

// fuzzBudget fails when f allocates 64 MB or more or takes a second or
// more (generous, so that a busy machine does not make fuzzing flaky).
func fuzzBudget(t *testing.T, f func()) {
	t.Helper()
	before := allocated()
	start := time.Now()
	f()
	elapsed := time.Since(start)
	if alloc := allocated() - before; alloc >= 64<<20 {
		t.Fatalf("allocated %d MB", alloc>>20)
	}
	if elapsed >= time.Second {
		t.Fatalf("took %v", elapsed)
	}
}

// allocated is the heap allocated so far, in bytes: TotalAlloc, read
// through runtime/metrics, which does not stop the world as ReadMemStats
// does on every fuzz input.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func FuzzCompile(f *testing.F) {
	for _, s := range append(fuzzSeeds, hostileSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var e *Expr
		var err error
		fuzzBudget(t, func() { e, err = Compile(src) })
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Src != src || se.Pos < 0 || se.Pos > len(src) || se.Msg == "" {
				t.Fatalf("bad SyntaxError %+v", se)
			}
			return
		}
		checkCompiled(t, e, src)
	})
}

// checkCompiled checks the invariants of a compiled expression.
func checkCompiled(t *testing.T, e *Expr, src string) {
	t.Helper()
	if e.String() != src {
		t.Fatalf("String() = %q", e.String())
	}
	names, slots := e.Names(), e.Slots()
	if len(names) != len(slots) {
		t.Fatalf("names %q, slots %v", names, slots)
	}
	for i, slot := range slots {
		if slices.Index(slots, slot) != i || e.syms.Name(slot) != names[i] {
			t.Fatalf("slots %v do not match names %q", slots, names)
		}
	}
	for _, w := range e.Warnings() {
		if w.Pos < 0 || w.Pos > len(src) || w.Msg == "" {
			t.Fatalf("bad warning %+v", w)
		}
	}
	one := "1"
	for _, v := range []Vars{nil, sliceVars{}, sliceVars{&one, &one, &one, &one}} {
		if first, second := e.Eval(v), e.Eval(v); first != second {
			t.Fatal("Eval is not deterministic")
		}
	}
	again, err := Compile(src)
	if err != nil || !slices.Equal(again.Names(), names) || again.Eval(nil) != e.Eval(nil) {
		t.Fatalf("compiling again differs: %v", err)
	}
}

// FuzzEval evaluates expressions against random values: it never panics,
// is deterministic, and EvalMap agrees with slot-based evaluation.
func FuzzEval(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "1", "2")
	}
	f.Add("#H['a'] > #H['b']", "1e2147483647", "１２")
	f.Add("#H['a'] < #H['b'] or #H['a'] matches '.'", "\U0001F600", "\ue000")
	long := strings.Repeat("a", 20000)
	for _, s := range hostileSeeds {
		f.Add(s, long, "1")
	}
	f.Add("#H['a'] > '1' and #H['b'] matches 'a*'", strings.Repeat("9", 300000), strings.Repeat("a", 5000))
	f.Fuzz(func(t *testing.T, src, a, b string) {
		e, err := Compile(src)
		if err != nil {
			return
		}
		values := map[string]string{}
		var vars sliceVars
		for i, name := range e.Names() {
			v := []string{a, b}[i%2]
			values[name] = v
			for len(vars) <= e.Slots()[i] {
				vars = append(vars, nil)
			}
			vars[e.Slots()[i]] = &v
		}
		var got bool
		fuzzBudget(t, func() { got = e.Eval(vars) })
		if e.Eval(vars) != got || EvalMap(e, values) != got {
			t.Fatalf("%q with %q: Eval and EvalMap disagree or vary", src, values)
		}
	})
}
