package main

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// TestTablesEscapeControlCharacters: text from the server (an audit
// detail, a path, a description) cannot colour the terminal, move the
// cursor or forge rows in table output.
func TestTablesEscapeControlCharacters(t *testing.T) {
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
	admin, _ := st.FindUserByName(t.Context(), "admin")
	it, err := a.IssueToken(t.Context(), admin, switchyard.TokenRequest{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	forged := "\x1b[32m2026-01-01 00:00:00  admin  user.delete  user/bob  200  ok\x1b[0m"
	e := &switchyard.AuditEntry{Time: time.Now(), Actor: "mallory\x1b[2K", Via: "anonymous", Action: "auth.login", Resource: "user/x\ry",
		Method: "POST", Path: "/api/auth/login\x07", Status: 401, Outcome: "refused", RemoteAddr: "10.0.0.1",
		Detail: "nope\n" + forged + "\ttab\u202eevil\u0085"}
	if err := st.AppendAudit(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateGroup(t.Context(), &switchyard.Group{Name: "g1", Description: "line one\nline two \x1b]0;title\x07"}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(httpapi.Deps{Store: st, Auth: a, Logger: logger}).Handler())
	t.Cleanup(ts.Close)
	t.Setenv("SWITCHYARD_CLI_CONFIG", filepath.Join(t.TempDir(), "cli.yaml"))

	for _, args := range [][]string{{"audit"}, {"group", "list"}} {
		code, out, stderr := runCLI(t, "", append(args, "--server", ts.URL, "--token", it.Secret)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", args, code, stderr)
		}
		for _, bad := range []string{"\x1b", "\r", "\x07", "\u202e", "\u0085"} {
			if strings.Contains(out, bad) {
				t.Errorf("%v prints the control character %q:\n%s", args, bad, out)
			}
		}
		if lines := strings.Count(strings.TrimSpace(out), "\n") + 1; lines != 2 {
			t.Errorf("%v: %d lines, want the header and one row:\n%s", args, lines, out)
		}
	}
	_, out, _ := runCLI(t, "", "audit", "--server", ts.URL, "--token", it.Secret)
	for _, want := range []string{`mallory\x1b[2K`, `nope\n\x1b[32m2026`, `\ttab\u202eevil`} {
		if !strings.Contains(out, want) {
			t.Errorf("audit output lacks the escaped %q:\n%s", want, out)
		}
	}
}
