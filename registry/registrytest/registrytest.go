// Package registrytest is the conformance suite of switchyard.Registry:
// every implementation passes it — builtin.Registry, the data plane's client
// of it (controlplane), and each external system's adapter against the real
// server (docs/architecture.md, "How to add a provider").
package registrytest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch/watchtest"
)

// Subject is one registry under test; Advance makes it drop instances whose
// TTL has passed as if that much time went by (it advances the clock the
// registry runs on).
type Subject struct {
	Registry switchyard.Registry
	Advance  func(d time.Duration)
	TTL      time.Duration
}

// New returns an empty registry for one test.
type New func(t *testing.T) Subject

// Run runs the suite.
func Run(t *testing.T, newReg New) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Subject)
	}{
		{"RegisterListDeregister", testRegister},
		{"DefaultsAndValidation", testDefaults},
		{"HeartbeatKeepsAlive", testHeartbeat},
		{"WatchSeesChanges", testWatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newReg(t)) })
	}
}

func inst(service, version, host string, port int) *switchyard.Instance {
	return &switchyard.Instance{Service: service, Type: switchyard.TypeService, Group: "discovery-guide-group", Version: version, Region: "dev", Env: "env1", Zone: "zone1", Host: host, Port: port, Metadata: map[string]string{"k": "v"}}
}

func mustRegister(t *testing.T, r switchyard.Registry, in *switchyard.Instance) *switchyard.Instance {
	t.Helper()
	got, err := r.Register(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testRegister(t *testing.T, s Subject) {
	r := s.Registry
	b2, err := r.Register(t.Context(), inst("discovery-guide-service-b", "1.1", "127.0.0.1", 4002))
	if err != nil || b2.ID == "" || b2.StartTime.IsZero() || b2.LastSeen.IsZero() {
		t.Fatalf("Register = %+v, %v", b2, err)
	}
	mustRegister(t, r, inst("discovery-guide-service-b", "1.0", "127.0.0.1", 4001))
	mustRegister(t, r, inst("DISCOVERY-GUIDE-SERVICE-A", "1.0", "127.0.0.1", 3001))
	bs, err := r.Instances(t.Context(), "discovery-guide-service-b")
	if err != nil || len(bs) != 2 || bs[0].Port != 4001 || bs[1].Port != 4002 || bs[1].Metadata["k"] != "v" {
		t.Fatalf("Instances(b) = %v, %v; want 4001 then 4002", bs, err)
	}
	all, _ := r.All(t.Context())
	if len(all) != 3 || all[0].Service != "discovery-guide-service-a" {
		t.Fatalf("All = %v; want the service id lower-cased and sorted first", all)
	}
	again := inst("discovery-guide-service-b", "1.2", "127.0.0.1", 4002)
	again.ID = b2.ID
	if _, err := r.Register(t.Context(), again); err != nil {
		t.Fatal(err)
	}
	bs, _ = r.Instances(t.Context(), "discovery-guide-service-b")
	if len(bs) != 2 || bs[1].Version != "1.2" {
		t.Fatalf("re-register with the same id must replace: %v", bs)
	}
	if err := r.Deregister(t.Context(), b2.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.Deregister(t.Context(), b2.ID); err != nil {
		t.Fatalf("second deregister: %v", err)
	}
	bs, _ = r.Instances(t.Context(), "discovery-guide-service-b")
	if len(bs) != 1 || bs[0].Port != 4001 {
		t.Fatalf("after deregister: %v", bs)
	}
	if none, _ := r.Instances(t.Context(), "nobody"); len(none) != 0 {
		t.Fatalf("unknown service: %v", none)
	}
}

func testDefaults(t *testing.T, s Subject) {
	in := &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1}
	got, err := s.Registry.Register(t.Context(), in)
	if err != nil || got.Version != "default" || got.Region != "default" || got.Env != "default" || got.Zone != "default" || got.Type != "service" {
		t.Fatalf("defaults: %+v, %v", got, err)
	}
	bad := []struct {
		in    *switchyard.Instance
		field string
	}{
		{&switchyard.Instance{Host: "h", Port: 1}, "service"},
		{&switchyard.Instance{Service: "s", Host: "h", Port: 0}, "port"},
		{&switchyard.Instance{Service: "s", Port: 1}, "host"},
		{&switchyard.Instance{Service: "s", Type: "database", Host: "h", Port: 1}, "type"},
		{&switchyard.Instance{Service: "s", Host: "127.0.0.1:28999/secret#", Port: 1}, "host"},
		{&switchyard.Instance{Service: "s", Host: "h", Port: 1, Metadata: map[string]string{switchyard.MetaContextPath: "/secret#"}}, "metadata"},
		{&switchyard.Instance{ID: strings.Repeat("1", switchyard.MaxInstanceID+1), Service: "s", Host: "h", Port: 1}, "id"},
		{&switchyard.Instance{Service: "s", Version: "1.0;1.1", Host: "h", Port: 1}, "version"},
	}
	for _, b := range bad {
		_, err := s.Registry.Register(t.Context(), b.in)
		if e := switchyard.AsError(err); e == nil || e.Field != b.field {
			t.Errorf("Register(%+v) = %v, want invalid %s", b.in, err, b.field)
		}
	}
}

func testHeartbeat(t *testing.T, s Subject) {
	r := s.Registry
	a, _ := r.Register(t.Context(), inst("a", "1.0", "127.0.0.1", 1))
	b, _ := r.Register(t.Context(), inst("a", "1.1", "127.0.0.1", 2))
	s.Advance(s.TTL * 2 / 3)
	if err := r.Heartbeat(t.Context(), a.ID); err != nil {
		t.Fatal(err)
	}
	s.Advance(s.TTL * 2 / 3)
	got, _ := r.Instances(t.Context(), "a")
	if len(got) != 1 || got[0].ID != a.ID {
		t.Fatalf("after the TTL only the instance that kept beating lives: %v", got)
	}
	if err := r.Heartbeat(t.Context(), b.ID); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("heartbeat of an expired instance: %v, want not_found", err)
	}
}

func testWatch(t *testing.T, s Subject) {
	r := s.Registry
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := r.Watch(ctx, "svc")
	if err != nil {
		t.Fatal(err)
	}
	recv := func(want int) switchyard.RegistryEvent {
		t.Helper()
		return watchtest.Until(t, ch, 3*time.Second, fmt.Sprintf("%d instances", want), func(e switchyard.RegistryEvent) bool { return len(e.Instances) == want })
	}
	recv(0)
	a := mustRegister(t, r, inst("svc", "1.0", "127.0.0.1", 1))
	mustRegister(t, r, inst("other", "1.0", "127.0.0.1", 9))
	e := recv(1)
	if e.Instances[0].ID != a.ID || e.Service != "svc" {
		t.Fatalf("event = %+v", e)
	}
	if err := r.Deregister(t.Context(), a.ID); err != nil {
		t.Fatal(err)
	}
	recv(0)
	cancel()
	watchtest.Closes(t, ch, 3*time.Second)
}
