package releasedoc

import (
	"bytes"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/internal/budgettest"
	"github.com/switchyard-io/switchyard/rule"
)

// Seeds come from testdata/fuzz/FuzzParseReleaseDoc/ (committed) and the
// hostile shapes of issue 8 below. Every input must be read (accepted or
// refused) within budgettest.Fuzz.

func FuzzParseReleaseDoc(f *testing.F) {
	f.Add([]byte("service: [svc-a]\ngray:\n  - weight: [90, 10]\n"), false)
	for _, s := range []string{aliasBomb(8, 9, "seq"), aliasBomb(6, 9, "map"), aliasBomb(7, 9, "mixed"), aliasBombUnder(8),
		"a: &a [x, *a]\n", "service: " + budgettest.Nested("[", "]", 100), "service:\n" + strings.Repeat("- ", 70) + "x\n"} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte(`{"service":`+budgettest.Nested("[", "]", 100)+`}`), true)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		parse := ParseYAML
		if isJSON {
			parse = ParseJSON
		}
		var doc *Doc
		var err error
		budgettest.Fuzz(t, func() { doc, err = parse(data) })
		if err != nil {
			budgettest.Fuzz(t, func() { _, _ = ParseRecreateYAML(data) })
			return
		}
		_ = doc.ValidateConsole("gw")
		instances := []rule.Instance{{Service: "svc-a", Version: "1.0", Host: "h", Port: 1}, {Service: "svc-a", Version: "1.1", Host: "h", Port: 2}}
		r, err := ParseRelease(doc, instances)
		if err == nil {
			checkRule(t, r)
		}
		if len(doc.YAML()) > limits.DocumentBytes {
			return // written larger than a document may be (YAML quotes what JSON did not)
		}
		back, err := ParseYAML(doc.YAML())
		if err != nil {
			t.Fatalf("written YAML does not parse: %v\n%s", err, doc.YAML())
		}
		if !bytes.Equal(back.JSON(), doc.JSON()) {
			t.Fatalf("YAML round trip changed the document:\n%s\n%s", doc.JSON(), back.JSON())
		}
	})
}

// checkRule asserts what holds for every rule a document produces: both
// writers produce text that parses back, and writing again converges after
// one pass; validation, compilation and a decision do not panic.
func checkRule(t *testing.T, r *rule.Rule) {
	t.Helper()
	for _, f := range []struct {
		name  string
		write func(*rule.Rule) []byte
		parse func([]byte) (*rule.Rule, error)
	}{{"XML", (*rule.Rule).XML, rule.ParseXML}, {"JSON", (*rule.Rule).JSON, rule.ParseJSON}} {
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
	_ = rule.Validate(r)
	if c, err := rule.Compile(r); err == nil {
		d := c.Decide(rule.MapRequest{Headers: map[string]string{"a": "1"}}, nil)
		h := &rule.Hop{Rule: c, Routes: d.Routes, Provider: "svc-a", Self: &rule.Instance{Service: "gw"}}
		_, _ = rule.Select(h, []rule.Instance{{Service: "svc-a", Version: "1.0", Host: "10.0.0.1", Port: 1}, {Service: "svc-a", Host: "10.0.0.2", Port: 2}}, nil)
	}
}
