package spel_test

import (
	"fmt"

	"github.com/switchyard-io/switchyard/rule/spel"
)

func ExampleCompile() {
	e, err := spel.Compile("#H['user-type'] == 'vip' || #H['age'] >= 18")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Names())
	fmt.Println(spel.EvalMap(e, map[string]string{"age": "21"}))
	fmt.Println(spel.EvalMap(e, map[string]string{"age": "17"}))
	fmt.Println(spel.EvalMap(e, map[string]string{"age": "unknown"})) // not a number: SpEL throws, Nepxion says false
	// Output:
	// [user-type age]
	// true
	// false
	// false
}

func ExampleCompile_refused() {
	_, err := spel.Compile("#H['a'].equals('1')")
	fmt.Println(err)
	// Output:
	// expression "#H['a'].equals('1')": position 8: method call .equals(...) is not supported; use ==
}

func ExampleExpr_Warnings() {
	e, _ := spel.Compile("#H['a']=='1'&&#H['b']=='2'")
	fmt.Println(e.Names())
	for _, w := range e.Warnings() {
		fmt.Println(w.Pos, w.Msg)
	}
	// Output:
	// [a]
	// 14 #H['b'] is always null in Nepxion: Nepxion's variable scan (regex \#H\['\S+'\], greedy) reads "#H['a']=='1'&&#H['b']" as one reference named "a"; put spaces around operators, as in #H['a'] == '1' && #H['b'] == '2'
}

// values serves a request's values by slot, fetched once per name.
type values []string

func (v values) Var(slot int) (string, bool) {
	if slot >= len(v) || v[slot] == "" { // Nepxion treats a blank value as absent
		return "", false
	}
	return v[slot], true
}

func ExampleCompileShared() {
	syms := spel.NewSymbols()
	green, _ := spel.CompileShared("#H['a'] == '1' and #H['b'] == '2'", syms)
	blue, _ := spel.CompileShared("#H['b'] == '2'", syms)

	request := map[string]string{"a": "1", "b": "2"}
	vals := make(values, syms.Len())
	for slot := range vals {
		vals[slot] = request[syms.Name(slot)]
	}
	fmt.Println(green.Eval(vals), blue.Eval(vals), blue.Slots())
	// Output:
	// true true [1]
}
