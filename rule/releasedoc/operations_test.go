package releasedoc

import (
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/rule"
)

func TestSampleYAMLGivesDerivedXML(t *testing.T) {
	doc, err := ParseYAML(readFile(t, "testdata/nepxion/sample.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRelease(doc, guideInstances())
	if err != nil {
		t.Fatal(err)
	}
	want := readFile(t, "testdata/nepxion/derived/sample.yaml.expected.xml")
	if got := r.XML(); string(got) != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// Hand-derived from StrategyResourceImpl.createVersionStrategyRelease and
// XmlConfigDeparser (yaml-and-console-api.md §2–§4).
func TestReleaseConversion(t *testing.T) {
	sample := string(readFile(t, "testdata/nepxion/derived/sample.yaml.expected.xml"))
	sampleReset := xmlHead + `    <strategy-release>
        <conditions type="blue-green">
            <condition id="condition-0" expression="#H['xyz'] == '1'" version-id="route-0"/>
            <condition id="condition-1" expression="#H['xyz'] == '2'" version-id="route-1"/>
        </conditions>
        <conditions type="gray">
            <condition id="condition-0" expression="#H['xyz'] == '3'" version-id="route-0=90;route-1=10"/>
            <condition id="condition-1" expression="#H['xyz'] == '4'" version-id="route-0=70;route-1=30"/>
            <condition id="condition-2" version-id="route-0=100;route-1=0"/>
        </conditions>
        <header>{"xyz":"1"}</header>
    </strategy-release>
</rule>`
	threeA := append(guideInstances(), rule.Instance{Service: "discovery-guide-service-a", Version: "1.2", Host: "127.0.0.1", Port: 3003})
	tests := []struct {
		name      string
		base      string // stored rule XML, "" for none
		op        func(base *rule.Rule) (*rule.Rule, error)
		want      string
		wantError string
	}{
		{
			name: "blue first, multi-version sort, default version, basic gray last",
			op: func(base *rule.Rule) (*rule.Rule, error) {
				return CreateRelease(base, mustDoc(t, `service: [svc-c, svc-d, svc-e]
blueGreen:
  - expression: "#H['a'] == '2'"
    route: BLUE
  - expression: "#H['a'] == '1'"
    route: green
gray:
  - weight: [100, 0]
  - expression: "#H['a'] == '3' && #H['b'] < '4'"
    weight: [50, 50]
`), multiInstances())
			},
			want: xmlHead + `    <strategy>
        <version>{"svc-c":"1.0","svc-d":"default","svc-e":"2.0"}</version>
    </strategy>
    <strategy-release>
        <conditions type="blue-green">
            <condition id="condition-1" expression="#H['a'] == '2'" version-id="route-1"/>
            <condition id="condition-0" expression="#H['a'] == '1'" version-id="route-0"/>
        </conditions>
        <conditions type="gray">
            <condition id="condition-1" expression="#H['a'] == '3' &amp;&amp; #H['b'] &lt; '4'" version-id="route-0=50;route-1=50"/>
            <condition id="condition-0" version-id="route-0=100;route-1=0"/>
        </conditions>
        <routes>
            <route id="route-0" type="version">{"svc-c":"1.0","svc-d":"default","svc-e":"2.0"}</route>
            <route id="route-1" type="version">{"svc-c":"1.10;1.2;2.0","svc-d":"1.0","svc-e":"2.0"}</route>
        </routes>
    </strategy-release>
</rule>`,
		},
		{
			name: "sort by time takes the earliest started version as old",
			op: func(base *rule.Rule) (*rule.Rule, error) {
				return CreateRelease(base, mustDoc(t, "service: [svc-f]\ngray:\n  - weight: [80, 20]\nsort: time\n"), multiInstances())
			},
			want: xmlHead + `    <strategy>
        <version>{"svc-f":"2.0"}</version>
    </strategy>
    <strategy-release>
        <conditions type="gray">
            <condition id="condition-0" version-id="route-0=80;route-1=20"/>
        </conditions>
        <routes>
            <route id="route-0" type="version">{"svc-f":"2.0"}</route>
            <route id="route-1" type="version">{"svc-f":"1.5"}</route>
        </routes>
    </strategy-release>
</rule>`,
		},
		{
			name: "create basic after a release keeps the stored conditions and routes",
			base: sample,
			op: func(base *rule.Rule) (*rule.Rule, error) {
				return CreateRelease(base, mustDoc(t, string(readFile(t, "testdata/nepxion/automation/mock-version-release-basic.yaml"))), guideInstances())
			},
			want: sample,
		},
		{
			name: "basic on a stored rule keeps the other elements",
			base: xmlHead + "    <strategy>\n        <region>dev</region>\n    </strategy>\n    <strategy-blacklist>\n        <address>3001</address>\n    </strategy-blacklist>\n</rule>",
			op: func(base *rule.Rule) (*rule.Rule, error) {
				return CreateRelease(base, mustDoc(t, "service: [discovery-guide-service-b]"), guideInstances())
			},
			want: xmlHead + "    <strategy>\n        <version>{\"discovery-guide-service-b\":\"1.0\"}</version>\n    </strategy>\n    <strategy-blacklist>\n        <address>3001</address>\n    </strategy-blacklist>\n</rule>",
		},
		{
			name: "reset removes strategy and routes, keeps conditions and header",
			base: sample,
			op:   func(base *rule.Rule) (*rule.Rule, error) { return ResetRelease(base), nil },
			want: sampleReset,
		},
		{
			name: "clear removes the release",
			base: sample,
			op:   func(base *rule.Rule) (*rule.Rule, error) { return ClearRelease(base), nil },
			want: rule.EmptyXML,
		},
		{
			name: "recreate without condition routes after reset",
			base: sampleReset,
			op: func(base *rule.Rule) (*rule.Rule, error) {
				return RecreateRelease(base, &RecreateDoc{Service: []string{"discovery-guide-service-a", "discovery-guide-service-b"}, Sort: "version"}, threeA)
			},
			want: strings.Replace(sampleReset, "<rule>\n", "<rule>\n    <strategy>\n        <version>{\"discovery-guide-service-a\":\"1.0\",\"discovery-guide-service-b\":\"1.0\"}</version>\n    </strategy>\n", 1),
		},
		{
			name: "recreate with condition routes for the versions online now",
			base: sampleReset,
			op: func(base *rule.Rule) (*rule.Rule, error) {
				doc, err := ParseRecreateYAML(readFile(t, "testdata/nepxion/automation/mock-version-release-2.yaml"))
				if err != nil {
					return nil, err
				}
				return RecreateRelease(base, doc, threeA)
			},
			want: strings.Replace(sample, `"discovery-guide-service-a":"1.1"`, `"discovery-guide-service-a":"1.1;1.2"`, 1),
		},
		{name: "services empty", op: func(*rule.Rule) (*rule.Rule, error) { return ParseRelease(mustDoc(t, "sort: version"), nil) }, wantError: "Services are empty"},
		{name: "no versions", op: func(*rule.Rule) (*rule.Rule, error) { return ParseRelease(mustDoc(t, "service: [x]"), nil) }, wantError: "Service[x] has no versions"},
		{name: "sort invalid", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\nsort: size"), multiInstances())
		}, wantError: "No matched type with value=size"},
		{name: "sort null", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\nsort:"), multiInstances())
		}, wantError: "No matched type with value=null"},
		{name: "one blue-green", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\nblueGreen:\n  - expression: a\n    route: green"), multiInstances())
		}, wantError: "BlueGreens must have two expressions"},
		{name: "empty blue-green expression", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\nblueGreen:\n  - expression: a\n    route: green\n  - route: blue"), multiInstances())
		}, wantError: "BlueGreens must not have empty expressions"},
		{name: "missing route", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\nblueGreen:\n  - expression: a\n    route: green\n  - expression: b"), multiInstances())
		}, wantError: "No matched type with value=null"},
		{name: "both green", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\nblueGreen:\n  - expression: a\n    route: green\n  - expression: b\n    route: Green"), multiInstances())
		}, wantError: "BlueGreens must have one expression with green, another expression with blue"},
		{name: "three gray weights", op: func(*rule.Rule) (*rule.Rule, error) {
			return ParseRelease(mustDoc(t, "service: [svc-e]\ngray:\n  - weight: [1, 2, 97]"), multiInstances())
		}, wantError: "Grays weights must have 2 values"},
		{name: "recreate of hand-written blue-green ids", base: xmlHead + "    <strategy-release>\n        <conditions type=\"blue-green\">\n            <condition id=\"c1\" expression=\"a\"/>\n            <condition id=\"c2\" expression=\"b\"/>\n        </conditions>\n    </strategy-release>\n</rule>",
			op: func(base *rule.Rule) (*rule.Rule, error) {
				return RecreateRelease(base, &RecreateDoc{Service: []string{"svc-e"}, Sort: "version"}, multiInstances())
			}, wantError: "No matched type with value=null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base *rule.Rule
			if tt.base != "" {
				base = mustRule(t, tt.base)
			}
			before := ""
			if base != nil {
				before = string(base.XML())
			}
			got, err := tt.op(base)
			if tt.wantError != "" {
				if err == nil || err.Error() != tt.wantError {
					t.Fatalf("error = %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := string(got.XML()); s != tt.want {
				t.Errorf("got\n%s\nwant\n%s", s, tt.want)
			}
			if base != nil && string(base.XML()) != before {
				t.Error("the operation changed its input rule")
			}
		})
	}
}
