package rule

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCompileLoadedAgreesWithCompile: for every pair of Nepxion's sample
// rules as partial and global, CompileLoaded (the data plane's apply path,
// which does not validate again) accepts exactly what Compile of the
// assembled rule accepts, and compiles the same rule. It holds because
// validation looks at one top-level element at a time and Assemble picks
// whole elements; a check that crossed elements would break it here.
func TestCompileLoadedAgreesWithCompile(t *testing.T) {
	files, err := filepath.Glob("testdata/nepxion/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample rules: %v", err)
	}
	var rules []*Rule
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Load(b)
		if err != nil {
			continue // CompileLoaded only ever sees rules Load accepted
		}
		rules = append(rules, r)
	}
	if len(rules) < 10 {
		t.Fatalf("only %d of %d sample rules load", len(rules), len(files))
	}
	rules = append(rules, nil) // no rule at one of the keys
	for i, p := range rules {
		for j, g := range rules {
			loaded, errL := CompileLoaded(p, g)
			full, errC := Compile(Assemble(p, g))
			if (errL == nil) != (errC == nil) {
				t.Fatalf("partial %d, global %d: CompileLoaded err %v, Compile err %v", i, j, errL, errC)
			}
			if errL == nil && len(loaded.exprs) != len(full.exprs) {
				t.Errorf("partial %d, global %d: %d expressions compiled, Compile has %d", i, j, len(loaded.exprs), len(full.exprs))
			}
		}
	}
}
