package releasedoc

import (
	"os"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/rule"
)

// guideInstances is the DiscoveryGuide fixture (test-cases.md §1.1).
func guideInstances() []rule.Instance {
	return []rule.Instance{
		{Service: "discovery-guide-service-a", Version: "1.0", Region: "dev", Env: "env1", Zone: "zone1", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 3001, Active: true},
		{Service: "discovery-guide-service-a", Version: "1.1", Region: "qa", Env: "common", Zone: "zone2", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 3002, Active: true},
		{Service: "discovery-guide-service-b", Version: "1.0", Region: "qa", Env: "env1", Zone: "zone1", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 4001},
		{Service: "discovery-guide-service-b", Version: "1.1", Region: "dev", Env: "common", Zone: "zone2", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 4002},
	}
}

func at(hour int) time.Time { return time.Date(2024, 1, 1, hour, 0, 0, 0, time.UTC) }

// multiInstances is the fixture of derived/README.md's multi-version case,
// listed in a scrambled order on purpose.
func multiInstances() []rule.Instance {
	return []rule.Instance{
		{Service: "svc-c", Version: "2.0", Host: "10.0.0.4", Port: 80},
		{Service: "svc-c", Version: "1.2", Host: "10.0.0.3", Port: 80},
		{Service: "svc-c", Version: "1.10", Host: "10.0.0.2", Port: 80},
		{Service: "svc-c", Version: "1.0", Host: "10.0.0.1", Port: 80},
		{Service: "svc-d", Version: "1.0", Host: "10.0.1.1", Port: 80},
		{Service: "svc-d", Host: "10.0.1.2", Port: 80},
		{Service: "svc-e", Version: "2.0", Host: "10.0.2.1", Port: 80},
		{Service: "svc-f", Version: "2.0", Host: "10.0.3.2", Port: 80, StartTime: at(10)},
		{Service: "svc-f", Version: "1.5", Host: "10.0.3.1", Port: 80, StartTime: at(11)},
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const xmlHead = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rule>\n"

func mustDoc(t *testing.T, yamlText string) *Doc {
	t.Helper()
	d, err := ParseYAML([]byte(yamlText))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustRule(t *testing.T, xmlText string) *rule.Rule {
	t.Helper()
	r, err := rule.ParseXML([]byte(xmlText))
	if err != nil {
		t.Fatal(err)
	}
	return r
}
