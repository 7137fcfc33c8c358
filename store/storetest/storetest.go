// Package storetest is the conformance suite every switchyard.Store adapter
// runs: the same behaviour on SQLite and PostgreSQL, including revisions,
// conflicts and not-found errors.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Open returns a fresh, empty store for one test; the suite closes it.
type Open func(t *testing.T) switchyard.Store

// Run runs the suite against stores made by open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s switchyard.Store)
	}{
		{"UserLifecycle", testUserLifecycle},
		{"UserNameTaken", testUserNameTaken},
		{"UserStaleRevision", testUserStaleRevision},
		{"UserUnknownGroup", testUserUnknownGroup},
		{"UserNotFound", testUserNotFound},
		{"DeleteUserCascades", testDeleteUserCascades},
		{"GroupLifecycle", testGroupLifecycle},
		{"TokenLifecycle", testTokenLifecycle},
		{"SessionLifecycle", testSessionLifecycle},
		{"EndUserSessions", testEndUserSessions},
		{"RevokeUserTokens", testRevokeUserTokens},
		{"AuditIsBounded", testAuditIsBounded},
		{"AuditFilterAndPaging", testAuditFilterAndPaging},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"ConfigVersions", testConfigVersions},
		{"ConfigChanges", testConfigChanges},
		{"ConfigConcurrentWriters", testConfigConcurrentWriters},
		{"Instances", testInstances},
		{"ReleaseLifecycle", testReleaseLifecycle},
		{"ReleasePaging", testReleasePaging},
		{"ReleaseLock", testReleaseLock},
		{"PublishIntents", testPublishIntents},
		{"WorkflowVersions", testWorkflowVersions},
		{"ExecutionLease", testExecutionLease},
		{"ExecutionClaimOneWins", testExecutionClaimOneWins},
		{"VerifyConfigs", testVerifyConfigs}, {"VerifyRuns", testVerifyRuns}, {"VerifyOneSimulationPerKey", testVerifyOneSimulationPerKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tt.fn(t, s)
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func mustCode(t *testing.T, err error, want switchyard.Code) {
	t.Helper()
	if got := switchyard.ErrorCode(err); got != want {
		t.Fatalf("error code = %q (%v), want %q", got, err, want)
	}
}

func mustCreateGroup(t *testing.T, s switchyard.Store, name string) *switchyard.Group {
	t.Helper()
	g := &switchyard.Group{Name: name, Description: "team " + name}
	if err := s.CreateGroup(ctx(t), g); err != nil {
		t.Fatalf("CreateGroup(%s): %v", name, err)
	}
	return g
}

func mustCreateUser(t *testing.T, s switchyard.Store, name string, groups ...string) *switchyard.User {
	t.Helper()
	if groups == nil {
		groups = []string{}
	}
	u := &switchyard.User{Name: name, DisplayName: "User " + name, Role: switchyard.RoleOperator, Groups: groups, PasswordHash: "hash-" + name}
	if err := s.CreateUser(ctx(t), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", name, err)
	}
	return u
}

func testUserLifecycle(t *testing.T, s switchyard.Store) {
	mustCreateGroup(t, s, "order-group")
	mustCreateGroup(t, s, "pay-group")
	u := mustCreateUser(t, s, "alice", "order-group")
	if u.ID == "" || u.Revision != 1 || u.CreatedAt.IsZero() {
		t.Fatalf("created user = %+v, want ID, revision 1, CreatedAt", u)
	}
	got, err := s.FindUserByName(ctx(t), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != u.ID || got.Role != switchyard.RoleOperator || got.PasswordHash != "hash-alice" || len(got.Groups) != 1 || got.Groups[0] != "order-group" {
		t.Fatalf("found user = %+v", got)
	}
	got.DisplayName, got.Role, got.Groups, got.Disabled = "Alice", switchyard.RoleAdmin, []string{"pay-group", "order-group"}, true
	if err := s.UpdateUser(ctx(t), got); err != nil {
		t.Fatal(err)
	}
	if got.Revision != 2 {
		t.Fatalf("revision after update = %d, want 2", got.Revision)
	}
	again, err := s.FindUser(ctx(t), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if again.DisplayName != "Alice" || again.Role != switchyard.RoleAdmin || !again.Disabled || len(again.Groups) != 2 || again.Groups[0] != "order-group" {
		t.Fatalf("after update = %+v", again)
	}
	members, err := s.FindUsers(ctx(t), switchyard.UserFilter{Group: "pay-group"})
	if err != nil || len(members) != 1 || members[0].Name != "alice" {
		t.Fatalf("FindUsers(pay-group) = %v, %v", members, err)
	}
	mustCreateUser(t, s, "bob")
	all, err := s.FindUsers(ctx(t), switchyard.UserFilter{})
	if err != nil || len(all) != 2 || all[0].Name != "alice" || all[1].Name != "bob" || len(all[1].Groups) != 0 {
		t.Fatalf("FindUsers() = %v, %v", all, err)
	}
	if n, err := s.CountUsers(ctx(t)); err != nil || n != 2 {
		t.Fatalf("CountUsers = %d, %v", n, err)
	}
}

func testUserNameTaken(t *testing.T, s switchyard.Store) {
	mustCreateUser(t, s, "alice")
	err := s.CreateUser(ctx(t), &switchyard.User{Name: "alice", Role: switchyard.RoleViewer, PasswordHash: "x"})
	mustCode(t, err, switchyard.CodeConflict)
	if e := switchyard.AsError(err); e.Field != "name" || e.Reason != "user.name.taken" {
		t.Fatalf("field = %q, reason %q; want name, user.name.taken", e.Field, e.Reason)
	}
}

func testUserStaleRevision(t *testing.T, s switchyard.Store) {
	u := mustCreateUser(t, s, "alice")
	stale := *u
	u.DisplayName = "first"
	if err := s.UpdateUser(ctx(t), u); err != nil {
		t.Fatal(err)
	}
	stale.DisplayName = "second"
	mustCode(t, s.UpdateUser(ctx(t), &stale), switchyard.CodeConflict)
	mustCode(t, s.DeleteUser(ctx(t), u.ID, 1), switchyard.CodeConflict)
	got, _ := s.FindUser(ctx(t), u.ID)
	if got.DisplayName != "first" {
		t.Fatalf("stale update changed the user: %q", got.DisplayName)
	}
}

func testUserUnknownGroup(t *testing.T, s switchyard.Store) {
	err := s.CreateUser(ctx(t), &switchyard.User{Name: "alice", Role: switchyard.RoleViewer, Groups: []string{"nope"}, PasswordHash: "x"})
	mustCode(t, err, switchyard.CodeInvalid)
	if _, err := s.FindUserByName(ctx(t), "alice"); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("user was stored despite the unknown group: %v", err)
	}
	u := mustCreateUser(t, s, "bob")
	u.Groups = []string{"nope"}
	u.DisplayName = "changed"
	mustCode(t, s.UpdateUser(ctx(t), u), switchyard.CodeInvalid)
	got, _ := s.FindUser(ctx(t), u.ID)
	if got.DisplayName == "changed" || got.Revision != 1 {
		t.Fatalf("failed update was half applied: %+v", got)
	}
}

func testUserNotFound(t *testing.T, s switchyard.Store) {
	_, err := s.FindUser(ctx(t), "missing")
	mustCode(t, err, switchyard.CodeNotFound)
	_, err = s.FindUserByName(ctx(t), "missing")
	mustCode(t, err, switchyard.CodeNotFound)
	mustCode(t, s.UpdateUser(ctx(t), &switchyard.User{ID: "missing", Name: "missing", Role: switchyard.RoleViewer, Revision: 1}), switchyard.CodeNotFound)
	mustCode(t, s.DeleteUser(ctx(t), "missing", 0), switchyard.CodeNotFound)
}

func testDeleteUserCascades(t *testing.T, s switchyard.Store) {
	mustCreateGroup(t, s, "g1")
	u := mustCreateUser(t, s, "alice", "g1")
	tok := &switchyard.Token{UserID: u.ID, Name: "ci", Prefix: "sy_abc", Hash: "h1"}
	if err := s.CreateToken(ctx(t), tok); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.CreateSession(ctx(t), &switchyard.Session{ID: "s1", UserID: u.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteUser(ctx(t), u.ID, u.Revision); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindTokenByHash(ctx(t), "h1"); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("token survived its user: %v", err)
	}
	if _, err := s.FindSession(ctx(t), "s1"); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("session survived its user: %v", err)
	}
	g, err := s.FindGroup(ctx(t), "g1")
	if err != nil || len(g.Members) != 0 {
		t.Fatalf("group members after delete = %v, %v", g, err)
	}
}

func testGroupLifecycle(t *testing.T, s switchyard.Store) {
	g := mustCreateGroup(t, s, "order-group")
	err := s.CreateGroup(ctx(t), &switchyard.Group{Name: "order-group"})
	mustCode(t, err, switchyard.CodeConflict)
	if e := switchyard.AsError(err); e.Field != "name" || e.Reason != "group.name.taken" {
		t.Fatalf("field = %q, reason %q; want name, group.name.taken", e.Field, e.Reason)
	}
	mustCreateUser(t, s, "bob", "order-group")
	mustCreateUser(t, s, "alice", "order-group")
	got, err := s.FindGroup(ctx(t), "order-group")
	if err != nil || len(got.Members) != 2 || got.Members[0] != "alice" {
		t.Fatalf("FindGroup = %+v, %v", got, err)
	}
	stale := *g
	g.Description = "orders"
	if err := s.UpdateGroup(ctx(t), g); err != nil || g.Revision != 2 {
		t.Fatalf("UpdateGroup: %v, revision %d", err, g.Revision)
	}
	mustCode(t, s.UpdateGroup(ctx(t), &stale), switchyard.CodeConflict)
	all, err := s.FindGroups(ctx(t))
	if err != nil || len(all) != 1 || all[0].Description != "orders" {
		t.Fatalf("FindGroups = %v, %v", all, err)
	}
	mustCode(t, s.DeleteGroup(ctx(t), "order-group", 1), switchyard.CodeConflict)
	if err := s.DeleteGroup(ctx(t), "order-group", 2); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindGroup(ctx(t), "order-group")
	mustCode(t, err, switchyard.CodeNotFound)
	u, _ := s.FindUserByName(ctx(t), "alice")
	if len(u.Groups) != 0 {
		t.Fatalf("membership survived the group: %v", u.Groups)
	}
}

func testTokenLifecycle(t *testing.T, s switchyard.Store) {
	u := mustCreateUser(t, s, "alice")
	v := mustCreateUser(t, s, "bob")
	exp := time.Now().Add(24 * time.Hour).Truncate(time.Millisecond)
	t1 := &switchyard.Token{UserID: u.ID, Name: "ci", Prefix: "sy_aaaa", Hash: "hash-1", ExpiresAt: &exp}
	t2 := &switchyard.Token{UserID: v.ID, Name: "laptop", Prefix: "sy_bbbb", Hash: "hash-2"}
	for _, tk := range []*switchyard.Token{t1, t2} {
		if err := s.CreateToken(ctx(t), tk); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.FindTokenByHash(ctx(t), "hash-1")
	if err != nil || got.ID != t1.ID || got.UserName != "alice" || got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("FindTokenByHash = %+v, %v", got, err)
	}
	mine, err := s.FindTokens(ctx(t), switchyard.TokenFilter{UserID: u.ID})
	if err != nil || len(mine) != 1 {
		t.Fatalf("FindTokens(alice) = %v, %v", mine, err)
	}
	all, _ := s.FindTokens(ctx(t), switchyard.TokenFilter{})
	if len(all) != 2 || all[0].ID != t2.ID {
		t.Fatalf("FindTokens() = %v, want newest first", all)
	}
	at := time.Now().Truncate(time.Millisecond)
	if err := s.TouchToken(ctx(t), t1.ID, at); err != nil {
		t.Fatal(err)
	}
	rev, err := s.RevokeToken(ctx(t), t1.ID, at)
	if err != nil || rev.RevokedAt == nil || rev.LastUsedAt == nil || rev.Active(at) {
		t.Fatalf("RevokeToken = %+v, %v", rev, err)
	}
	if _, err := s.RevokeToken(ctx(t), t1.ID, at.Add(time.Hour)); err != nil {
		t.Fatalf("second revoke: %v", err)
	}
	again, _ := s.FindToken(ctx(t), t1.ID)
	if !again.RevokedAt.Equal(at) {
		t.Fatalf("second revoke moved revokedAt to %v", again.RevokedAt)
	}
	_, err = s.RevokeToken(ctx(t), "missing", at)
	mustCode(t, err, switchyard.CodeNotFound)
}

func testSessionLifecycle(t *testing.T, s switchyard.Store) {
	u := mustCreateUser(t, s, "alice")
	now := time.Now().Truncate(time.Millisecond)
	ss := &switchyard.Session{ID: "hash-s", UserID: u.ID, CSRFToken: "csrf", CreatedAt: now, ExpiresAt: now.Add(time.Hour), LastSeenAt: now, RemoteAddr: "127.0.0.1", UserAgent: "test"}
	if err := s.CreateSession(ctx(t), ss); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindSession(ctx(t), "hash-s")
	if err != nil || got.UserID != u.ID || got.CSRFToken != "csrf" || !got.ExpiresAt.Equal(ss.ExpiresAt) {
		t.Fatalf("FindSession = %+v, %v", got, err)
	}
	if err := s.TouchSession(ctx(t), "hash-s", now.Add(time.Minute), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindSession(ctx(t), "hash-s")
	if !got.ExpiresAt.Equal(now.Add(2 * time.Hour)) {
		t.Fatalf("expiry after touch = %v", got.ExpiresAt)
	}
	old := &switchyard.Session{ID: "hash-old", UserID: u.ID, CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(-time.Minute), LastSeenAt: now}
	if err := s.CreateSession(ctx(t), old); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteExpiredSessions(ctx(t), now); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v", n, err)
	}
	if err := s.DeleteSession(ctx(t), "hash-s"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx(t), "hash-s"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	_, err = s.FindSession(ctx(t), "hash-s")
	mustCode(t, err, switchyard.CodeNotFound)
}

func testAuditFilterAndPaging(t *testing.T, s switchyard.Store) {
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	entries := []switchyard.AuditEntry{
		{Actor: "admin", Action: "user.create", Resource: "user/alice", Outcome: "ok", Status: 201},
		{Actor: "admin", Action: "group.create", Resource: "group/g_1", Outcome: "ok", Status: 201},
		{Actor: "alice", Action: "token.create", Resource: "token/x", Outcome: "ok", Status: 201},
		{Actor: "alice", Action: "user.update", Resource: "user/bob", Outcome: "refused", Status: 403},
		{Actor: "admin", Action: "user_x.create", Resource: "user/zed", Outcome: "ok", Status: 201},
	}
	for i := range entries {
		e := entries[i]
		e.Time, e.Via, e.Method, e.Path = base.Add(time.Duration(i)*time.Minute), "session", "POST", "/api/x"
		if err := s.AppendAudit(ctx(t), &e); err != nil {
			t.Fatal(err)
		}
	}
	find := func(f switchyard.AuditFilter) []string {
		t.Helper()
		got, err := s.FindAudit(ctx(t), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range got {
			out = append(out, e.Action)
		}
		return out
	}
	tests := []struct {
		name string
		f    switchyard.AuditFilter
		want []string
	}{
		{"all newest first", switchyard.AuditFilter{}, []string{"user_x.create", "user.update", "token.create", "group.create", "user.create"}},
		{"actor", switchyard.AuditFilter{Actor: "alice"}, []string{"user.update", "token.create"}},
		{"action prefix with literal underscore", switchyard.AuditFilter{Action: "user_"}, []string{"user_x.create"}},
		{"action prefix", switchyard.AuditFilter{Action: "user."}, []string{"user.update", "user.create"}},
		{"resource prefix", switchyard.AuditFilter{Resource: "group/g_"}, []string{"group.create"}},
		{"outcome", switchyard.AuditFilter{Outcome: "refused"}, []string{"user.update"}},
		{"time window", switchyard.AuditFilter{Since: base.Add(time.Minute), Until: base.Add(3 * time.Minute)}, []string{"token.create", "group.create"}},
		{"limit", switchyard.AuditFilter{Limit: 2}, []string{"user_x.create", "user.update"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := find(tt.f); !equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	page1, _ := s.FindAudit(ctx(t), switchyard.AuditFilter{Limit: 2})
	page2 := find(switchyard.AuditFilter{Limit: 2, Before: page1[1].ID})
	if !equal(page2, []string{"token.create", "group.create"}) {
		t.Fatalf("page 2 = %v", page2)
	}
	if page1[0].Time != base.Add(4*time.Minute) || page1[0].Status != 201 || page1[0].Via != "session" {
		t.Fatalf("entry fields not kept: %+v", page1[0])
	}
}

func testConcurrentUpdates(t *testing.T, s switchyard.Store) {
	u := mustCreateUser(t, s, "alice")
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			c := *u
			c.DisplayName = "writer " + string(rune('a'+i))
			errs <- s.UpdateUser(ctx(t), &c)
		}(i)
	}
	ok, conflicts := 0, 0
	for i := 0; i < n; i++ {
		switch err := <-errs; switchyard.ErrorCode(err) {
		case "":
			ok++
		case switchyard.CodeConflict:
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Fatalf("ok = %d, conflicts = %d; want exactly one writer to win", ok, conflicts)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
