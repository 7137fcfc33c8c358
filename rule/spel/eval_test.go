package spel

import "testing"

// m builds a request's values: m("a", "1", "b", "2").
func m(kv ...string) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// evalCases pin every semantic rule of the package documentation; the
// oracle golden file checks the same rules against Spring SpEL.
var evalCases = []struct {
	name string
	src  string
	vars map[string]string
	want bool
}{
	// The documented examples.
	{"and both match", "#H['a'] == '1' and #H['b'] != '2'", m("a", "1", "b", "3"), true},
	{"and second fails", "#H['a'] == '1' and #H['b'] != '2'", m("a", "1", "b", "2"), false},
	{"!= is true when absent", "#H['a'] == '1' and #H['b'] != '2'", m("a", "1"), true},
	{"or first", "#H['user-type'] == 'vip' || #H['age'] >= 18", m("user-type", "vip"), true},
	{"or numeric second", "#H['user-type'] == 'vip' || #H['age'] >= 18", m("age", "18"), true},
	{"or numeric below", "#H['user-type'] == 'vip' || #H['age'] >= 18", m("age", "17.99"), false},
	{"non-numeric vs number throws", "#H['user-type'] == 'vip' || #H['age'] >= 18", m("age", "x"), false},
	{"throw is not rescued by a later or", "#H['age'] >= 18 || #H['user-type'] == 'vip'", m("age", "x", "user-type", "vip"), false},
	{"not matches", `not (#H['v'] matches '^1\.[0-9]+$')`, m("v", "2.0"), true},
	{"not matches matching", `not (#H['v'] matches '^1\.[0-9]+$')`, m("v", "1.12"), false},
	{"matches on null throws even under not", `not (#H['v'] matches '^1\.[0-9]+$')`, nil, false},
	{"== null absent", "#H['x'] == null", nil, true},
	{"== null present", "#H['x'] == null", m("x", ""), false},

	// Equality.
	{"strings are not numbers", "#H['a'] == '1.0'", m("a", "1"), false},
	{"string never equals number", "#H['a'] == 1", m("a", "1"), false},
	{"string always differs from number", "#H['a'] != 1", m("a", "1"), true},
	{"null never equals number", "#H['a'] == 1", nil, false},
	{"null equals null", "#H['a'] == #H['b']", nil, true},
	{"null vs string", "#H['a'] == #H['b']", m("a", "1"), false},
	{"two strings", "#H['a'] == #H['b']", m("a", "x", "b", "x"), true},
	{"numbers numerically", "1 == 1.0 and 10 != 9 and -3 == -3", nil, true},
	{"booleans", "true == true and false != true", nil, true},
	{"condition equals boolean", "(#H['a'] == '1') == true", m("a", "1"), true},
	{"condition never equals string", "(#H['a'] == '1') == 'true'", m("a", "1"), false},
	{"1e2 is not 100 as text", "#H['a'] == '100'", m("a", "1e2"), false},
	{"escaped quotes", `'it''s' == "it's" and "say ""hi""" == 'say "hi"'`, nil, true},
	{"word operators any case", "#H['a'] EQ '1' AnD NOT (#H['b'] ne null) Or FALSE", m("a", "1"), true},

	// Ordering through DiscoveryTypeComparator.
	{"numeric strings", "#H['a'] > '9'", m("a", "10"), true},
	{"text strings", "#H['a'] < 'abd'", m("a", "abc"), true},
	{"1e2 <= 100", "#H['a'] <= '100'", m("a", "1e2"), true},
	{"1e2 >= 100", "#H['a'] >= '100'", m("a", "1e2"), true},
	{"null is least", "#H['a'] < '2'", nil, true},
	{"null is not greater", "#H['a'] > '2'", nil, false},
	{"null vs null", "#H['a'] <= #H['b'] and not (#H['a'] < #H['b'])", nil, true},
	{"exact beyond float64", "#H['a'] > 1.5", m("a", "1.50000000000000000001"), true},
	{"exponent vs decimal", "#H['a'] > 1e2", m("a", "100.0"), false},
	{"sign and leading dot", "#H['a'] < '.5' and #H['a'] > '-1'", m("a", "-.5"), true},
	{"huge exponent", "#H['a'] > '9999999999999999999999'", m("a", "1e2147483647"), true},
	{"unicode digits are numbers", "#H['a'] > 10", m("a", "１２"), true},
	{"not a BigDecimal: text order", "#H['a'] < '1_1'", m("a", "1_0"), true},
	{"text vs number throws", "#H['a'] < 10", m("a", "abc"), false},
	{"booleans order", "false < true", nil, true},
	{"string vs boolean throws", "#H['a'] < true", m("a", "1"), false},
	{"null vs boolean", "#H['a'] < true", nil, true},
	{"UTF-16 order: BMP after surrogates", "#H['a'] > '\U0001F600'", m("a", "\ue000"), true},
	{"UTF-16 order: surrogates before BMP", "#H['a'] < '\uffff'", m("a", "\U0001F600"), true},

	// matches.
	{"matches whole string", "#H['a'] matches '1'", m("a", "12"), false},
	{"matches alternation whole", "#H['a'] matches 'a|b'", m("a", "b"), true},
	{"matches on literal", "'abc' matches '[a-c]+'", nil, true},
	{"ASCII-only case folding", "#H['a'] matches '(?i)k'", m("a", "\u212a"), false},
	{"case folding ASCII", "#H['a'] matches '(?i)VIP'", m("a", "vip"), true},
	{"dot excludes CR", "#H['a'] matches '.'", m("a", "\r"), false},
	{"Java \\s includes VT", `#H['a'] matches '\s'`, m("a", "\v"), true},
	{"guarded matches", "#H['a'] != null and #H['a'] matches '1'", nil, false},

	// Short-circuit: the right side is never evaluated.
	{"or short-circuits a throw", "true or #H['a'] matches 'x'", nil, true},
	{"and short-circuits a throw", "false and #H['a'] matches 'x'", nil, false},
	{"n-ary or", "#H['a'] == '1' or #H['a'] == '2' or #H['a'] == '3'", m("a", "3"), true},

	// Nepxion's variable scan.
	{"no spaces: b is never filled", "#H['a']=='1'&&#H['b']=='2'", m("a", "1", "b", "2"), false},
	{"no spaces: b reads as null", "#H['a']=='1'&&#H['b']==null", m("a", "1", "b", "2"), true},
	{"filled by another reference", "#H['a']=='1'&&#H['b']=='2' and #H['b'] == '2'", m("a", "1", "b", "2"), true},
	{"space inside brackets", "#H[ 'a' ] == '1'", m("a", "1"), false},
}

