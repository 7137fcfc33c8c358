package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectors are Nepxion's rules; docVectors its release documents and the
// rules derived from them.
const (
	vectors    = "../../rule/testdata/nepxion/"
	docVectors = "../../rule/releasedoc/testdata/nepxion/"
)

func runRule(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"rule"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const guideInstancesJSON = `[
 {"service":"discovery-guide-service-a","version":"1.0","host":"127.0.0.1","port":3001,"region":"dev","env":"env1","zone":"zone1","group":"discovery-guide-group","startTime":"2024-01-01T10:00:00Z","metadata":{}},
 {"service":"discovery-guide-service-a","version":"1.1","host":"127.0.0.1","port":3002,"region":"qa","env":"common","zone":"zone2","group":"discovery-guide-group","startTime":"2024-01-01T11:00:00Z","metadata":{}},
 {"service":"discovery-guide-service-b","version":"1.0","host":"127.0.0.1","port":4001,"region":"qa","env":"env1","zone":"zone1","group":"discovery-guide-group","startTime":"2024-01-01T10:00:00Z","metadata":{}},
 {"service":"discovery-guide-service-b","version":"1.1","host":"127.0.0.1","port":4002,"region":"dev","env":"common","zone":"zone2","group":"discovery-guide-group","startTime":"2024-01-01T11:00:00Z","metadata":{}}
]`

func TestRuleCommands(t *testing.T) {
	instances := writeTemp(t, "instances.json", guideInstancesJSON)
	sampleXML, err := os.ReadFile(docVectors + "derived/sample.yaml.expected.xml")
	if err != nil {
		t.Fatal(err)
	}
	typeRef := writeTemp(t, "t.yaml", "service: [discovery-guide-service-a]\ngray:\n  - expression: \"T(java.lang.Runtime).getRuntime().exec('id') != null\"\n    weight: [90, 10]")
	methodCall := writeTemp(t, "m.yaml", "service: [discovery-guide-service-a]\nblueGreen:\n  - expression: \"#H['a'].getClass() == 'x'\"\n    route: green\n  - expression: \"#H['a'] == 'b'\"\n    route: blue")
	badBase := `<rule><strategy-release><conditions type="gray"><condition id="condition-0" expression="T(java.lang.Runtime) != null" version-id="route-0=90;route-1=10"/></conditions></strategy-release></rule>`
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     string // substring of stdout (code 0) or stderr
	}{
		{"validate a vector", []string{"validate", vectors + "discovery-strategy-all.xml"}, 0, "discovery-strategy-all.xml: valid"},
		{"validate reports unknown elements as warnings", []string{"validate", writeTemp(t, "r.xml", "<rule><strategy-customization/></rule>")}, 0, "warning: rule/strategy-customization: unknown element[strategy-customization] is ignored"},
		{"validate refuses a duplicate element", []string{"validate", writeTemp(t, "d.xml", "<rule><strategy/><strategy/></rule>")}, 1, "rule/strategy: Allow only one element[strategy] to be configed"},
		{"validate refuses an unknown route id", []string{"validate", writeTemp(t, "u.xml", `<rule><strategy-release><conditions type="blue-green"><condition id="c" expression="#H['a'] == '1'" version-id="nope"/></conditions><routes><route id="r" type="version">1.0</route></routes></strategy-release></rule>`)}, 1, "route[nope] of type version is not defined in <routes>"},
		{"convert to json", []string{"convert", vectors + "reference/rule.xml", "--to", "json"}, 0, `"strategyFailoverEntity": {`},
		{"convert to xml", []string{"convert", vectors + "reference/rule.json", "--to", "xml"}, 0, "<strategy-failover>"},
		{"convert bad format", []string{"convert", vectors + "reference/rule.json", "--to", "yaml"}, 1, "--to must be xml or json"},
		{"release-doc sample", []string{"release-doc", docVectors + "sample.yaml", "--instances", instances}, 0, string(sampleXML)},
		{"release-doc recreate", []string{"release-doc", docVectors + "automation/mock-version-release-2.yaml", "--instances", instances, "--base", writeTemp(t, "base.xml", string(sampleXML))}, 0, `<route id="route-1" type="version">{"discovery-guide-service-a":"1.1","discovery-guide-service-b":"1.1"}</route>`},
		{"release-doc json", []string{"release-doc", writeTemp(t, "doc.json", `{"service":["discovery-guide-service-b"],"gray":[{"weight":[90,10]}],"sort":"time"}`), "--instances", instances}, 0, `version-id="route-0=90;route-1=10"`},
		{"release-doc Nepxion error", []string{"release-doc", writeTemp(t, "e.yaml", "service: [nope]"), "--instances", instances}, 1, "Service[nope] has no versions"},
		{"release-doc strict", []string{"release-doc", writeTemp(t, "s.yaml", "service: [discovery-guide-service-a]\ngray:\n  - weight: [90, 20]"), "--instances", instances, "--strict"}, 1, "gray[0].weight: gray[0].weight must add up to 100, found 90+20"},
		{"release-doc refuses a type reference", []string{"release-doc", typeRef, "--instances", instances}, 1, "type references T(...) are not supported"},
		{"release-doc refuses a type reference with --strict", []string{"release-doc", typeRef, "--instances", instances, "--strict"}, 1, "type references T(...) are not supported"},
		{"release-doc refuses a method call", []string{"release-doc", methodCall, "--instances", instances}, 1, "method call .getClass(...) is not supported"},
		{"release-doc refuses a method call with --strict", []string{"release-doc", methodCall, "--instances", instances, "--strict"}, 1, "method call .getClass(...) is not supported"},
		{"release-doc refuses a type reference in a recreated rule", []string{"release-doc", writeTemp(t, "re.yaml", "service: [discovery-guide-service-a]\ncondition: true"), "--instances", instances, "--base", writeTemp(t, "bad.xml", badBase)}, 1, "type references T(...) are not supported"},
		{"release-doc unknown key", []string{"release-doc", writeTemp(t, "k.yaml", "services: [a]"), "--instances", instances}, 1, "Unable to find property 'services'"},
		{"explain", []string{"explain", vectors + "discovery-strategy-blue-green.xml", "--service", "discovery-guide-service-a", "--header", "a=1"}, 0, "blue-green condition[condition1] (its expression matched) → route[version-route2]"},
		{"explain bad pair", []string{"explain", vectors + "discovery-strategy-blue-green.xml", "--header", "a"}, 1, `--header "a": want name=value`},
		{"missing file", []string{"validate", "nope.xml"}, 1, "nope.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runRule(t, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			got := out
			if code != 0 {
				got = errOut
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("output does not contain %q:\n%s", tt.want, got)
			}
		})
	}
}
