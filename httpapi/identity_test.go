package httpapi_test

import (
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestIdentityFlow is what the System pages do: create a user, a group and a
// token, see them in the audit log, use the token, log out. Along the way no
// password or token secret may appear in a log or in any later response.
func TestIdentityFlow(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin", adminPassword)

	var me switchyard.LoginResponse
	admin.must("GET", "/api/auth/me", nil, 200, &me)
	if me.User.Name != "admin" || me.User.Role != switchyard.RoleAdmin || me.CSRFToken == "" {
		t.Fatalf("me = %+v", me)
	}

	var g switchyard.Group
	admin.must("POST", "/api/groups", switchyard.NewGroup{Name: "order-group", Description: "orders"}, 201, &g)
	const alicePassword = "alice-secret-pw"
	var u switchyard.User
	admin.must("POST", "/api/users", switchyard.NewUser{Name: "alice", Role: switchyard.RoleOperator, Groups: []string{"order-group"}, Password: alicePassword}, 201, &u)
	if u.Name != "alice" || len(u.Groups) != 1 || u.Revision != 1 {
		t.Fatalf("created user = %+v", u)
	}
	admin.must("GET", "/api/groups/order-group", nil, 200, &g)
	if len(g.Members) != 1 || g.Members[0] != "alice" {
		t.Fatalf("group members = %v", g.Members)
	}

	alice := e.login("alice", alicePassword)
	var it switchyard.IssuedToken
	alice.must("POST", "/api/tokens", switchyard.TokenRequest{Name: "ci", ExpiresIn: "720h"}, 201, &it)
	if !strings.HasPrefix(it.Secret, "sy_") || it.Token.ExpiresAt == nil {
		t.Fatalf("issued = %+v", it)
	}
	bearer := &client{e: e, bearer: it.Secret}
	var tme switchyard.LoginResponse
	bearer.must("GET", "/api/auth/me", nil, 200, &tme)
	if tme.User.Name != "alice" || tme.Via != "token" || tme.CSRFToken != "" {
		t.Fatalf("token me = %+v", tme)
	}
	// A token write needs no CSRF header: no browser sends a bearer token by itself.
	bearer.must("PUT", "/api/auth/password", switchyard.PasswordChange{Current: alicePassword, New: "alice-second-pw"}, 204, nil)
	// The change ends alice's console session (not the token making it).
	if resp, _ := alice.do("GET", "/api/auth/me", nil); resp.StatusCode != 401 {
		t.Fatalf("alice's session survived her password change: %d", resp.StatusCode)
	}
	alice = e.login("alice", "alice-second-pw")

	var tokens []switchyard.Token
	alice.must("GET", "/api/tokens", nil, 200, &tokens)
	if len(tokens) != 1 || tokens[0].Prefix != it.Secret[:10] || tokens[0].LastUsedAt == nil {
		t.Fatalf("tokens = %+v", tokens)
	}
	resp, _ := alice.do("GET", "/api/tokens?all=true", nil)
	if resp.StatusCode != 403 {
		t.Fatalf("operator listing all tokens: %d", resp.StatusCode)
	}
	var revoked switchyard.Token
	alice.must("DELETE", "/api/tokens/"+it.Token.ID, nil, 200, &revoked)
	if revoked.RevokedAt == nil {
		t.Fatal("revoke did not set revokedAt")
	}
	if resp, _ := bearer.do("GET", "/api/auth/me", nil); resp.StatusCode != 401 {
		t.Fatalf("revoked token still works: %d", resp.StatusCode)
	}

	var page switchyard.AuditPage
	admin.must("GET", "/api/audit?limit=100", nil, 200, &page)
	want := map[string]bool{"group.create": false, "user.create": false, "token.create": false, "token.revoke": false, "auth.login": false, "auth.password": false}
	for _, en := range page.Entries {
		if _, ok := want[en.Action]; ok && en.Outcome == "ok" {
			want[en.Action] = true
		}
		if en.RemoteAddr == "" || en.RequestID == "" || en.Time.IsZero() {
			t.Errorf("entry lacks where/when: %+v", en)
		}
	}
	for a, seen := range want {
		if !seen {
			t.Errorf("audit has no successful %s entry", a)
		}
	}

	admin.must("POST", "/api/auth/logout", nil, 204, nil)
	if resp, _ := admin.do("GET", "/api/auth/me", nil); resp.StatusCode != 401 {
		t.Fatalf("session survives logout: %d", resp.StatusCode)
	}

	// Everything the server said and logged, checked for secrets.
	var all []string
	_, b := e.login("admin", adminPassword).do("GET", "/api/audit?limit=500", nil)
	all = append(all, string(b), e.log.String())
	_, b = e.login("admin", adminPassword).do("GET", "/api/users", nil)
	all = append(all, string(b))
	for _, secret := range []string{adminPassword, alicePassword, "alice-second-pw", it.Secret, it.Secret[10:]} {
		for _, text := range all {
			if strings.Contains(text, secret) {
				t.Fatalf("secret %q leaked into a log or response", secret)
			}
		}
	}
	if strings.Contains(e.log.String(), "passwordHash") || strings.Contains(string(b), "$2a$") {
		t.Fatal("a password hash leaked")
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin", adminPassword)
	tests := []struct {
		name   string
		body   any
		field  string
		reason string
	}{
		{"unknown field", map[string]any{"name": "bob", "role": "viewer", "password": "12345678", "colour": "red"}, "colour", "field.unknown"},
		{"wrong type", map[string]any{"name": 12, "role": "viewer", "password": "12345678"}, "name", "field.type"},
		{"bad name", map[string]any{"name": "Bob Smith", "role": "viewer", "password": "12345678"}, "name", "name.format"},
		{"bad role", map[string]any{"name": "bob", "role": "root", "password": "12345678"}, "role", "role.invalid"},
		{"short password", map[string]any{"name": "bob", "role": "viewer", "password": "1234"}, "password", "password.short"},
		{"unknown group", map[string]any{"name": "bob", "role": "viewer", "password": "12345678", "groups": []string{"nope"}}, "groups", "group.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := admin.do("POST", "/api/users", tt.body)
			d := errorOf(t, b)
			if resp.StatusCode != 400 || d.Field != tt.field || d.Reason != tt.reason || !strings.Contains(d.Message, tt.field) {
				t.Fatalf("%d %+v; want 400 on %s (%s)", resp.StatusCode, d, tt.field, tt.reason)
			}
		})
	}
	var users []switchyard.User
	admin.must("GET", "/api/users", nil, 200, &users)
	if len(users) != 1 {
		t.Fatalf("bad input changed something: %d users", len(users))
	}
	resp, b := admin.do("PATCH", "/api/users/admin", map[string]any{"revision": 99, "displayName": "x"})
	if resp.StatusCode != 409 || errorOf(t, b).Reason != "revision.stale" {
		t.Fatalf("stale revision: %d %s", resp.StatusCode, b)
	}
	resp, _ = admin.do("GET", "/api/nope", nil)
	if resp.StatusCode != 404 {
		t.Fatalf("unknown API path: %d", resp.StatusCode)
	}
}

func TestLoginThrottleAnswers429(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	for i := 0; i < 5; i++ {
		if resp, _ := c.do("POST", "/api/auth/login", map[string]string{"username": "admin", "password": "wrong"}); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i, resp.StatusCode)
		}
	}
	resp, b := c.do("POST", "/api/auth/login", map[string]string{"username": "admin", "password": adminPassword})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || errorOf(t, b).Reason != "login.throttled" {
		t.Fatalf("throttled login: %d %s", resp.StatusCode, b)
	}
}
