package spel

import (
	"slices"
	"strings"
	"testing"
)

func TestCompileNames(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		names []string
	}{
		{"first appearance order, distinct", "#H['b'] == '1' or #H['a'] == '2' or #H['b'] == '3'", []string{"b", "a"}},
		{"names may hold any character", "#H['user-type'] == 'vip' and #H['x.y'] != null and #H['名'] == '1'", []string{"user-type", "x.y", "名"}},
		{"unfilled references are left out", "#H['a']=='1'&&#H['b']=='2'", []string{"a"}},
		{"filled by another reference", "#H['a']=='1'&&#H['b']=='2' or #H['b'] == '3'", []string{"a", "b"}},
		{"space inside brackets is never filled", "#H[ 'a' ] == '1'", nil},
		{"no variables", "true", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := mustCompile(t, c.src)
			if got := e.Names(); !slices.Equal(got, c.names) {
				t.Errorf("Names() = %q, want %q", got, c.names)
			}
			if len(e.Slots()) != len(c.names) {
				t.Errorf("Slots() = %v for names %q", e.Slots(), c.names)
			}
			if e.String() != c.src {
				t.Errorf("String() = %q", e.String())
			}
		})
	}
}

func TestCompileShared(t *testing.T) {
	syms := NewSymbols()
	e1, err := CompileShared("#H['a'] == '1' and #H['b'] == '2'", syms)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := CompileShared("#H['c'] == '3' or #H['a'] == '1'", syms)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e1.Slots(), []int{0, 1}) || !slices.Equal(e2.Slots(), []int{2, 0}) {
		t.Errorf("slots %v and %v, want [0 1] and [2 0]", e1.Slots(), e2.Slots())
	}
	if syms.Len() != 3 || syms.Name(2) != "c" || syms.Name(3) != "" || syms.Name(-1) != "" {
		t.Errorf("symbols: len %d, name(2) %q", syms.Len(), syms.Name(2))
	}
	if slot, ok := syms.Slot("b"); !ok || slot != 1 {
		t.Errorf("Slot(b) = %d, %v", slot, ok)
	}
	if _, ok := syms.Slot("zz"); ok {
		t.Error("Slot(zz) found")
	}
	v := sliceVars{ptr("1"), ptr("2"), ptr("3")}
	if !e1.Eval(v) || !e2.Eval(v) {
		t.Error("shared slots evaluate wrongly")
	}
	if !EvalMap(e2, m("c", "3")) {
		t.Error("EvalMap on a shared expression")
	}
}

func TestCompileSharedFailureKeepsSymbols(t *testing.T) {
	syms := NewSymbols()
	if _, err := CompileShared("#H['a'] == '1' and #H['b'] + 1", syms); err == nil {
		t.Fatal("want an error")
	}
	if syms.Len() != 0 {
		t.Errorf("a failed compilation added %d symbols", syms.Len())
	}
	if e, err := CompileShared("#H['a'] == '1'", nil); err != nil || e.Names()[0] != "a" {
		t.Errorf("nil symbols: %v, %v", e, err)
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	e := mustCompile(t, "#H['a'] == 1")
	e.Names()[0], e.Slots()[0], e.Warnings()[0].Msg = "x", 9, "x"
	if e.Names()[0] != "a" || e.Slots()[0] != 0 || e.Warnings()[0].Msg == "x" {
		t.Error("accessors expose internal slices")
	}
}

func TestWarnings(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // substrings of the warnings, in order; nil: no warning
	}{
		{"clean", "#H['a'] == '1' and #H['b'] matches 'x'", nil},
		{"greedy scan", "#H['a']=='1'&&#H['b']=='2'", []string{`#H['b'] is always null in Nepxion: Nepxion's variable scan (regex \#H\['\S+'\], greedy) reads "#H['a']=='1'&&#H['b']" as one reference named "a"; put spaces around operators`}},
		{"spaces inside", "#H[ 'a' ] == '1'", []string{"#H[ 'a' ] is always null in Nepxion: Nepxion's variable scan (regex \\#H\\['\\S+'\\]) never sees it; write it exactly as #H['name'], with no spaces inside"}},
		{"blank name", "#H[''] == '1'", []string{"never fills an empty name or one with spaces"}},
		{"quoted quote in name", "#H['a''b'] == '1'", []string{`under this name: it reads the name up to the first '] as "a''b"`}},
		{"number", "#H['age'] == 18", []string{"#H['age'] == 18 is always false in Nepxion: variables are strings (or null) and SpEL never finds a string equal to a number; quote it: '18'"}},
		{"number !=", "#H['age'] != 18", []string{"is always true in Nepxion"}},
		{"boolean", "#H['flag'] == true", []string{"never finds a string equal to a boolean; quote it: 'true'"}},
		{"constants", "'a' == 'b'", []string{"'a' == 'b' compares constants: always false"}},
		{"constant throw", "'a' < 1", []string{"it always fails at runtime"}},
		{"self", "#H['a'] == #H['a']", []string{"compares a variable with itself"}},
		{"two variables", "#H['a'] == #H['b']", []string{"also true when both are absent"}},
		{"!= pitfall", "#H['a'] != '2'", []string{"is also true when #H['a'] is absent (null != '2')"}},
		{"< pitfall", "#H['a'] < '2'", []string{"null sorts before every value"}},
		{"> pitfall mirrored", "'2' > #H['a']", []string{"null sorts before every value"}},
		{"guarded !=", "#H['a'] != null and #H['a'] != '2'", nil},
		{"guarded by or", "#H['a'] == null or #H['a'] < '2'", nil},
		{"ordering with null", "#H['a'] >= null", []string{"only tests presence"}},
		{"blank literal", "#H['a'] == ''", []string{"is never true in Nepxion: a blank value is never filled"}},
		{"fragile matches under not", "not (#H['v'] matches 'x')", []string{"if #H['v'] is absent, matches fails"}},
		{"fragile matches under or", "#H['a'] == '1' or #H['v'] matches 'x'", []string{"even under not or or"}},
		{"guarded matches", "not (#H['v'] != null and #H['v'] matches 'x')", nil},
		{"string vs condition", "(#H['a'] == '1') == 'x'", []string{"SpEL never finds a condition equal to a string"}},
		{"condition ordered", "(#H['a'] == '1') < #H['b']", []string{"always fails at runtime unless the variable is absent"}},
		{"condition ordered against a number", "(#H['a'] == '1') < 5", []string{"a condition cannot be ordered against a string or number"}},
		{"variable ordered against boolean", "#H['a'] > true", []string{"unless the variable is absent"}},
		{"old Spring quote collapse", `#H['a'] == 'say ""hi""'`, []string{"Spring before 5.3.20"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws := mustCompile(t, c.src).Warnings()
			if len(ws) != len(c.want) {
				t.Fatalf("warnings %v, want %d", ws, len(c.want))
			}
			for i, w := range ws {
				if !strings.Contains(w.Msg, c.want[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, w.Msg, c.want[i])
				}
			}
		})
	}
}

func TestWarningPositions(t *testing.T) {
	ws := mustCompile(t, "#H['a'] == '1' and #H['b'] != '2' and #H['c'] == 5").Warnings()
	if len(ws) != 2 || ws[0].Pos != 19 || ws[1].Pos != 38 {
		t.Errorf("warnings %v, want positions 19 and 38", ws)
	}
}

func ptr(s string) *string { return &s }
