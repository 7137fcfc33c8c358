package httpapi_test

import (
	"testing"

	"github.com/switchyard-io/switchyard"
)

func works(t *testing.T, c *client) bool {
	t.Helper()
	resp, _ := c.do("GET", "/api/auth/me", nil)
	return resp.StatusCode == 200
}

// TestPasswordChangeEndsOtherSessions: after a password change, the browser
// that made it stays signed in, every other session ends, and tokens are
// revoked when asked (revokeTokens).
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin", adminPassword)
	admin.must("POST", "/api/users", switchyard.NewUser{Name: "alice", Role: switchyard.RoleOperator, Password: "alice-first-pw"}, 201, nil)
	here, laptop := e.login("alice", "alice-first-pw"), e.login("alice", "alice-first-pw")
	var it switchyard.IssuedToken
	here.must("POST", "/api/tokens", switchyard.TokenRequest{Name: "ci"}, 201, &it)
	ci := &client{e: e, bearer: it.Secret}

	here.must("PUT", "/api/auth/password", switchyard.PasswordChange{Current: "alice-first-pw", New: "alice-second-pw"}, 204, nil)
	if !works(t, here) {
		t.Fatal("the session that changed the password was ended")
	}
	if works(t, laptop) {
		t.Fatal("another session survived the password change")
	}
	if !works(t, ci) {
		t.Fatal("a token was revoked without revokeTokens")
	}

	phone := e.login("alice", "alice-second-pw")
	here.must("PUT", "/api/auth/password", switchyard.PasswordChange{Current: "alice-second-pw", New: "alice-third-pw", RevokeTokens: true}, 204, nil)
	if !works(t, here) || works(t, phone) || works(t, ci) {
		t.Fatalf("with revokeTokens: here %v, phone %v, token %v; want only here", works(t, here), works(t, phone), works(t, ci))
	}

	// A change made with a token keeps that token and ends every session.
	var it2 switchyard.IssuedToken
	here.must("POST", "/api/tokens", switchyard.TokenRequest{Name: "cli"}, 201, &it2)
	cli := &client{e: e, bearer: it2.Secret}
	cli.must("PUT", "/api/auth/password", switchyard.PasswordChange{Current: "alice-third-pw", New: "alice-fourth-pw", RevokeTokens: true}, 204, nil)
	if !works(t, cli) || works(t, here) {
		t.Fatalf("change by token: token %v, session %v; want the token only", works(t, cli), works(t, here))
	}

	var page switchyard.AuditPage
	admin.must("GET", "/api/audit?action=auth.password", nil, 200, &page)
	if len(page.Entries) != 3 || page.Entries[1].Detail != "ended 1 other session; revoked 1 token" {
		t.Fatalf("audit of the changes = %+v", page.Entries)
	}
}

// TestAdminResetEndsTheUsersSessions: an admin's reset ends every session
// of the user (and their tokens when asked); the admin's own session is
// untouched.
func TestAdminResetEndsTheUsersSessions(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin", adminPassword)
	var u switchyard.User
	admin.must("POST", "/api/users", switchyard.NewUser{Name: "bob", Role: switchyard.RoleViewer, Password: "bob-first-pw"}, 201, &u)
	bob := e.login("bob", "bob-first-pw")
	var it switchyard.IssuedToken
	bob.must("POST", "/api/tokens", switchyard.TokenRequest{Name: "ci"}, 201, &it)
	ci := &client{e: e, bearer: it.Secret}

	pw := "bob-second-pw"
	admin.must("PATCH", "/api/users/bob", switchyard.UserUpdate{Revision: u.Revision, Password: &pw}, 200, &u)
	if works(t, bob) || !works(t, ci) || !works(t, admin) {
		t.Fatalf("after reset: bob %v, token %v, admin %v; want the token and the admin only", works(t, bob), works(t, ci), works(t, admin))
	}
	bob = e.login("bob", pw)
	pw = "bob-third-pw"
	admin.must("PATCH", "/api/users/bob", switchyard.UserUpdate{Revision: u.Revision, Password: &pw, RevokeTokens: true}, 200, &u)
	if works(t, bob) || works(t, ci) {
		t.Fatal("reset with revokeTokens left a session or a token")
	}
	// An admin resetting their own password keeps the session doing it.
	other := e.login("admin", adminPassword)
	me := mustUser(t, e, "admin")
	pw = "admin-new-password"
	admin.must("PATCH", "/api/users/admin", switchyard.UserUpdate{Revision: me.Revision, Password: &pw}, 200, nil)
	if !works(t, admin) || works(t, other) {
		t.Fatalf("self reset: this session %v, other %v", works(t, admin), works(t, other))
	}
	// revokeTokens alone revokes the tokens and leaves the sessions.
	bob = e.login("bob", "bob-third-pw")
	bob.must("POST", "/api/tokens", switchyard.TokenRequest{Name: "ci2"}, 201, &it)
	ci = &client{e: e, bearer: it.Secret}
	admin.must("PATCH", "/api/users/bob", switchyard.UserUpdate{Revision: u.Revision, RevokeTokens: true}, 200, &u)
	if works(t, ci) || !works(t, bob) {
		t.Fatalf("revokeTokens alone: token %v, session %v; want the session only", works(t, ci), works(t, bob))
	}
}
