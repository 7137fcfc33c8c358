package dataplane_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/controlplane"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

// TestAnnounceReRegistersAfterExpiry: an instance whose registration was
// lost (control plane restart, expiry) registers again on its next beat.
func TestAnnounceReRegistersAfterExpiry(t *testing.T) {
	env := apitest.Start(t)
	r := controlplane.New(env.URL, env.AgentToken, nil).Registry()
	ann := dataplane.Announce(t.Context(), r, &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 7}, 50*time.Millisecond, nil)
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
	front := env.Front(t)
	r := controlplane.New(front.URL, env.AgentToken, nil).Registry()
	start := time.Now()
	ann := dataplane.Announce(t.Context(), r, &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 7}, 100*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if ann.ID() != "" || time.Since(start) > time.Second {
		t.Fatalf("Announce with the registry down: id %q after %s", ann.ID(), time.Since(start))
	}
	front.Down.Store(false)
	deadline := time.Now().Add(3 * time.Second)
	for ann.ID() == "" && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got, _ := env.Registry.Instances(t.Context(), "svc"); ann.ID() == "" || len(got) != 1 {
		t.Fatalf("registered %q, registry has %v", ann.ID(), got)
	}
}
