package controlplane_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
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
	ann := registry.Announce(t.Context(), r, &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 7}, 50*time.Millisecond, nil)
	id := ann.ID()
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
}

// TestAnnounceWhileTheRegistryIsDown: Announce returns at once when the
// registry cannot be reached and registers as soon as it can.
func TestAnnounceWhileTheRegistryIsDown(t *testing.T) {
	env := apitest.Start(t)
	var down atomic.Bool
	down.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		env.Server.Handler().ServeHTTP(w, r)
	}))
	defer front.Close()
	r := controlplane.New(front.URL, env.AgentToken, slog.New(slog.NewTextHandler(io.Discard, nil)))
	start := time.Now()
	ann := registry.Announce(t.Context(), r, &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 7}, 100*time.Millisecond, nil)
	if ann.ID() != "" || time.Since(start) > time.Second {
		t.Fatalf("Announce with the registry down: id %q after %s", ann.ID(), time.Since(start))
	}
	down.Store(false)
	deadline := time.Now().Add(3 * time.Second)
	for ann.ID() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got, _ := env.Registry.Instances(t.Context(), "svc"); ann.ID() == "" || len(got) != 1 {
		t.Fatalf("registered %q, registry has %v", ann.ID(), got)
	}
}
