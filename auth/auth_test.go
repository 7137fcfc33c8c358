package auth_test

import (
	"path/filepath"

	"golang.org/x/crypto/bcrypt"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T) (*auth.Service, *clock) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	s := auth.New(st, nil)
	s.Cost = bcrypt.MinCost // TestDefaultCost covers the production cost
	s.Now = c.now
	st.Now = c.now
	return s, c
}

func TestBootstrapCreatesAdminOnce(t *testing.T) {
	s, _ := newService(t)
	pw, err := s.Bootstrap(t.Context(), "")
	if err != nil || len(pw) != 20 {
		t.Fatalf("Bootstrap = %q, %v; want a 20-character generated password", pw, err)
	}
	if _, _, err := s.Login(t.Context(), "admin", pw, "127.0.0.1", "test"); err != nil {
		t.Fatalf("login with the generated password: %v", err)
	}
	again, err := s.Bootstrap(t.Context(), "another-password")
	if err != nil || again != "" {
		t.Fatalf("second Bootstrap = %q, %v; want no change", again, err)
	}
	if _, _, err := s.Login(t.Context(), "admin", "another-password", "127.0.0.1", "test"); err == nil {
		t.Fatal("second bootstrap changed the admin password")
	}
}

func TestLoginSessionAndCSRF(t *testing.T) {
	s, c := newService(t)
	if _, err := s.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	cookie, p, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.1", "ua")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionPrincipal(t.Context(), cookie)
	if err != nil || got.User.Name != "admin" || got.Via != "session" {
		t.Fatalf("SessionPrincipal = %+v, %v", got, err)
	}
	if !got.CheckCSRF(p.CSRFToken) || got.CheckCSRF("") || got.CheckCSRF("wrong") {
		t.Fatal("CSRF check must accept exactly the session's token")
	}
	c.t = c.t.Add(13 * time.Hour)
	if _, err := s.SessionPrincipal(t.Context(), cookie); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("expired session: %v, want unauthenticated", err)
	}
	if _, err := s.SessionPrincipal(t.Context(), "forged"); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("forged cookie: %v", err)
	}
}

func TestLoginErrorsAreUniformAndThrottled(t *testing.T) {
	s, c := newService(t)
	if _, err := s.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	_, _, unknown := s.Login(t.Context(), "nobody", "x", "10.0.0.2", "")
	_, _, wrong := s.Login(t.Context(), "admin", "x", "10.0.0.2", "")
	if unknown.Error() != wrong.Error() || switchyard.ErrorCode(wrong) != switchyard.CodeUnauthenticated {
		t.Fatalf("unknown user %q and wrong password %q must look the same", unknown, wrong)
	}
	for i := 0; i < 4; i++ {
		s.Login(t.Context(), "admin", "x", "10.0.0.2", "")
	}
	_, _, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.2", "")
	if switchyard.ErrorCode(err) != switchyard.CodeTooManyRequests {
		t.Fatalf("6th attempt: %v, want too_many_requests even with the right password", err)
	}
	if _, _, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.3", ""); err != nil {
		t.Fatalf("another address is not throttled: %v", err)
	}
	c.t = c.t.Add(16 * time.Minute)
	if _, _, err := s.Login(t.Context(), "admin", "admin-password", "10.0.0.2", ""); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestTokensAreShownOnceAndRevocable(t *testing.T) {
	s, c := newService(t)
	u, err := s.CreateUser(t.Context(), switchyard.NewUser{Name: "ci-bot", Role: switchyard.RoleOperator, Password: "bot-password"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := s.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "pipeline", ExpiresIn: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(it.Secret, "sy_") || it.Token.Prefix != it.Secret[:10] || strings.Contains(it.Token.Hash, it.Secret) {
		t.Fatalf("issued %+v", it)
	}
	stored, _ := s.Store.FindToken(t.Context(), it.Token.ID)
	if stored.Hash == it.Secret || stored.Hash == "" {
		t.Fatal("the store must keep only a hash")
	}
	if p, err := s.TokenPrincipal(t.Context(), it.Secret); err != nil || p.User.Name != "ci-bot" || !p.CheckCSRF("") {
		t.Fatalf("TokenPrincipal = %+v, %v", p, err)
	}
	c.t = c.t.Add(2 * time.Hour)
	if _, err := s.TokenPrincipal(t.Context(), it.Secret); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("expired token: %v", err)
	}
	it2, _ := s.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "laptop"})
	if _, err := s.Store.RevokeToken(t.Context(), it2.Token.ID, c.t); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenPrincipal(t.Context(), it2.Secret); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := s.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "x", ExpiresIn: "soon"}); switchyard.AsError(err).Field != "expiresIn" {
		t.Fatalf("bad expiresIn: %v", err)
	}
}

