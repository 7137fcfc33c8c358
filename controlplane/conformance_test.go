package controlplane_test

import (
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/configcenter/configcentertest"
	"github.com/switchyard-io/switchyard/controlplane"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/registry/registrytest"
)

// start runs an API and a client of it, with the agent's token or the
// admin's, and a short PollTimeout.
func start(t *testing.T, admin bool) (*apitest.Env, *controlplane.Client) {
	t.Helper()
	env := apitest.Start(t)
	token := env.AgentToken
	if admin {
		token = env.AdminToken
	}
	cp := controlplane.New(env.URL, token, quiet)
	cp.PollTimeout = 2 * time.Second
	return env, cp
}

// TestConfigCenterConformance runs the config center suite through the HTTP
// API: the data plane's client behaves exactly like the built-in center.
// The suite writes, so it runs as an admin.
func TestConfigCenterConformance(t *testing.T) {
	configcentertest.Run(t, func(t *testing.T) switchyard.ConfigCenter {
		_, cp := start(t, true)
		return cp.ConfigCenter()
	})
}

// TestRegistryConformance runs the registry suite through the HTTP API with
// an agent token.
func TestRegistryConformance(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registrytest.Subject {
		env, cp := start(t, false)
		return registrytest.Subject{Registry: cp.Registry(), TTL: env.Registry.TTL, Advance: env.Advance}
	})
}

// TestAgentReadsButCannotWrite: a data-plane token watches rules but cannot
// change them.
func TestAgentReadsButCannotWrite(t *testing.T) {
	env, cp := start(t, false)
	agent := cp.ConfigCenter()
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

// TestUnknownTokensCannotRegister: only data-plane agents (and admins) may
// add instances: an unknown token cannot inject traffic targets.
func TestUnknownTokensCannotRegister(t *testing.T) {
	env := apitest.Start(t)
	r := controlplane.New(env.URL, "sy_bogus", quiet).Registry()
	_, err := r.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "127.0.0.1", Port: 1})
	if switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("bogus token: %v", err)
	}
}
