package rule

import (
	"bytes"
	"testing"
)

// Seeds come from testdata/fuzz/<Fuzz name>/ (committed) plus the vectors.

func FuzzParseXML(f *testing.F) {
	f.Add([]byte(EmptyXML))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseXML(data)
		if err != nil {
			return
		}
		checkRule(t, r)
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseJSON(data)
		if err != nil {
			return
		}
		checkRule(t, r)
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

func FuzzParseReleaseDoc(f *testing.F) {
	f.Add([]byte("service: [svc-a]\ngray:\n  - weight: [90, 10]\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, isJSON bool) {
		parse := ParseReleaseYAML
		if isJSON {
			parse = ParseReleaseJSON
		}
		doc, err := parse(data)
		if err != nil {
			_, _ = ParseRecreateYAML(data)
			return
		}
		_ = doc.ValidateConsole("gw")
		instances := []Instance{{Service: "svc-a", Version: "1.0", Host: "h", Port: 1}, {Service: "svc-a", Version: "1.1", Host: "h", Port: 2}}
		r, err := ParseRelease(doc, instances)
		if err == nil {
			checkRule(t, r)
		}
		back, err := ParseReleaseYAML(doc.YAML())
		if err != nil {
			t.Fatalf("written YAML does not parse: %v\n%s", err, doc.YAML())
		}
		if !bytes.Equal(back.JSON(), doc.JSON()) {
			t.Fatalf("YAML round trip changed the document:\n%s\n%s", doc.JSON(), back.JSON())
		}
	})
}