func TestLastAdminIsKept(t *testing.T) {
	s, _ := newService(t)
	if _, err := s.Bootstrap(t.Context(), "admin-password"); err != nil {
		t.Fatal(err)
	}
	admin, _ := s.Store.FindUserByName(t.Context(), "admin")
	viewer := switchyard.RoleViewer
	if _, err := s.UpdateUser(t.Context(), nil, "admin", switchyard.UserUpdate{Revision: admin.Revision, Role: &viewer}); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("demoting the last admin: %v, want conflict", err)
	}
	if _, err := s.UpdateUser(t.Context(), &auth.Principal{User: admin, Via: "session"}, "admin", switchyard.UserUpdate{Revision: admin.Revision, Role: &viewer}); switchyard.ErrorCode(err) != switchyard.CodeInvalid {
		t.Fatalf("self-demotion: %v, want invalid", err)
	}
	if err := s.DeleteUser(t.Context(), admin, "admin", 0); switchyard.ErrorCode(err) != switchyard.CodeInvalid {
		t.Fatalf("self-delete: %v", err)
	}
	if _, err := s.CreateUser(t.Context(), switchyard.NewUser{Name: "root2", Role: switchyard.RoleAdmin, Password: "second-admin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(t.Context(), nil, "admin", switchyard.UserUpdate{Revision: admin.Revision, Role: &viewer}); err != nil {
		t.Fatalf("demoting one of two admins: %v", err)
	}
}

func TestCreateUserValidation(t *testing.T) {
	s, _ := newService(t)
	tests := []struct {
		name  string
		nu    switchyard.NewUser
		field string
	}{
		{"bad name", switchyard.NewUser{Name: "Alice!", Role: switchyard.RoleViewer, Password: "long-enough"}, "name"},
		{"bad role", switchyard.NewUser{Name: "alice", Role: "root", Password: "long-enough"}, "role"},
		{"short password", switchyard.NewUser{Name: "alice", Role: switchyard.RoleViewer, Password: "short"}, "password"},
		{"unknown group", switchyard.NewUser{Name: "alice", Role: switchyard.RoleViewer, Password: "long-enough", Groups: []string{"nope"}}, "groups"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.CreateUser(t.Context(), tt.nu)
			if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || e.Field != tt.field {
				t.Fatalf("err = %v, want invalid on %s", err, tt.field)
			}
		})
	}
	if n, _ := s.Store.CountUsers(t.Context()); n != 0 {
		t.Fatalf("%d users stored by failed creates", n)
	}
}

func TestChangePassword(t *testing.T) {
	s, _ := newService(t)
	u, _ := s.CreateUser(t.Context(), switchyard.NewUser{Name: "alice", Role: switchyard.RoleViewer, Password: "first-password"})
	p := &auth.Principal{User: u, Via: "token"}
	if _, err := s.ChangePassword(t.Context(), p, switchyard.PasswordChange{Current: "nope-nope", New: "second-password"}); switchyard.AsError(err).Field != "current" {
		t.Fatalf("wrong current: %v", err)
	}
	if _, err := s.ChangePassword(t.Context(), p, switchyard.PasswordChange{Current: "first-password", New: "second-password"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Login(t.Context(), "alice", "second-password", "1.1.1.1", ""); err != nil {
		t.Fatalf("login with new password: %v", err)
	}
}

func TestDefaultCost(t *testing.T) {
	s := auth.New(nil, nil)
	if s.Cost < 11 {
		t.Fatalf("default bcrypt cost %d is below 11", s.Cost)
	}
	h, err := auth.HashPassword("password", "long-enough-pw", s.Cost)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := bcrypt.Cost([]byte(h)); c != s.Cost {
		t.Fatalf("hash cost %d, want %d", c, s.Cost)
	}
}

// TestTokenCache: a token authenticated a moment ago is trusted for a
// second without the store (a revoke made elsewhere lands within it), and
// refused at once after Forget or a change made through the service.
func TestTokenCache(t *testing.T) {
	s, c := newService(t)
	ctx := t.Context()
	u, err := s.CreateUser(ctx, switchyard.NewUser{Name: "agent1", Role: switchyard.RoleAgent, Password: "agent-password"})
	if err != nil {
		t.Fatal(err)
	}
	it, _ := s.IssueToken(ctx, u, switchyard.TokenRequest{Name: "a"})
	if _, err := s.TokenPrincipal(ctx, it.Secret); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.RevokeToken(ctx, it.Token.ID, c.t); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenPrincipal(ctx, it.Secret); err != nil {
		t.Fatalf("within its second the cached token is trusted: %v", err)
	}
	c.t = c.t.Add(time.Second)
	if _, err := s.TokenPrincipal(ctx, it.Secret); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("a second after a revoke made elsewhere: %v", err)
	}

	it2, _ := s.IssueToken(ctx, u, switchyard.TokenRequest{Name: "b"})
	p, err := s.TokenPrincipal(ctx, it2.Secret)
	if err != nil {
		t.Fatal(err)
	}
	p.User.Role = switchyard.RoleAdmin // a caller's copy: the cache keeps its own
	if p, _ := s.TokenPrincipal(ctx, it2.Secret); p.User.Role != switchyard.RoleAgent {
		t.Fatalf("the cached user was changed through a caller's copy: %s", p.User.Role)
	}
	yes := true
	if _, err := s.UpdateUser(ctx, nil, "agent1", switchyard.UserUpdate{Revision: u.Revision, Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TokenPrincipal(ctx, it2.Secret); switchyard.ErrorCode(err) != switchyard.CodeUnauthenticated {
		t.Fatalf("the token of a user disabled a moment ago: %v", err)
	}
}
