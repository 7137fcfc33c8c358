package releasedoc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/internal/budgettest"
)

// hostile is a document beyond a budget and the reason it must be refused
// with (issue 8).
type hostile struct {
	name   string
	data   string
	reason string
}

// checkHostile wants every case refused by parse (the entry point named
// entry) within the budget, with its reason.
func checkHostile(t *testing.T, entry string, parse func([]byte) error, cases []hostile) {
	t.Helper()
	for _, c := range cases {
		t.Run(entry+"/"+c.name, func(t *testing.T) { budgettest.Refused(t, parse, []byte(c.data), c.reason) })
	}
}

// aliasBomb is the YAML: level 0 holds fan scalars, every further
// level fan aliases of the one before, so the document expands to
// fan^levels nodes. shape picks the collections: "seq", "map" or "mixed"
// (alternating).
func aliasBomb(levels, fan int, shape string) string {
	var b strings.Builder
	for l := range levels {
		seq := shape == "seq" || (shape == "mixed" && l%2 == 0)
		item := "x"
		if l > 0 {
			item = fmt.Sprintf("*l%d", l-1)
		}
		fmt.Fprintf(&b, "l%d: &l%d ", l, l)
		if seq {
			b.WriteString("[" + strings.TrimSuffix(strings.Repeat(item+",", fan), ",") + "]\n")
			continue
		}
		b.WriteString("{")
		for i := range fan {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "k%d: %s", i, item)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// aliasBombUnder puts the bomb inside a field the documents know (the
// anchors are defined in a list under gray), so it is reached however the
// converter walks the document.
func aliasBombUnder(levels int) string {
	var b strings.Builder
	b.WriteString("service: [svc-a]\ngray:\n")
	for l := range levels {
		item := "x"
		if l > 0 {
			item = fmt.Sprintf("*l%d", l-1)
		}
		fmt.Fprintf(&b, "  - &l%d [%s]\n", l, strings.TrimSuffix(strings.Repeat(item+",", 9), ","))
	}
	return b.String()
}

// indented nests n block lists of mappings: "- a:" lines, each indented
// deeper than the one before.
func indented(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", 2*i+1) + "- a:\n")
	}
	return b.String()
}

func TestBudgetReleaseYAML(t *testing.T) {
	cases := []hostile{
		{"issue: aliases, 8 levels of 9", aliasBomb(8, 9, "seq"), "budget.nodes"},
		{"aliases, 10 levels of 9", aliasBomb(10, 9, "seq"), "budget.nodes"},
		{"aliases in maps", aliasBomb(8, 9, "map"), "budget.nodes"},
		{"aliases, maps and lists mixed", aliasBomb(9, 9, "mixed"), "budget.nodes"},
		{"aliases, 30 levels of 2", aliasBomb(30, 2, "seq"), "budget.nodes"},
		{"aliases inside a known field", aliasBombUnder(8), "budget.nodes"},
		{"alias referring to itself", "a: &a [x, *a]\n", "budget.depth"},
		{"deep flow lists", "service: " + budgettest.Nested("[", "]", 100), "budget.depth"},
		{"deep flow maps", "header: " + budgettest.Nested("{a: ", "}", 100), "budget.depth"},
		{"deep lists in maps", "gray:\n" + indented(100), "budget.depth"},
		{"60k keys", budgettest.ManyKeys(60000, "k%d: v\n"), "budget.bytes"},
		{"huge document", "service: [" + strings.Repeat("a,", 600000) + "a]", "budget.bytes"},
	}
	checkHostile(t, "ParseYAML", func(b []byte) error { _, err := ParseYAML(b); return err }, cases)
	checkHostile(t, "ParseRecreateYAML", func(b []byte) error { _, err := ParseRecreateYAML(b); return err }, cases)
}

func TestBudgetReleaseJSON(t *testing.T) {
	cases := []hostile{
		{"deep arrays", `{"service":` + budgettest.Nested("[", "]", 100) + `}`, "budget.depth"},
		{"deep objects", strings.Repeat(`{"a":`, 100) + "null" + strings.Repeat("}", 100), "budget.depth"},
		{"1 MB of nested arrays", budgettest.Nested("[", "]", 500000), "budget.bytes"},
		{"120k keys", "{" + strings.TrimSuffix(budgettest.ManyKeys(120000, `"k%d":0,`), ",") + "}", "budget.bytes"},
	}
	checkHostile(t, "ParseJSON", func(b []byte) error { _, err := ParseJSON(b); return err }, cases)
	checkHostile(t, "ParseRecreateJSON", func(b []byte) error { _, err := ParseRecreateJSON(b); return err }, cases)
}

// alternation is n alternatives without common prefixes to factor.
func alternation(n int) string {
	alts := make([]string, n)
	for i := range alts {
		alts[i] = fmt.Sprintf("%dx", i*7919%100000)
	}
	return strings.Join(alts, "|")
}

func TestBudgetValidateExpression(t *testing.T) {
	long := "a=" + strings.Repeat("a", 200000)
	tests := []struct {
		name, expr, values, reason string
	}{
		{"issue: bounded repeats multiply", "#H['a'] matches '" + budgettest.RepeatBomb + "'", long, "budget.regex.repeat"},
		{"repeats that multiply", "#H['a'] matches '(?:[a-z]{0,200}){5}'", long, "budget.regex.repeat"},
		{"nested repeats", "#H['a'] matches '((a{0,100}){0,100}){0,100}'", long, "budget.regex.repeat"},
		{"nested small repeats", "#H['a'] matches '(((((a{0,9}){0,9}){0,9}){0,9}){0,9})'", long, "budget.regex.repeat"},
		{"a large program from allowed repeats", "#H['a'] matches '[a-z]{0,250}[a-z]{0,250}[a-z]{0,250}'", long, "budget.regex.program"},
		{"a large alternation", "#H['a'] matches '" + alternation(300) + "'", long, "budget.regex.program"},
		{"many patterns", strings.TrimSuffix(strings.Repeat("#H['a'] matches '[a-z]{0,200}[a-z]{0,200}' or ", 15), " or "), long, "budget.regex.total"},
		{"long expression", strings.TrimSuffix(strings.Repeat("#H['a'] == '1' or ", 2000), " or "), "a=1", "budget.expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budgettest.Refused(t, func([]byte) error { _, err := ValidateExpression(tt.expr, tt.values); return err }, nil, tt.reason)
		})
	}
}

// TestBudgetMatchValue: a matches on a long value is an evaluation error
// (the expression is false, as any SpEL exception makes it) and costs
// nothing, whatever the pattern.
func TestBudgetMatchValue(t *testing.T) {
	long := strings.Repeat("a", 200000)
	tests := []struct {
		name, expr string
	}{
		{"a pattern whose threads all stay alive", "#H['a'] matches '(?:a|b|c|d|e|f)*[a-z]{0,200}'"},
		{"under not", "not (#H['a'] matches '(?:a|b|c|d|e|f)*[a-z]{0,200}x')"},
		{"or'd with a true condition after it", "#H['a'] matches '(?:a|b|c|d|e|f)*[a-z]{0,200}' or #H['b'] == '1'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bool
			var err error
			budgettest.Within(t, func() { got, err = ValidateExpression(tt.expr, "a="+long+";b=1") })
			if err != nil || got {
				t.Fatalf("= %t, %v; want false (an evaluation error makes the whole expression false)", got, err)
			}
		})
	}
}
