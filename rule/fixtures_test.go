package rule

import (
	"os"
	"testing"
)

// guideInstances is the DiscoveryGuide fixture (test-cases.md §1.1).
func guideInstances() []Instance {
	return []Instance{
		{Service: "discovery-guide-service-a", Version: "1.0", Region: "dev", Env: "env1", Zone: "zone1", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 3001, Active: true},
		{Service: "discovery-guide-service-a", Version: "1.1", Region: "qa", Env: "common", Zone: "zone2", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 3002, Active: true},
		{Service: "discovery-guide-service-b", Version: "1.0", Region: "qa", Env: "env1", Zone: "zone1", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 4001},
		{Service: "discovery-guide-service-b", Version: "1.1", Region: "dev", Env: "common", Zone: "zone2", Group: "discovery-guide-group", Host: "127.0.0.1", Port: 4002},
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

func mustRule(t *testing.T, xmlText string) *Rule {
	t.Helper()
	r, err := ParseXML([]byte(xmlText))
	if err != nil {
		t.Fatal(err)
	}
	return r
}
