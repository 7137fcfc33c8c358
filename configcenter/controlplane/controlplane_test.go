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
	"github.com/switchyard-io/switchyard/configcenter/configcentertest"
	"github.com/switchyard-io/switchyard/configcenter/controlplane"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

// TestConformance runs the config center suite through the HTTP API: the
// data plane's client behaves exactly like the built-in center.
func TestConformance(t *testing.T) {
	configcentertest.Run(t, func(t *testing.T) switchyard.ConfigCenter {
		env := apitest.Start(t)
		cc := controlplane.New(env.URL, env.AdminToken, nil)
		cc.PollTimeout = 2 * time.Second
		return cc
	})
}

// TestAgentReadsButCannotWrite: a data-plane token watches rules but cannot
// change them.
func TestAgentReadsButCannotWrite(t *testing.T) {
	env := apitest.Start(t)
	agent := controlplane.New(env.URL, env.AgentToken, nil)
	key := switchyard.ConfigKey{Group: "g", DataID: "svc"}
	if _, err := agent.Put(t.Context(), key, "<rule/>", "xml", "", -1); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("agent write: %v, want forbidden", err)
	}
	if _, err := env.Config.Put(t.Context(), key, "<rule/>", "xml", "admin", -1); err != nil {
		t.Fatal(err)
	}
	if e, err := agent.Get(t.Context(), key); err != nil || e.Content != "<rule/>" {
		t.Fatalf("agent read: %+v, %v", e, err)
	}
}

// TestWatchSurvivesAnOutage: while the control plane is unreachable the
// watch keeps retrying; a change made meanwhile arrives once it is back.
func TestWatchSurvivesAnOutage(t *testing.T) {
	env := apitest.Start(t)
	var down atomic.Bool
	down.Store(true)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "control plane restarting", http.StatusBadGateway)
			return
		}
		env.Server.Handler().ServeHTTP(w, r)
	}))
	defer front.Close()
	cc := controlplane.New(front.URL, env.AgentToken, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cc.PollTimeout = time.Second
	key := switchyard.ConfigKey{Group: "g", DataID: "svc"}
	ch, err := cc.Watch(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Config.Put(t.Context(), key, "<rule>while down</rule>", "xml", "admin", -1); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-ch:
		t.Fatalf("event while the control plane is unreachable: %+v", e)
	case <-time.After(300 * time.Millisecond):
	}
	down.Store(false)
	select {
	case e := <-ch:
		if e.Content != "<rule>while down</rule>" || e.Version != 1 {
			t.Fatalf("event after recovery = %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watch did not recover")
	}
}
