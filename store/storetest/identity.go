package storetest

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
)

// testEndUserSessions: a password change ends every session of the user
// but the one that made it, and no one else's.
func testEndUserSessions(t *testing.T, s switchyard.Store) {
	alice, bob := mustCreateUser(t, s, "alice"), mustCreateUser(t, s, "bob")
	now := time.Now().Truncate(time.Millisecond)
	for _, ss := range []*switchyard.Session{
		{ID: "a1", UserID: alice.ID}, {ID: "a2", UserID: alice.ID}, {ID: "a3", UserID: alice.ID}, {ID: "b1", UserID: bob.ID},
	} {
		ss.CSRFToken, ss.CreatedAt, ss.ExpiresAt, ss.LastSeenAt = "c", now, now.Add(time.Hour), now
		if err := s.CreateSession(ctx(t), ss); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteUserSessions(ctx(t), alice.ID, "a2")
	if err != nil || n != 2 {
		t.Fatalf("DeleteUserSessions = %d, %v; want 2", n, err)
	}
	for id, alive := range map[string]bool{"a1": false, "a2": true, "a3": false, "b1": true} {
		if _, err := s.FindSession(ctx(t), id); (err == nil) != alive {
			t.Errorf("session %s: alive = %v, want %v", id, err == nil, alive)
		}
	}
	if n, err := s.DeleteUserSessions(ctx(t), alice.ID, ""); err != nil || n != 1 {
		t.Fatalf("DeleteUserSessions without exception = %d, %v; want 1", n, err)
	}
}

// testRevokeUserTokens: revoking a user's tokens keeps the one in use, the
// revocation time of tokens already revoked, and others' tokens.
func testRevokeUserTokens(t *testing.T, s switchyard.Store) {
	alice, bob := mustCreateUser(t, s, "alice"), mustCreateUser(t, s, "bob")
	at := time.Now().Truncate(time.Millisecond)
	var toks []*switchyard.Token
	for i, u := range []*switchyard.User{alice, alice, alice, bob} {
		tk := &switchyard.Token{UserID: u.ID, Name: "t", Prefix: "sy_", Hash: "h" + string(rune('0'+i))}
		if err := s.CreateToken(ctx(t), tk); err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tk)
	}
	if _, err := s.RevokeToken(ctx(t), toks[2].ID, at.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := s.RevokeUserTokens(ctx(t), alice.ID, at, toks[1].ID)
	if err != nil || n != 1 {
		t.Fatalf("RevokeUserTokens = %d, %v; want 1 (one kept, one already revoked)", n, err)
	}
	for i, want := range []*time.Time{&at, nil, ptr(at.Add(-time.Hour)), nil} {
		got, err := s.FindToken(ctx(t), toks[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if (got.RevokedAt == nil) != (want == nil) || (want != nil && !got.RevokedAt.Equal(*want)) {
			t.Errorf("token %d revokedAt = %v, want %v", i, got.RevokedAt, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// testAuditIsBounded: whatever a caller sends, a stored audit row is
// bounded column by column, says where it was cut, and is valid UTF-8
// without NUL (which PostgreSQL's TEXT refuses: the record would be lost).
func testAuditIsBounded(t *testing.T, s switchyard.Store) {
	huge := strings.Repeat("é", 400_000) + "\x00\xff"
	e := &switchyard.AuditEntry{Time: time.Now(), Actor: huge, Via: huge, Action: huge, Resource: huge, Method: huge, Path: "/api/\x00" + huge,
		Outcome: huge, RemoteAddr: huge, RequestID: huge, Detail: "bad \xff byte " + huge, Status: 401}
	if err := s.AppendAudit(ctx(t), e); err != nil {
		t.Fatalf("AppendAudit of a huge, invalid entry: %v", err)
	}
	got, err := s.FindAudit(ctx(t), switchyard.AuditFilter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("FindAudit = %v, %v", got, err)
	}
	g := got[0]
	cols := []struct {
		name, v string
		max     int
	}{
		{"actor", g.Actor, switchyard.AuditActorMax}, {"via", g.Via, switchyard.AuditShortMax}, {"action", g.Action, switchyard.AuditShortMax},
		{"resource", g.Resource, switchyard.AuditResourceMax}, {"method", g.Method, switchyard.AuditShortMax}, {"path", g.Path, switchyard.AuditPathMax},
		{"outcome", g.Outcome, switchyard.AuditShortMax}, {"remoteAddr", g.RemoteAddr, switchyard.AuditShortMax},
		{"requestId", g.RequestID, switchyard.AuditShortMax}, {"detail", g.Detail, switchyard.AuditDetailMax},
	}
	for _, c := range cols {
		if len(c.v) > c.max || !utf8.ValidString(c.v) || strings.ContainsRune(c.v, 0) {
			t.Errorf("%s: %d bytes (max %d), valid UTF-8 %v, NUL %v", c.name, len(c.v), c.max, utf8.ValidString(c.v), strings.ContainsRune(c.v, 0))
		}
	}
	if !strings.HasPrefix(g.Path, "/api/") || !strings.Contains(g.Path, "truncated") || !strings.HasPrefix(g.Detail, "bad ") {
		t.Errorf("path %q…, detail %q…: a cut column keeps its start and says it was cut", g.Path[:20], g.Detail[:20])
	}
	if g.Status != 401 {
		t.Errorf("status = %d", g.Status)
	}
}
