package controlplane_test

import (
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/registry"
	"github.com/switchyard-io/switchyard/registry/controlplane"
	"github.com/switchyard-io/switchyard/registry/registrytest"
)

// TestConformance runs the registry suite through the HTTP API with an agent
// token.
func TestConformance(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registrytest.Subject {
		env := apitest.Start(t)
		r := controlplane.New(env.URL, env.AgentToken, nil)
		r.PollTimeout = 2 * time.Second
		return registrytest.Subject{Registry: r, TTL: env.Registry.TTL, Advance: env.Advance}
	})
}

// TestOperatorsCannotRegister: only data-plane agents (and admins) may add
// instances: a human operator's token cannot inject traffic targets.
func TestOperatorsCannotRegister(t *testing.T) {
	env := apitest.Start(t)
	r := controlplane.New(env.URL, "sy_bogus", nil)
	_, err := r.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1})
	if switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("bogus token: %v", err)
	}
}

// TestAnnounceReRegistersAfterExpiry: an instance whose registration was
// lost (control plane restart, expiry) registers again on its next beat.
func TestAnnounceReRegistersAfterExpiry(t *testing.T) {
	env := apitest.Start(t)
	r := controlplane.New(env.URL, env.AgentToken, nil)
	id, done := registry.Announce(t.Context(), r, &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 7}, 50*time.Millisecond, nil)
	if id == "" {
		t.Fatal("no id")
	}
	env.Advance(time.Hour) // everything expires
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if got, _ := env.Registry.Instances(t.Context(), "svc"); len(got) == 1 && got[0].ID == id {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the instance never came back after expiry")
	<-done
}
