package main

import (
	"slices"
	"strings"
	"testing"
)

// TestChildEnvCarriesOnlyTheAgentToken: the demo's children get the control
// plane's URL and the run's agent token, and none of the demo's own
// SWITCHYARD_* settings (the admin password, a DSN, the user's token).
func TestChildEnvCarriesOnlyTheAgentToken(t *testing.T) {
	parent := []string{"PATH=/usr/bin", "HOME=/home/u", "SWITCHYARD_ADMIN_PASSWORD=hunter22", "SWITCHYARD_TOKEN=sy_users-admin-token",
		"SWITCHYARD_STORE_DSN=postgres://u:pw@db/x", "SWITCHYARD_LISTEN=0.0.0.0:80", "NOT_SWITCHYARD_X=1"}
	env := childEnv(parent, "http://127.0.0.1:8080", "sy_agent")
	for _, kv := range env {
		if strings.Contains(kv, "hunter22") || strings.Contains(kv, "sy_users-admin-token") || strings.Contains(kv, "pw@db") || strings.HasPrefix(kv, "SWITCHYARD_LISTEN=") {
			t.Errorf("a child gets %q", kv)
		}
	}
	for _, want := range []string{"PATH=/usr/bin", "HOME=/home/u", "NOT_SWITCHYARD_X=1", "SWITCHYARD_TOKEN=sy_agent", "SWITCHYARD_CONTROL_PLANE=http://127.0.0.1:8080"} {
		if !slices.Contains(env, want) {
			t.Errorf("a child lacks %q: %v", want, env)
		}
	}
}
