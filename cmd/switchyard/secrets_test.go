package main

import (
	"strings"
	"testing"
	"time"
)

// TestDSNPasswordNeverShown: every way a DSN reaches the user — a config
// error, --print-config — hides its password, whatever the DSN's shape.
func TestDSNPasswordNeverShown(t *testing.T) {
	dir := t.TempDir()
	dsns := []string{
		"postgres://u:hunter22@db:port/x",           // a URL net/url cannot parse
		"postgres://u:hun#ter22@db:5432/x",          // '#' in the password
		"postgres://u:hun/ter22@db:5432/x",          // '/' in the password
		"postgres://u:hun ter22@db:5432/x",          // a space
		"postgresql://u:hunter22@[::1:5432/x",       // a broken IPv6 host
		"postgres://u:hunter22@db:5432/x?sslmode=x", // a bad parameter
		"host=db password=hunter22 port=abc",
		"host=db password='hun ter22' sslmode=x",
		`host=db password='hun\'ter22' sslmode=x`,
		"host=db PASSWORD = hunter22 sslmode=x",
	}
	for _, driver := range []string{"postgres", "sqlite"} {
		for _, dsn := range dsns {
			t.Run(driver+" "+dsn, func(t *testing.T) {
				t.Setenv("SWITCHYARD_STORE_DRIVER", driver)
				t.Setenv("SWITCHYARD_STORE_DSN", dsn)
				_, out, stderr := runCLI(t, "", "server", "--data-dir", dir, "--print-config")
				for _, secret := range []string{"hunter22", "hun#ter22", "hun/ter22", "hun ter22", `hun\'ter22`, "ter22"} {
					if strings.Contains(out+stderr, secret) {
						t.Fatalf("the password %q is shown:\nstdout %s\nstderr %s", secret, out, stderr)
					}
				}
			})
		}
	}
}

func TestRedactDSNShapes(t *testing.T) {
	tests := map[string]string{
		"postgres://u:hun#ter22@db:5432/x":          "postgres://u:redacted@db:5432/x",
		"postgres://u:hunter22@db:port/x":           "postgres://u:redacted@db:port/x",
		"postgres://u:p@ss@db/x":                    "postgres://u:redacted@db/x",
		"postgres://u@db/x?sslmode=disable":         "postgres://u@db/x?sslmode=disable",
		"postgres://db/x?user=u&password=p%20w&x=1": "postgres://db/x?user=u&password=redacted&x=1",
		`host=h password='a\'b c' dbname=d`:         "host=h password=redacted dbname=d",
		"host=h password= pw dbname=d":              "host=h password= redacted dbname=d",
		"/var/lib/switchyard/switch@yard:1.db":      "/var/lib/switchyard/switch@yard:1.db",
	}
	for in, want := range tests {
		if got := redactDSN(in); got != want {
			t.Errorf("redactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSessionMaxAgeConfig(t *testing.T) {
	if d := time.Duration(defaultConfig().Auth.SessionMaxAge); d != 7*24*time.Hour {
		t.Fatalf("default auth.session_max_age = %v, want 168h", d)
	}
	dir := t.TempDir()
	t.Setenv("SWITCHYARD_AUTH_SESSION_MAX_AGE", "30h")
	code, out, stderr := runCLI(t, "", "server", "--data-dir", dir, "--print-config")
	if code != 0 || !strings.Contains(out, "session_max_age: 30h0m0s") {
		t.Fatalf("env override: %d %q %q", code, out, stderr)
	}
	t.Setenv("SWITCHYARD_AUTH_SESSION_MAX_AGE", "1h")
	if code, _, stderr := runCLI(t, "", "server", "--data-dir", dir, "--print-config"); code != 2 || !strings.Contains(stderr, "config: auth.session_max_age: must be at least auth.session_ttl (12h0m0s)") {
		t.Fatalf("max age below the idle expiry: %d %q", code, stderr)
	}
}
