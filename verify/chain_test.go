package verify

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

func inspectorVector(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "nepxion", "inspector", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReadTheRealInspectorResult: Nepxion's own result string (PluginInfoTest)
// reduces to the hand-derived extractAll vector, reads into its three hops
// with their tags, and counts as the simulator counts it (the entry left
// out).
func TestReadTheRealInspectorResult(t *testing.T) {
	all := inspectorVector(t, "plugin-info-result-all.txt")
	if got, want := extractAll(all, []string{"ID", "V", "ABC"}), strings.TrimSpace(inspectorVector(t, "extract-all-ID_V_ABC.expected.txt")); got != want {
		t.Fatalf("extractAll = %q\nwant %q", got, want)
	}
	if extractAll(all, nil) != all {
		t.Fatal("no filter must leave the result as it is")
	}
	hops := hopsOf(all)
	var list []map[string]string
	for _, h := range hops {
		list = append(list, map[string]string{"ID": h.Tags["ID"], "V": h.Tags["V"]})
	}
	b, _ := json.Marshal(list)
	if want := strings.TrimSpace(inspectorVector(t, "assemble-all-ID_V_ABC.expected.json")); string(b) != want {
		t.Fatalf("hops = %s\nwant %s", b, want)
	}
	if hops[1].Tags["SID"] != "96fcc77d7d5e7767" || hops[2].Tags["H"] != "192.168.31.237:4001" || len(hops[0].Tags) != 13 {
		t.Fatalf("tags = %v", hops[0].Tags)
	}
	if got := versionKeys(all); strings.Join(got, ",") != svcA+"@@1.0,"+svcB+"@@1.0" {
		t.Fatalf("versionKeys = %v", got)
	}
}

// TestExtractMap: DiscoveryExpressionResolver.extractMap's quoted tokens.
func TestExtractMap(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"#H['xyz'] == '1'", "xyz=1"},
		{"#H['a'] == '1' and #H['b'] == '2'", "a=1;b=2"},
		{"#H[' a '] == ' 1 '", "a=1"},
		{`#H['a'] == "x'y" and #H['b'] == '2'`, "a=b"},
		{"#H['a'] == '1' or #H['a'] == '2'", "a=2"},
		{"#H['only']", ""},
		{"no quotes", ""},
	} {
		var parts []string
		for _, h := range extractMap(tc.expr) {
			parts = append(parts, h.Name+"="+h.Value)
		}
		if got := strings.Join(parts, ";"); got != tc.want {
			t.Errorf("extractMap(%q) = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

func sidesOf() *sides {
	return newSides([]switchyard.ServiceSides{{Service: svcA, All: []string{"1.0", "1.1"}, Old: []string{"1.0"}, New: []string{"1.1"}},
		{Service: svcB, All: []string{"1.0", "1.1"}, Old: []string{"1.0"}, New: []string{"1.1"}}})
}

func chainOf(a, b string) string {
	return "[ID=" + gwID + "][V=1.0] -> [ID=" + svcA + "][V=" + a + "] -> [ID=" + svcB + "][V=" + b + "]"
}

// TestAssertions: what each of DiscoveryTool's checks accepts and refuses,
// with the counts it reports.
func TestAssertions(t *testing.T) {
	failed := func(as []switchyard.Assertion) []string {
		var out []string
		for _, a := range as {
			if !a.Passed {
				out = append(out, a.Name+" "+a.Actual)
			}
		}
		return out
	}
	feed := func(isolation bool, chains map[[2]string]int) *counter {
		c := newCounter(sidesOf(), isolation)
		for ch, n := range chains {
			for i := 0; i < n; i++ {
				c.add(chainOf(ch[0], ch[1]))
			}
		}
		return c
	}
	// normal: every version at least once.
	if f := failed(feed(false, map[[2]string]int{{"1.0", "1.0"}: 5, {"1.1", "1.1"}: 5}).assertNormal()); len(f) != 0 {
		t.Errorf("normal, all hit: %v", f)
	}
	if f := failed(feed(false, map[[2]string]int{{"1.0", "1.0"}: 10}).assertNormal()); len(f) != 2 {
		t.Errorf("normal, new never hit: %v", f)
	}
	// basic: old only, chains isolated.
	if f := failed(feed(true, map[[2]string]int{{"1.0", "1.0"}: 10}).assertSide("basic.side", "old")); len(f) != 0 {
		t.Errorf("basic, old only: %v", f)
	}
	f := failed(feed(true, map[[2]string]int{{"1.0", "1.0"}: 8, {"1.0", "1.1"}: 2}).assertSide("basic.side", "old"))
	if fmt.Sprint(f) != "[basic.side 2 hits isolation 2 of 10 samples crossed, e.g. "+svcA+"@@1.0 -> "+svcB+"@@1.1]" {
		t.Errorf("basic, b on new twice: %v", f)
	}
	if f := failed(feed(true, map[[2]string]int{{"1.1", "1.1"}: 10}).assertSide("bluegreen.side", "new")); len(f) != 0 {
		t.Errorf("blue, new only: %v", f)
	}
	// gray: equal counts along the chain, shares strictly within the offset.
	g := feed(true, map[[2]string]int{{"1.0", "1.0"}: 90, {"1.1", "1.1"}: 10})
	if as, shares := g.assertGray([2]int{90, 10}, 5, 100); len(failed(as)) != 0 || shares != [2]float64{90, 10} {
		t.Errorf("gray 90/10: %v %v", failed(as), shares)
	}
	if as, _ := g.assertGray([2]int{95, 5}, 5, 100); fmt.Sprint(failed(as)) != "[gray.weight.old 90% gray.weight.new 10%]" {
		t.Errorf("gray 90/10 against 95/5 (strict bound): %v", failed(as))
	}
	crossed := feed(true, map[[2]string]int{{"1.0", "1.0"}: 85, {"1.0", "1.1"}: 5, {"1.1", "1.1"}: 10})
	if as, _ := crossed.assertGray([2]int{90, 10}, 10, 100); fmt.Sprint(failed(as)) != "[gray.equal.old 85 gray.equal.new 15 isolation 5 of 100 samples crossed, e.g. "+svcA+"@@1.0 -> "+svcB+"@@1.1]" {
		t.Errorf("gray, crossed chains: %v", failed(as))
	}
}
