package demo

import "strconv"

// Topology is what the demo runs.
type Topology struct {
	Group    string        `yaml:"group"`
	Gateway  GatewaySpec   `yaml:"gateway"`
	Services []ServiceSpec `yaml:"services"`
	// Console is the address of Nepxion's console endpoints (the guide's 6001).
	Console string `yaml:"console"`
}

// GatewaySpec is the demo gateway.
type GatewaySpec struct {
	Service string `yaml:"service"`
	Listen  string `yaml:"listen"`
	Version string `yaml:"version"`
	// Route is the path prefix stripped and routed to the first service.
	Route string `yaml:"route"`
	First string `yaml:"first"`
}

// ServiceSpec is one demo service instance.
type ServiceSpec struct {
	Name    string `yaml:"name"` // A1, A2, …
	Service string `yaml:"service"`
	Listen  string `yaml:"listen"`
	Version string `yaml:"version"`
	Region  string `yaml:"region"`
	Env     string `yaml:"env"`
	Zone    string `yaml:"zone"`
	Active  bool   `yaml:"active"`
	Next    string `yaml:"next"` // the service it calls
}

// Guide is the DiscoveryGuide topology (test-cases.md §1.1).
func Guide() Topology {
	const a, b = "discovery-guide-service-a", "discovery-guide-service-b"
	return Topology{
		Group:   "discovery-guide-group",
		Console: "127.0.0.1:6001",
		Gateway: GatewaySpec{Service: "discovery-guide-gateway", Listen: "127.0.0.1:5001", Version: "1.0", Route: "/" + a + "/", First: a},
		Services: []ServiceSpec{
			{Name: "A1", Service: a, Listen: "127.0.0.1:3001", Version: "1.0", Region: "dev", Env: "env1", Zone: "zone1", Active: true, Next: b},
			{Name: "A2", Service: a, Listen: "127.0.0.1:3002", Version: "1.1", Region: "qa", Env: "common", Zone: "zone2", Active: true, Next: b},
			{Name: "B1", Service: b, Listen: "127.0.0.1:4001", Version: "1.0", Region: "qa", Env: "env1", Zone: "zone1"},
			{Name: "B2", Service: b, Listen: "127.0.0.1:4002", Version: "1.1", Region: "dev", Env: "common", Zone: "zone2"},
		},
	}
}

// Shift moves every port of t by offset (to run several demos, or tests,
// side by side).
func (t Topology) Shift(offset int) Topology {
	if offset == 0 {
		return t
	}
	t.Console = shift(t.Console, offset)
	t.Gateway.Listen = shift(t.Gateway.Listen, offset)
	svcs := make([]ServiceSpec, len(t.Services))
	for i, s := range t.Services {
		s.Listen = shift(s.Listen, offset)
		svcs[i] = s
	}
	t.Services = svcs
	return t
}

func shift(addr string, offset int) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			p, err := strconv.Atoi(addr[i+1:])
			if err != nil {
				return addr
			}
			return addr[:i+1] + strconv.Itoa(p+offset)
		}
	}
	return addr
}
