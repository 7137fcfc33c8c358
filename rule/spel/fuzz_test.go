package spel

import (
	"errors"
	"slices"
	"testing"
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

func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
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
		got := e.Eval(vars)
		if e.Eval(vars) != got || EvalMap(e, values) != got {
			t.Fatalf("%q with %q: Eval and EvalMap disagree or vary", src, values)
		}
	})
}
