package auth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
)

// TestSessionMaxAge: a session used every hour still ends at the absolute
// lifetime; the idle expiry never reaches past it.
func TestSessionMaxAge(t *testing.T) {
	s, c := newService(t)
	s.SessionMaxAge = 7 * 24 * time.Hour
	if _, err := s.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	cookie, _, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.1", "ua")
	if err != nil {
		t.Fatal(err)
	}
	start := c.t
	for c.t.Sub(start) < 7*24*time.Hour-time.Hour {
		if _, err := s.SessionPrincipal(t.Context(), cookie); err != nil {
			t.Fatalf("an active session ended after %v: %v", c.t.Sub(start), err)
		}
		c.t = c.t.Add(time.Hour)
	}
	c.t = start.Add(7 * 24 * time.Hour)
	if _, err := s.SessionPrincipal(t.Context(), cookie); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("session at its max age: %v, want unauthenticated", err)
	}
	h := sha256.Sum256([]byte(cookie))
	ss, err := s.Store.FindSession(t.Context(), hex.EncodeToString(h[:]))
	if err != nil || ss.ExpiresAt.After(start.Add(7*24*time.Hour)) {
		t.Fatalf("stored session %+v, %v: the idle expiry must not reach past the max age", ss, err)
	}
}

// TestThrottleReportsOncePerWindow: the first refusal of a key in a window
// is recorded; the repeats carry auth.ErrRepeatedRefusal.
func TestThrottleReportsOncePerWindow(t *testing.T) {
	s, c := newService(t)
	if _, err := s.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		s.Login(t.Context(), "admin", "x", "10.0.0.2", "")
	}
	var first, repeats int
	for i := 0; i < 20; i++ {
		_, _, err := s.Login(t.Context(), "admin", "x", "10.0.0.2", "")
		if switchyard.ErrorCode(err) != switchyard.CodeTooManyRequests {
			t.Fatalf("attempt %d: %v", i, err)
		}
		if errors.Is(err, auth.ErrRepeatedRefusal) {
			repeats++
		} else {
			first++
		}
		c.t = c.t.Add(10 * time.Second)
	}
	if first != 1 || repeats != 19 {
		t.Fatalf("%d first refusals and %d repeats; want 1 and 19", first, repeats)
	}
	c.t = c.t.Add(16 * time.Minute)
	for i := 0; i < 5; i++ {
		s.Login(t.Context(), "admin", "x", "10.0.0.2", "")
	}
	if _, _, err := s.Login(t.Context(), "admin", "x", "10.0.0.2", ""); errors.Is(err, auth.ErrRepeatedRefusal) || switchyard.ErrorCode(err) != switchyard.CodeTooManyRequests {
		t.Fatalf("first refusal of the next window: %v", err)
	}
}

// TestLoginInputIsCheckedBeforeTheThrottle: names a user cannot have are
// refused without a throttle record, so a spray of huge or odd names
// neither fills memory nor locks anyone out.
func TestLoginInputIsCheckedBeforeTheThrottle(t *testing.T) {
	s, _ := newService(t)
	if _, err := s.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 40; i++ {
		_, _, err := s.Login(t.Context(), strings.Repeat("a", 64+i), "x", "10.0.0.2", "")
		if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || e.Field != "username" {
			t.Fatalf("long name: %v", err)
		}
	}
	if _, _, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.2", ""); err != nil {
		t.Fatalf("the address was throttled by refused names: %v", err)
	}
	if _, _, err := s.LoginToken(t.Context(), switchyard.LoginRequest{Username: "admin", Password: "admin-password", TokenName: strings.Repeat("t", 101)}, "10.0.0.2"); switchyard.AsError(err) == nil || switchyard.AsError(err).Field != "tokenName" {
		t.Fatalf("long token name: %v", err)
	}
	_, _, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.2", strings.Repeat("é", 300)+"\xff")
	if err != nil {
		t.Fatalf("a long user agent: %v", err)
	}
}

// TestPasswordChangeEndsOtherSessions at the service: the current session
// (or token) survives, the others end; tokens go when asked.
func TestPasswordChangeEndsOtherSessionsService(t *testing.T) {
	s, _ := newService(t)
	u, _ := s.CreateUser(t.Context(), switchyard.NewUser{Name: "alice", Role: switchyard.RoleViewer, Password: "first-password"})
	ck1, p1, _ := s.Login(t.Context(), "alice", "first-password", "1.1.1.1", "")
	ck2, _, _ := s.Login(t.Context(), "alice", "first-password", "1.1.1.2", "")
	it, _ := s.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "ci"})
	got, err := s.ChangePassword(t.Context(), p1, switchyard.PasswordChange{Current: "first-password", New: "second-password", RevokeTokens: true})
	if err != nil || got.Sessions != 1 || got.Tokens != 1 {
		t.Fatalf("ChangePassword = %+v, %v; want 1 session ended, 1 token revoked", got, err)
	}
	if _, err := s.SessionPrincipal(t.Context(), ck1); err != nil {
		t.Fatalf("current session: %v", err)
	}
	if _, err := s.SessionPrincipal(t.Context(), ck2); err == nil {
		t.Fatal("other session survived")
	}
	if _, err := s.TokenPrincipal(t.Context(), it.Secret); err == nil {
		t.Fatal("token survived revokeTokens")
	}
	admin, _ := s.CreateUser(t.Context(), switchyard.NewUser{Name: "root", Role: switchyard.RoleAdmin, Password: "root-password"})
	pw := "third-password"
	u, _ = s.Store.FindUser(t.Context(), u.ID)
	if _, err := s.UpdateUser(t.Context(), &auth.Principal{User: admin, Via: "token"}, "alice", switchyard.UserUpdate{Revision: u.Revision, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionPrincipal(t.Context(), ck1); err == nil {
		t.Fatal("a session survived the admin reset")
	}
}
