package rule

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./rule -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// vectorRules lists every Nepxion rule vector: the guide's rule files and
// the annotated reference rule in both formats.
func vectorRules(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/nepxion/*.xml")
	if err != nil {
		t.Fatal(err)
	}
	refs, _ := filepath.Glob("testdata/nepxion/reference/*")
	return append(files, refs...)
}

func sameModel(a, b *Rule) bool {
	x, y := *a, *b
	x.warnings, y.warnings = nil, nil
	return reflect.DeepEqual(x, y)
}

func TestGoldenRoundTrip(t *testing.T) {
	for _, file := range vectorRules(t) {
		name := strings.TrimPrefix(filepath.ToSlash(file), "testdata/nepxion/")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Parse(data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			xmlOut, jsonOut := r.XML(), r.JSON()
			base := strings.ReplaceAll(name, "/", "_")
			golden(t, base+".xml", xmlOut)
			golden(t, base+".json", jsonOut)
			for format, out := range map[string][]byte{"xml": xmlOut, "json": jsonOut} {
				again, err := Parse(out)
				if err != nil {
					t.Fatalf("reparse %s: %v", format, err)
				}
				if !sameModel(r, again) {
					t.Errorf("%s round trip changed the model:\n%#v\n%#v", format, r, again)
				}
				if !bytes.Equal(again.XML(), xmlOut) || !bytes.Equal(again.JSON(), jsonOut) {
					t.Errorf("%s round trip is not stable", format)
				}
			}
		})
	}
}

// The reference rule.json is the JSON twin of rule.xml: writing either must
// give rule.json byte for byte.
func TestReferenceJSONTwin(t *testing.T) {
	want, err := os.ReadFile("testdata/nepxion/reference/rule.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"rule.xml", "rule.json"} {
		data, _ := os.ReadFile("testdata/nepxion/reference/" + src)
		r, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.JSON(); !bytes.Equal(got, want) {
			t.Errorf("%s: JSON() differs from rule.json:\n%s", src, got)
		}
	}
}
