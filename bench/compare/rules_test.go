package main

import (
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/rule"
)

// TestGatewayRule: the rules the harness publishes are ones the data plane
// applies (rule.Check is the control plane's own check before it stores a
// rule), with the conditions asked for.
func TestGatewayRule(t *testing.T) {
	for _, n := range []int{2, 50} {
		text := gatewayRule(n)
		if err := rule.Check([]byte(text)); err != nil {
			t.Fatalf("gatewayRule(%d) is refused: %v\n%s", n, err, text)
		}
		r, err := rule.Load([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if issues := rule.Validate(r); len(issues) > 0 {
			t.Errorf("gatewayRule(%d): issues %v", n, issues)
		}
		if got := strings.Count(text, "expression="); got != n {
			t.Errorf("gatewayRule(%d) has %d blue-green conditions", n, got)
		}
		for _, want := range []string{
			`#H['xyz'] == '1.0'" version-id="route-10"`,
			`#H['xyz'] == '1.1'" version-id="route-11"`,
			`version-id="route-10=10;route-11=90"`,
			`<route id="route-10" type="version">{"service-b":"1.0"}</route>`,
			`<route id="route-11" type="version">{"service-b":"1.1"}</route>`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("gatewayRule(%d) lacks %s", n, want)
			}
		}
	}
}

func TestConditions(t *testing.T) {
	cs := conditions(50)
	if len(cs) != 50 {
		t.Fatalf("%d conditions", len(cs))
	}
	seen := map[string]bool{}
	for _, c := range cs[2:] {
		if c.header == pickHeader || seen[c.header] {
			t.Errorf("filler %+v does not have a header of its own", c)
		}
		seen[c.header] = true
	}
	if cs[2] != (condition{"bench-h-0", "v0", oldVersion}) || cs[3] != (condition{"bench-h-1", "v1", newVersion}) {
		t.Errorf("fillers %+v %+v: want bench-h-0 → 1.0, bench-h-1 → 1.1", cs[2], cs[3])
	}
}
