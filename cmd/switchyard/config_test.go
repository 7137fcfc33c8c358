package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the binary's command tree in process.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBadConfigExitsNamingTheKey: every kind of bad configuration stops the
// server before it does anything, with exit code 2 and the key's name.
func TestBadConfigExitsNamingTheKey(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		file string
		args []string
		want string
	}{
		{name: "unknown top-level key", file: "listen: 127.0.0.1:0\ncolour: red\n", want: "config: colour: line 2: unknown key"},
		{name: "unknown nested key", file: "store:\n  driver: sqlite\n  colour: red\n", want: "config: store.colour: line 3: unknown key (known keys: driver, dsn)"},
		{name: "wrong type", file: "auth:\n  secure_cookies: maybe\n", want: "config: auth.secure_cookies: line 2:"},
		{name: "bad duration", file: "auth:\n  session_ttl: soon\n", want: "config: auth.session_ttl: line 2: \"soon\" is not a duration"},
		{name: "bad listen flag", args: []string{"--listen", "localhost"}, want: "config: listen: \"localhost\" is not host:port"},
		{name: "bad listen port", args: []string{"--listen", "127.0.0.1:70000"}, want: "config: listen: \"127.0.0.1:70000\": port \"70000\" must be a number from 0 to 65535"},
		{name: "bad listen env", env: map[string]string{"SWITCHYARD_LISTEN": "::1::2"}, want: "config: listen:"},
		{name: "bad driver", env: map[string]string{"SWITCHYARD_STORE_DRIVER": "mysql"}, want: "config: store.driver: \"mysql\" must be sqlite or postgres"},
		{name: "bad postgres dsn", env: map[string]string{"SWITCHYARD_STORE_DRIVER": "postgres", "SWITCHYARD_STORE_DSN": "postgres://u:hunter22@db:port/x"}, want: "config: store.dsn: invalid PostgreSQL DSN"},
		{name: "missing postgres dsn", env: map[string]string{"SWITCHYARD_STORE_DRIVER": "postgres"}, want: "config: store.dsn: is required when store.driver is postgres"},
		{name: "sqlite dsn that is a URL", env: map[string]string{"SWITCHYARD_STORE_DSN": "postgres://x"}, want: "config: store.dsn:"},
		{name: "bad log level", file: "log:\n  level: loud\n", want: "config: log.level: \"loud\" must be debug, info, warn or error"},
		{name: "bad bool env", env: map[string]string{"SWITCHYARD_AUTH_SECURE_COOKIES": "maybe"}, want: "config: auth.secure_cookies: from SWITCHYARD_AUTH_SECURE_COOKIES: \"maybe\" is not true or false"},
		{name: "short admin password", env: map[string]string{"SWITCHYARD_ADMIN_PASSWORD": "short"}, want: "config: admin_password: must be at least 8 characters"},
		{name: "not yaml", file: "listen: [\n", want: "is not valid YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := append([]string{"server", "--data-dir", dir}, tt.args...)
			if tt.file != "" {
				args = append(args, "--config", writeFile(t, "c.yaml", tt.file))
			}
			code, _, stderr := runCLI(t, "", args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.want)
			}
			if strings.Contains(stderr, "hunter22") {
				t.Fatal("the DSN password leaked into the error")
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("a refused configuration created files: %v", entries)
	}
}

func TestConfigLayersAndPrintRedacts(t *testing.T) {
	file := writeFile(t, "c.yaml", "listen: 127.0.0.1:9000\nlog:\n  level: debug\nstore:\n  driver: postgres\n  dsn: postgres://sy:s3cret-pw@db.internal:5432/switchyard\n")
	t.Setenv("SWITCHYARD_LOG_FORMAT", "json")
	t.Setenv("SWITCHYARD_ADMIN_PASSWORD", "initial-admin-pw")
	t.Setenv("SWITCHYARD_TEST_POSTGRES", "ignored: not a config key")
	code, out, stderr := runCLI(t, "", "server", "--config", file, "--listen", "127.0.0.1:9001", "--print-config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"listen: 127.0.0.1:9001", "level: debug", "format: json", "driver: postgres", "sy:redacted@db.internal", "admin_password: <redacted>"} {
		if !strings.Contains(out, want) {
			t.Errorf("print-config lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"s3cret-pw", "initial-admin-pw"} {
		if strings.Contains(out, secret) {
			t.Errorf("print-config shows the secret %q", secret)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	tests := map[string]string{
		"postgres://u:pw@h/db":                          "postgres://u:redacted@h/db",
		"postgres://u@h/db?password=pw&sslmode=disable": "postgres://u@h/db?password=redacted&sslmode=disable",
		"host=h user=u password=pw dbname=d":            "host=h user=u password=redacted dbname=d",
		"host=h password='p w' dbname=d":                "host=h password=redacted dbname=d",
		"/var/lib/switchyard/switchyard.db":             "/var/lib/switchyard/switchyard.db",
	}
	for in, want := range tests {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