func TestEval(t *testing.T) {
	for _, c := range evalCases {
		t.Run(c.name, func(t *testing.T) {
			e, err := Compile(c.src)
			if err != nil {
				t.Fatal(err)
			}
			if got := EvalMap(e, c.vars); got != c.want {
				t.Errorf("%s with %v = %v, want %v", c.src, c.vars, got, c.want)
			}
		})
	}
}

// sliceVars serves values by slot, the way a rule evaluator would.
type sliceVars []*string

func (s sliceVars) Var(slot int) (string, bool) {
	if slot < len(s) && s[slot] != nil {
		return *s[slot], true
	}
	return "", false
}

func TestEvalDoesNotAllocate(t *testing.T) {
	one, ten, vip := "1", "10", "1.12"
	for _, src := range []string{
		"#H['a'] == '1' and #H['b'] != '2' or #H['c'] >= '9' and not (#H['d'] matches '^1\\.[0-9]+$')",
		"#H['a'] < 10 or #H['b'] == null or (#H['a'] == '1') == true",
	} {
		e := mustCompile(t, src)
		var v Vars = sliceVars{&one, &ten, nil, &vip} // converted once, as a caller would
		if n := testing.AllocsPerRun(100, func() { e.Eval(v) }); n != 0 {
			t.Errorf("%s: %v allocations per Eval, want 0", src, n)
		}
	}
}

func TestEvalNil(t *testing.T) {
	var e *Expr
	if e.Eval(nil) || EvalMap(e, nil) || e.Slots() != nil || e.Names() != nil || e.Warnings() != nil || e.String() != "" {
		t.Error("a nil *Expr is not inert")
	}
	if e := mustCompile(t, "#H['a'] == null"); !e.Eval(nil) {
		t.Error("nil Vars should read every slot as null")
	}
}

func mustCompile(t testing.TB, src string) *Expr {
	t.Helper()
	e, err := Compile(src)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
