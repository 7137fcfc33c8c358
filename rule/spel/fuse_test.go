package spel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFusedIsGeneral: the shortcut of comparisons of a variable with a
// string or null gives what evaluating them as values gives.
func TestFusedIsGeneral(t *testing.T) {
	g := &exprGen{r: rand.New(rand.NewPCG(7, 8))}
	fused := 0
	for range 20000 {
		src := g.cond(0)
		e, err := Compile(src)
		if err != nil {
			continue
		}
		general := *e
		general.nodes = slices.Clone(e.nodes)
		for i := range general.nodes {
			if general.nodes[i].fast != fastNone {
				general.nodes[i].fast = fastNone
				fused++
			}
		}
		for range 4 {
			m := g.values()
			if got, want := EvalMap(e, m), EvalMap(&general, m); got != want {
				t.Fatalf("%s with %q: fused %v, general %v", src, m, got, want)
			}
		}
	}
	if fused < 1000 {
		t.Errorf("only %d comparisons fused", fused)
	}
}

func TestGuard(t *testing.T) {
	tests := []struct {
		src   string
		name  string
		value string
		ok    bool
	}{
		{"#H['a'] == '1'", "a", "1", true},
		{"'1' == #H['a']", "a", "1", true},
		{"#H['a'] == '1' and #H['b'] != 'x'", "a", "1", true},
		{"#H['b'] != 'x' and #H['a'] == '1'", "", "", false}, // the first operand is not a guard
		{"#H['a'] == '1' or #H['b'] == '2'", "", "", false},
		{"#H['a'] != '1'", "", "", false},
		{"#H['a'] == null", "", "", false},
		{"#H['a'] == 1", "", "", false}, // a number never equals a string
		{"#H['a'] eq ''", "a", "", true},
		{"not (#H['a'] == '1')", "", "", false},
		{"(#H['a'] == '1') and true", "a", "1", true},
		{"#H['a'] matches '1'", "", "", false},
		{"#H ['a'] == '1'", "", "", false}, // Nepxion never fills it: a null literal
	}
	for _, tt := range tests {
		syms := NewSymbols()
		e, err := CompileShared(tt.src, syms)
		if err != nil {
			t.Fatalf("%s: %v", tt.src, err)
		}
		slot, value, ok := e.Guard()
		if ok != tt.ok || ok && (syms.Name(slot) != tt.name || value != tt.value) {
			t.Errorf("%s: Guard() = %q %q %v, want %q %q %v", tt.src, syms.Name(slot), value, ok, tt.name, tt.value, tt.ok)
		}
		if ok { // the guard failing makes the expression false
			if EvalMap(e, map[string]string{tt.name: value + "x"}) || EvalMap(e, nil) {
				t.Errorf("%s is true without its guard", tt.src)
			}
		}
	}
}
