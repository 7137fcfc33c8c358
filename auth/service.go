package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Principal is who makes a request: a user and how they proved it.
type Principal struct {
	User      *switchyard.User
	Via       string // "session" or "token"
	SessionID string // hashed session ID, for logout
	TokenID   string
	CSRFToken string // the session's CSRF token; empty for tokens
}

// CheckCSRF reports whether token is the session's CSRF token. Token-based
// principals need none: a browser never sends a bearer token by itself.
func (p *Principal) CheckCSRF(token string) bool {
	if p.Via != "session" {
		return true
	}
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(p.CSRFToken)) == 1
}

// Service authenticates users and manages sessions and tokens.
type Service struct {
	Store    switchyard.Store
	Throttle *Throttle
	Logger   *slog.Logger
	Now      func() time.Time
	// SessionTTL is how long an idle console session lives.
	SessionTTL time.Duration
	// Cost is the bcrypt cost of new password hashes (default 11; tests
	// lower it).
	Cost int

	touched touchCache
}

// New returns a service with defaults: 12 h sessions, the default throttle.
func New(store switchyard.Store, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Store: store, Throttle: NewThrottle(), Logger: logger, Now: time.Now, SessionTTL: 12 * time.Hour, Cost: bcryptCost}
}

// Login checks a user name and password and opens a console session. It
// returns the cookie value (shown only to the browser) and the principal.
// Wrong names and wrong passwords get the same error and take the same time.
func (s *Service) Login(ctx context.Context, name, password, addr, userAgent string) (cookie string, p *Principal, err error) {
	u, err := s.checkCredentials(ctx, name, password, addr)
	if err != nil {
		return "", nil, err
	}
	now := s.Now()
	cookie, id := newSecret(32)
	ss := &switchyard.Session{ID: id, UserID: u.ID, CSRFToken: randomString(24), CreatedAt: now, ExpiresAt: now.Add(s.SessionTTL), LastSeenAt: now, RemoteAddr: addr, UserAgent: truncate(userAgent, 200)}
	if err := s.Store.CreateSession(ctx, ss); err != nil {
		return "", nil, err
	}
	return cookie, &Principal{User: u, Via: "session", SessionID: id, CSRFToken: ss.CSRFToken}, nil
}

// checkCredentials returns the user if name and password match and the
// account is enabled, recording failures in the throttle.
func (s *Service) checkCredentials(ctx context.Context, name, password, addr string) (*switchyard.User, error) {
	now := s.Now()
	if wait := s.Throttle.Allow(name, addr, now); wait > 0 {
		secs := strconv.Itoa(int(wait.Seconds()) + 1)
		return nil, switchyard.Errorf(switchyard.CodeTooManyRequests, "too many failed logins; try again in %s seconds", secs).
			WithReason("login.throttled", map[string]string{"seconds": secs})
	}
	u, err := s.Store.FindUserByName(ctx, name)
	if err != nil && !switchyard.IsCode(err, switchyard.CodeNotFound) {
		return nil, err
	}
	if u == nil {
		checkHash(string(dummyHash), password)
	}
	if u == nil || !checkHash(u.PasswordHash, password) || u.Disabled {
		s.Throttle.Fail(name, addr, now)
		return nil, switchyard.Errorf(switchyard.CodeUnauthenticated, "invalid user name or password").WithReason("login.invalid", nil)
	}
	s.Throttle.Succeed(name, addr)
	return u, nil
}

// SessionPrincipal returns the principal of a session cookie, sliding its
// expiry. CodeUnauthenticated if it is unknown, expired or its user is gone
// or disabled.
func (s *Service) SessionPrincipal(ctx context.Context, cookie string) (*Principal, error) {
	now := s.Now()
	ss, err := s.Store.FindSession(ctx, hashSecret(cookie))
	if switchyard.IsCode(err, switchyard.CodeNotFound) || (err == nil && !now.Before(ss.ExpiresAt)) {
		return nil, errSessionExpired()
	} else if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, ss.UserID)
	if err != nil {
		return nil, err
	}
	if s.touched.due(ss.ID, now) {
		if err := s.Store.TouchSession(ctx, ss.ID, now, now.Add(s.SessionTTL)); err != nil {
			s.Logger.WarnContext(ctx, "touch session", "err", err)
		}
	}
	return &Principal{User: u, Via: "session", SessionID: ss.ID, CSRFToken: ss.CSRFToken}, nil
}

func errSessionExpired() error {
	return switchyard.Errorf(switchyard.CodeUnauthenticated, "your session has expired; log in again").WithReason("session.expired", nil)
}

// TokenPrincipal returns the principal of an API token secret.
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (*Principal, error) {
	now := s.Now()
	t, err := s.Store.FindTokenByHash(ctx, hashSecret(secret))
	if switchyard.IsCode(err, switchyard.CodeNotFound) || (err == nil && !t.Active(now)) {
		return nil, switchyard.Errorf(switchyard.CodeUnauthenticated, "the API token is invalid, expired or revoked").WithReason("token.invalid", nil)
	} else if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if s.touched.due(t.ID, now) {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			s.Logger.WarnContext(ctx, "touch token", "err", err)
		}
	}
	return &Principal{User: u, Via: "token", TokenID: t.ID}, nil
}

func (s *Service) activeUser(ctx context.Context, id string) (*switchyard.User, error) {
	u, err := s.Store.FindUser(ctx, id)
	if switchyard.IsCode(err, switchyard.CodeNotFound) || (err == nil && u.Disabled) {
		return nil, switchyard.Errorf(switchyard.CodeUnauthenticated, "the account is disabled or deleted").WithReason("account.disabled", nil)
	}
	return u, err
}

// Logout ends the principal's session (no-op for tokens).
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.SessionID == "" {
		return nil
	}
	return s.Store.DeleteSession(ctx, p.SessionID)
}

// newSecret returns a random secret of n bytes (base64url) and its hash.
func newSecret(n int) (secret, hash string) {
	secret = randomString(n)
	return secret, hashSecret(secret)
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how sessions and tokens are looked up: the store never sees
// a usable secret.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
