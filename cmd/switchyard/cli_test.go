package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// startAPI runs an API server in process for CLI tests.
func startAPI(t *testing.T) string {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := auth.New(st, logger)
	if _, err := a.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(httpapi.Deps{Store: st, Auth: a, Logger: logger}).Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestLoginWhoamiAndAdminCommands(t *testing.T) {
	url := startAPI(t)
	t.Setenv("SWITCHYARD_CLI_CONFIG", filepath.Join(t.TempDir(), "cli.yaml"))
	t.Setenv("SWITCHYARD_SERVER", "")
	t.Setenv("SWITCHYARD_TOKEN", "")

	code, _, stderr := runCLI(t, "", "whoami", "--server", url)
	if code == 0 || !strings.Contains(stderr, "sign in first") {
		t.Fatalf("whoami before login: %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "wrong-password\n", "login", "--server", url, "--password-stdin")
	if code == 0 || !strings.Contains(stderr, "invalid user name or password") {
		t.Fatalf("bad login: %d %q", code, stderr)
	}
	code, out, stderr := runCLI(t, "admin-password\n", "login", "--server", url, "--password-stdin")
	if code != 0 || !strings.Contains(out, "Signed in to "+url+" as admin") {
		t.Fatalf("login: %d %q %q", code, out, stderr)
	}
	// The saved server and token are used from now on, without flags.
	code, out, _ = runCLI(t, "", "whoami")
	if code != 0 || !strings.Contains(out, "role    admin") {
		t.Fatalf("whoami: %d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "whoami", "-o", "json")
	var u map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &u) != nil || u["name"] != "admin" {
		t.Fatalf("whoami -o json: %d %q", code, out)
	}
	if code, out, _ = runCLI(t, "", "whoami", "-o", "yaml"); code != 0 || !strings.Contains(out, "name: admin") {
		t.Fatalf("whoami -o yaml: %d %q", code, out)
	}
	if code, _, stderr = runCLI(t, "", "whoami", "-o", "xml"); code != 2 || !strings.Contains(stderr, "--output") {
		t.Fatalf("bad --output: %d %q", code, stderr)
	}

	steps := [][]string{
		{"group", "create", "order-group", "--description", "orders"},
		{"user", "create", "alice", "--role", "operator", "--group", "order-group"},
		{"token", "create", "ci", "--expires-in", "24h"},
	}
	for _, args := range steps {
		if code, out, stderr := runCLI(t, "alice-password\n", args...); code != 0 {
			t.Fatalf("%v: %d %q %q", args, code, out, stderr)
		}
	}
	code, out, _ = runCLI(t, "", "user", "list")
	if code != 0 || !strings.Contains(out, "alice") || !strings.Contains(out, "order-group") {
		t.Fatalf("user list: %q", out)
	}
	code, out, _ = runCLI(t, "", "audit", "--action", "user.")
	if code != 0 || !strings.Contains(out, "user.create") || !strings.Contains(out, "user/alice") {
		t.Fatalf("audit: %q", out)
	}
	code, _, stderr = runCLI(t, "x\n", "user", "create", "Bad Name")
	if code == 0 || !strings.Contains(stderr, "name") {
		t.Fatalf("bad user name: %d %q", code, stderr)
	}
	if code, out, _ = runCLI(t, "", "logout"); code != 0 || !strings.Contains(out, "Signed out") {
		t.Fatalf("logout: %q", out)
	}
	if code, _, _ = runCLI(t, "", "whoami", "--server", url); code == 0 {
		t.Fatal("whoami works after logout")
	}
}

func TestConfigAndServiceCommands(t *testing.T) {
	env := apitest.Start(t)
	t.Setenv("SWITCHYARD_CLI_CONFIG", filepath.Join(t.TempDir(), "cli.yaml"))
	t.Setenv("SWITCHYARD_SERVER", env.URL)
	t.Setenv("SWITCHYARD_TOKEN", env.AdminToken)
	rule := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rule>\n</rule>"
	file := filepath.Join(t.TempDir(), "rule.xml")
	os.WriteFile(file, []byte(rule), 0o600)
	if code, out, errOut := runCLI(t, "", "config", "put", "discovery-guide-group", "discovery-guide-gateway", file); code != 0 || !strings.Contains(out, "version 1 written by admin") {
		t.Fatalf("config put: %d %q %q", code, out, errOut)
	}
	if code, out, _ := runCLI(t, rule, "config", "put", "discovery-guide-group", "discovery-guide-gateway", "-", "--if-version", "1"); code != 0 || !strings.Contains(out, "version 2") {
		t.Fatalf("config put from stdin: %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, rule, "config", "put", "discovery-guide-group", "discovery-guide-gateway", "-", "--if-version", "1"); code == 0 || !strings.Contains(errOut, "someone else changed it") {
		t.Fatalf("stale --if-version: %d %q", code, errOut)
	}
	if code, out, _ := runCLI(t, "", "config", "get", "discovery-guide-group", "discovery-guide-gateway"); code != 0 || out != rule+"\n" {
		t.Fatalf("config get: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "config", "history", "discovery-guide-group", "discovery-guide-gateway"); code != 0 || !strings.Contains(out, "VERSION") || strings.Count(out, "admin") != 2 {
		t.Fatalf("config history: %d %q", code, out)
	}
	for _, in := range []switchyard.Instance{
		{Service: "discovery-guide-service-a", Group: "discovery-guide-group", Version: "1.0", Host: "127.0.0.1", Port: 3001},
		{Service: "discovery-guide-service-a", Group: "discovery-guide-group", Version: "1.1", Host: "127.0.0.1", Port: 3002},
	} {
		in := in
		env.Registry.Register(t.Context(), &in)
	}
	if code, out, _ := runCLI(t, "", "service", "groups"); code != 0 || strings.TrimSpace(out) != "discovery-guide-group" {
		t.Fatalf("service groups: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "service", "list"); code != 0 || !strings.Contains(out, "1.0;1.1") {
		t.Fatalf("service list: %d %q", code, out)
	}
	if code, out, _ := runCLI(t, "", "service", "instances", "discovery-guide-service-a", "-o", "json"); code != 0 || !strings.Contains(out, `"port": 3002`) {
		t.Fatalf("service instances: %d %q", code, out)
	}
}

func TestReleaseCommands(t *testing.T) {
	env := apitest.Start(t)
	for _, in := range []switchyard.Instance{
		{Service: "svc-a", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 3001},
		{Service: "svc-a", Group: "g", Version: "1.1", Host: "127.0.0.1", Port: 3002},
	} {
		in := in
		env.Registry.Register(t.Context(), &in)
	}
	t.Setenv("SWITCHYARD_CLI_CONFIG", filepath.Join(t.TempDir(), "cli.yaml"))
	t.Setenv("SWITCHYARD_SERVER", env.URL)
	t.Setenv("SWITCHYARD_TOKEN", env.AdminToken)
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"release", "create", "V2.1.0", "--group", "g", "--app", "gw", "--services", "svc-a", "--blue", "#H['user-type'] == 'vip'", "--green", "#H['user-type'] == 'normal'", "--gray", "#H['region'] == 'north'=50", "--gray", "10"},
			"created release V2.1.0 (MIXED, PARTIAL, key g/gw)"},
		{[]string{"release", "publish", "V2.1.0", "--dry-run"}, `version-id="route-0=90;route-1=10"`},
		{[]string{"release", "fallback", "V2.1.0"}, "V2.1.0: NEW → FALLBACK; g/gw version 1 (read back)"},
		{[]string{"release", "publish", "V2.1.0", "--gray", "30"}, "FALLBACK → RELEASED; g/gw version 2"},
		{[]string{"release", "show", "V2.1.0"}, "gray[0]  -  → 30% new"},
		{[]string{"release", "list"}, "V2.1.0 MIXED RELEASED PARTIAL g gw"},
		{[]string{"release", "rollback", "V2.1.0"}, "RELEASED → ROLLED_BACK"},
		{[]string{"release", "lock", "V2.1.0"}, "V2.1.0 is locked by admin"},
		{[]string{"release", "unlock", "V2.1.0", "--break"}, "broke the lock of V2.1.0 (held by admin)"},
		{[]string{"release", "end", "V2.1.0"}, "ROLLED_BACK → ENDED"},
		{[]string{"release", "delete", "V2.1.0"}, "deleted release V2.1.0"},
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for _, st := range steps {
		code, out, errOut := runCLI(t, "", st.args...)
		if code != 0 || !strings.Contains(squash(out), squash(st.want)) {
			t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s\nwant %q", st.args, code, out, errOut, st.want)
		}
	}
	code, _, errOut := runCLI(t, "", "release", "create", "bad", "--group", "g", "--app", "gw2", "--gray", "#H['a'] == '1'")
	if code != 2 || !strings.Contains(errOut, "must be WEIGHT or EXPRESSION=WEIGHT") {
		t.Fatalf("bad --gray: %d %q", code, errOut)
	}
	code, out, _ := runCLI(t, "", "release", "list", "-o", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Fatalf("list -o json: %q", out)
	}
}
