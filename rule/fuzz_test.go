package rule

import (
	"bytes"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/internal/budgettest"
)

// Seeds come from testdata/fuzz/<Fuzz name>/ (committed), the vectors, and
// the hostile shapes of issue 8 below. Every input must be read (accepted
// or refused) within budgettest.Fuzz.

// hostileRules are rule texts beyond a budget in every way issue 8 found.
func hostileRules() []string {
	return []string{
		"<rule>" + budgettest.Nested("<a>", "</a>", 200) + "</rule>",
		"<rule>" + strings.Repeat("<a/>", 10001) + "</rule>",
		"<rule " + budgettest.ManyKeys(300, `a%d="1" `) + "/>",
		"<rule><strategy><version>" + strings.Repeat("1", 70000) + "</version></strategy></rule>",
		"<rule><strategy-release><header>" + budgettest.Nested("[", "]", 100) + "</header></strategy-release></rule>",
		`<rule><strategy-release><conditions type="gray"><condition id="c" expression="#H['a'] matches '` + budgettest.RepeatBomb + `'" version-id="r=100"/></conditions></strategy-release></rule>`,
		`{"parameterEntity":` + budgettest.Nested("[", "]", 200) + `}`,
		strings.Repeat(`{"a":`, 100) + "null" + strings.Repeat("}", 100),
		"{" + strings.TrimSuffix(budgettest.ManyKeys(10001, `"k%d":0,`), ",") + "}",
		`{"strategyEntity":{"versionValue":"` + strings.Repeat("1", 70000) + `"}}`,
	}
}

func FuzzParseXML(f *testing.F) {
	f.Add([]byte(EmptyXML))
	for _, s := range hostileRules() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r *Rule
		var err error
		budgettest.Fuzz(t, func() { r, err = ParseXML(data) })
		if err != nil {
			return
		}
		budgettest.Fuzz(t, func() { checkRule(t, r) })
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte("{}"))
	for _, s := range hostileRules() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r *Rule
		var err error
		budgettest.Fuzz(t, func() { r, err = ParseJSON(data) })
		if err != nil {
			return
		}
		budgettest.Fuzz(t, func() { checkRule(t, r) })
	})
}

// FuzzLoad: what both planes call on stored text stays within the budget.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(runtimeGray))
	for _, s := range hostileRules() {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		budgettest.Fuzz(t, func() { _ = Check(data) })
	})
}

// checkRule asserts what holds for every parsed rule: both writers produce
// text that parses back, and writing again converges after one pass (like
// Nepxion, an element left empty, e.g. <discovery><version/></discovery>,
// is written once and dropped the next time); validation, compilation and a
// decision do not panic.
func checkRule(t *testing.T, r *Rule) {
	t.Helper()
	for _, f := range []struct {
		name  string
		write func(*Rule) []byte
		parse func([]byte) (*Rule, error)
	}{{"XML", (*Rule).XML, ParseXML}, {"JSON", (*Rule).JSON, ParseJSON}} {
		out := f.write(r)
		again, err := f.parse(out)
		if err != nil {
			t.Fatalf("written %s does not parse: %v\n%s", f.name, err, out)
		}
		second := f.write(again)
		third, err := f.parse(second)
		if err != nil {
			t.Fatalf("rewritten %s does not parse: %v\n%s", f.name, err, second)
		}
		if !bytes.Equal(f.write(third), second) {
			t.Fatalf("%s does not converge:\n%s\n%s", f.name, second, f.write(third))
		}
	}
	_ = Validate(r)
	if c, err := Compile(r); err == nil {
		d := c.Decide(MapRequest{Headers: map[string]string{"a": "1"}}, nil)
		h := &Hop{Rule: c, Routes: d.Routes, Provider: "svc-a", Self: &Instance{Service: "gw"}}
		_, _ = Select(h, []Instance{{Service: "svc-a", Version: "1.0", Host: "10.0.0.1", Port: 1}, {Service: "svc-a", Host: "10.0.0.2", Port: 2}}, nil)
	}
}
