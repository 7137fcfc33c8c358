package workflow

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[a-zA-Z]+\}`)

// TestCatalogComplete: every key has an English and a 简体中文 text with the
// same placeholders, and every key the package's code names literally
// (Msg, Nest, msgWith) is in the catalog, as are the keys it builds (the
// metrics' names, the breach kinds).
func TestCatalogComplete(t *testing.T) {
	for key, texts := range catalog {
		en, zh := texts[0], texts[1]
		if strings.TrimSpace(en) == "" || strings.TrimSpace(zh) == "" {
			t.Errorf("%s: en %q, zh %q: both languages are needed", key, en, zh)
			continue
		}
		pe, pz := placeholders(en), placeholders(zh)
		if !slices.Equal(pe, pz) {
			t.Errorf("%s: placeholders en %v, zh %v", key, pe, pz)
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			fn, ok := call.Fun.(*ast.Ident)
			if !ok || (fn.Name != "Msg" && fn.Name != "Nest" && fn.Name != "msgWith") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			used++
			if _, ok := catalog[key]; !ok {
				t.Errorf("%s: key %q is not in the catalog", fset.Position(lit.Pos()), key)
			}
			return true
		})
	}
	if used < 100 {
		t.Fatalf("found only %d message keys in the code: the scan is broken", used)
	}
	for _, d := range metricDefs {
		for _, key := range []string{"metric." + d.name} {
			if _, ok := catalog[key]; !ok {
				t.Errorf("built key %q is not in the catalog", key)
			}
		}
	}
	for _, kind := range []string{"min", "max", "below", "above", "ratio"} {
		if _, ok := catalog["monitor.breach."+kind]; !ok {
			t.Errorf("built key monitor.breach.%s is not in the catalog", kind)
		}
	}
}

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// TestSeedLinesWordForWord: the seed's execution log, rendered in 简体中文.
func TestSeedLinesWordForWord(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want string
	}{
		{Render(Msg("shift.start", "to", "50"), "zh"), "开始流量切换至50%"},
		{Render(Msg("shift.move", "weight", "40"), "zh"), "流量切换至40%"},
		{Render(Msg("shift.done.monitor"), "zh"), "流量切换完成，开始监控观察"},
		{Render(Msg("summary.passed"), "zh"), "通过"},
		{Render(Msg("summary.succeeded"), "zh"), "成功"},
		{Render(Msg("summary.normal"), "zh"), "正常"},
	} {
		if tc.msg != tc.want {
			t.Errorf("%q, want %q", tc.msg, tc.want)
		}
	}
}
