package verify

import (
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestParseTheShippedConditions: DiscoveryTool's two application.properties
// (UTF-8 BOM, Chinese comments, commented-out defaults) give its values and
// defaults.
func TestParseTheShippedConditions(t *testing.T) {
	ic, err := ParseInspectionConditions([]byte(vector(t, "inspector/application.properties")), FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	if ic.InspectURL != "http://localhost:5001/discovery-guide-service-a/inspector/inspect" || ic.ContextService != svcA || ic.SampleCount != 10 ||
		strings.Join(ic.ResultFilter, ",") != "ID,V" || ic.Debug {
		t.Fatalf("inspector conditions = %+v", ic)
	}
	sc, g, s, err := ParseSimulationConditions([]byte(vector(t, "simulator/application.properties")), FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	if g != group || s != gwID || sc.ConsoleURL != "http://localhost:6001" || sc.AwaitMillis != 5000 || sc.LoopCount != 1 || sc.BlueGreenCount != 100 ||
		sc.GrayCount != 1000 || sc.GrayOffset != 5 || sc.VersionPrefer || !sc.SecondReleaseEnabled() || sc.InspectURL == "" || sc.ContextService != svcA {
		t.Fatalf("simulator conditions = %+v %s %s", sc, g, s)
	}
}

// TestParseConditionsForms: properties syntax (separators, continuation,
// escapes) and the YAML form (nested and dotted keys) read the same.
func TestParseConditionsForms(t *testing.T) {
	props := "! comment\n  testcase.sample.count : 25\ntestcase.result.filter=ID,\\\n   V,H\ntestcase.inspect.context.service  discovery-guide-service-\\u0061\n"
	c, err := ParseInspectionConditions([]byte(props), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.SampleCount != 25 || strings.Join(c.ResultFilter, ",") != "ID,V,H" || c.ContextService != svcA {
		t.Fatalf("properties = %+v", c)
	}
	yml := "testcase:\n  sample:\n    count: 25\n  result.filter: ID,V,H\n  inspect:\n    context:\n      service: discovery-guide-service-a\n    url: ~\n"
	y, err := ParseInspectionConditions([]byte(yml), FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	if y.SampleCount != 25 || strings.Join(y.ResultFilter, ",") != "ID,V,H" || y.ContextService != svcA || y.InspectURL != "" {
		t.Fatalf("yaml = %+v", y)
	}
}

// TestParseConditionsRefusals: every mistake is refused naming the key (or
// the field) with a reason key.
func TestParseConditionsRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, text, format, field, reason string
	}{
		{"unknown key", "testcase.sample.cuont=5\n", "", "testcase.sample.cuont", "verify.conditions.unknown"},
		{"twice", "testcase.sample.count=5\ntestcase.sample.count=6\n", "", "testcase.sample.count", "verify.conditions.duplicate"},
		{"not a number", "testcase.sample.count=ten\n", "", "testcase.sample.count", "verify.conditions.integer"},
		{"out of range", "testcase.sample.count=0\n", "", "testcase.sample.count", "verify.conditions.range"},
		{"too many", "testcase.sample.count=1000000\n", "", "testcase.sample.count", "verify.conditions.range"},
		{"not a boolean", "testcase.debug.enabled=yes\n", "", "testcase.debug.enabled", "verify.conditions.boolean"},
		{"unknown tag", "testcase.result.filter=ID,VERSION\n", "", "testcase.result.filter", "verify.conditions.filter"},
		{"space in filter", "testcase.result.filter=ID, V\n", "", "testcase.result.filter", "verify.conditions.filter"},
		{"not an inspector URL", "testcase.inspect.url=http://localhost:5001/a/invoke\n", "", "testcase.inspect.url", "verify.conditions.url"},
		{"credentials", "testcase.inspect.url=http://u:p@localhost:5001/inspector/inspect\n", "", "testcase.inspect.url", "verify.conditions.url"},
		{"file URL", "testcase.inspect.url=file:///etc/inspector/inspect\n", "", "testcase.inspect.url", "verify.conditions.url"},
		{"upper-case service", "testcase.inspect.context.service=Svc\n", "", "testcase.inspect.context.service", "verify.service.invalid"},
		{"yaml list", "testcase:\n  sample:\n    count: [1, 2]\n", FormatYAML, "testcase.sample.count", "verify.conditions.list"},
		{"yaml alias", "a: &x 1\ntestcase:\n  sample:\n    count: *x\n", FormatYAML, "a", "verify.conditions.alias"},
		{"yaml merge", "testcase:\n  <<: {a: 1}\n", FormatYAML, "testcase", "verify.conditions.merge"},
		{"yaml twice", "testcase.sample.count: 1\ntestcase:\n  sample:\n    count: 2\n", FormatYAML, "testcase.sample.count", "verify.conditions.duplicate"},
		{"yaml scalar", "just words\n", FormatYAML, "", "verify.conditions.syntax"},
		{"format", "x=1", "json", "conditionsFormat", "verify.conditions.format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseInspectionConditions([]byte(tc.text), tc.format)
			e := switchyard.AsError(err)
			if e == nil || e.Code != switchyard.CodeInvalid || e.Field != tc.field || e.Reason != tc.reason || !strings.Contains(e.Message, tc.field) {
				t.Fatalf("got %v (%+v), want field %q reason %q", err, e, tc.field, tc.reason)
			}
		})
	}
	_, _, _, err := ParseSimulationConditions([]byte("testcase.gray.weight.offset=0\n"), "")
	if e := switchyard.AsError(err); e == nil || e.Field != "testcase.gray.weight.offset" {
		t.Fatalf("offset 0: %v", err)
	}
}

// TestParseInspectStrategy: mock-inspector.yaml reads; conditions, an empty
// service list, unknown keys and headers HTTP cannot send are refused.
func TestParseInspectStrategy(t *testing.T) {
	s, err := ParseInspectStrategy(vector(t, "inspector/mock-inspector.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Services, ",") != svcA+","+svcB || len(s.Header) != 1 || s.Header[0] != (Header{"xyz", "1"}) {
		t.Fatalf("strategy = %+v", s)
	}
	for _, tc := range []struct{ text, field, reason string }{
		{"service: [a]\nheadr: {x: 1}\n", "strategy.headr", "release.field.unknown"},
		{"header: {x: 1}\n", "strategy.service", "verify.service.empty"},
		{"service: [a]\nblueGreen:\n  - expression: \"#H['a'] == '1'\"\n    route: green\n", "strategy.blueGreen", "verify.strategy.conditions"},
		{"service: [a]\nheader: {\"x y\": 1}\n", "strategy.header.x y", "verify.header.name"},
		{"service: [a]\nheader: {Host: evil}\n", "strategy.header.Host", "verify.header.reserved"},
		{"service: [a]\nheader: {x: \"a\\nb\"}\n", "strategy.header.x", "verify.header.value"},
	} {
		_, err := ParseInspectStrategy(tc.text)
		if e := switchyard.AsError(err); e == nil || e.Field != tc.field || e.Reason != tc.reason {
			t.Errorf("%q: %v (%+v), want %s %s", tc.text, err, e, tc.field, tc.reason)
		}
	}
}

// TestParseSimulationDocs: the three automation documents read; a mixed
// release with a gray basic condition is refused with Nepxion's message; a
// document's error is located under its name.
func TestParseSimulationDocs(t *testing.T) {
	basic, r1, r2 := vector(t, "simulator/mock-version-release-basic.yaml"), vector(t, "simulator/mock-version-release-1.yaml"), vector(t, "simulator/mock-version-release-2.yaml")
	d, err := ParseSimulationDocs(basic, r1, r2, gwID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Release1.BlueGreen) != 2 || len(d.Release1.Gray) != 2 || !d.Release2.Condition || len(d.BasicRecreate.Service) != 2 {
		t.Fatalf("docs = %+v", d)
	}
	mixed := strings.Replace(r1, "#H['xyz'] == '4'", "", 1)
	_, err = ParseSimulationDocs(basic, mixed, r2, gwID)
	if e := switchyard.AsError(err); e == nil || e.Field != "release1.gray[1].expression" || !strings.Contains(e.Message, "灰度兜底策略不允许配置") {
		t.Fatalf("mixed with a basic gray: %v", err)
	}
	_, err = ParseSimulationDocs(basic, strings.Replace(r1, "route: blue", "route: red", 1), r2, gwID)
	if e := switchyard.AsError(err); e == nil || !strings.HasPrefix(e.Field, "release1.blueGreen[1]") {
		t.Fatalf("a red route: %v (%+v)", err, e)
	}
	_, err = ParseSimulationDocs(basic, r1, "service: [a]\ncondition: maybe\n", gwID)
	if e := switchyard.AsError(err); e == nil || e.Field != "release2.condition" {
		t.Fatalf("condition maybe: %v", err)
	}
	_, err = ParseSimulationDocs(basic, strings.Replace(r1, svcA, gwID, 1), r2, gwID)
	if e := switchyard.AsError(err); e == nil || !strings.HasPrefix(e.Field, "release1.service") {
		t.Fatalf("the entry app among the services: %v", err)
	}
}

// TestNepxionBodies: DiscoveryTool's bodies split at ten dashes like
// splitByWholeSeparator; a wrong part count answers Nepxion's message; the
// simulator's test config must name the key.
func TestNepxionBodies(t *testing.T) {
	if got := SplitParts("----------a\n----------\n--------------------b----------"); len(got) != 3 || got[0] != "a\n" || got[1] != "\n" || got[2] != "b" {
		t.Fatalf("SplitParts = %q", got)
	}
	in, err := ParseNepxionInspection(vector(t, "inspector/application.properties")+"\n----------\n"+vector(t, "inspector/mock-inspector.yaml"), FormatProperties)
	if err != nil || in.Conditions.SampleCount != 10 || !strings.HasPrefix(in.Strategy, "service:") {
		t.Fatalf("inspection body: %+v, %v", in, err)
	}
	_, err = ParseNepxionInspection("testcase.sample.count=1", FormatProperties)
	if e := switchyard.AsError(err); e == nil || e.Message != "Test config must consists of 2 parts" {
		t.Fatalf("one part: %v", err)
	}
	body := strings.Join([]string{vector(t, "simulator/application.properties"), vector(t, "simulator/mock-version-release-basic.yaml"),
		vector(t, "simulator/mock-version-release-1.yaml"), vector(t, "simulator/mock-version-release-2.yaml")}, "\n----------\n")
	s, err := ParseNepxionSimulation(body, FormatProperties)
	if err != nil || s.Group != group || s.Service != gwID || !strings.Contains(s.Release1, "blueGreen") {
		t.Fatalf("simulation body: %+v, %v", s, err)
	}
	_, err = ParseNepxionSimulation(strings.Replace(body, "testcase.group=", "# testcase.group=", 1), FormatProperties)
	if e := switchyard.AsError(err); e == nil || e.Field != "testcase.group" {
		t.Fatalf("without testcase.group: %v", err)
	}
	_, err = ParseNepxionSimulation(body+"\n----------\nmore", FormatProperties)
	if e := switchyard.AsError(err); e == nil || e.Message != "Test config must consists of 4 parts" {
		t.Fatalf("five parts: %v", err)
	}
	yml := "testcase:\n  group: " + group + "\n  service: " + gwID + "\n  inspect:\n    url: http://localhost:5001/discovery-guide-service-a/inspector/inspect\n"
	ys, err := ParseNepxionSimulation(yml+strings.SplitN(body, "----------", 2)[1][0:0]+"----------\n"+strings.SplitN(body, "----------", 2)[1], FormatYAML)
	if err != nil || ys.Group != group || ys.Conditions.InspectURL == "" {
		t.Fatalf("YAML test config: %+v, %v", ys, err)
	}
}
