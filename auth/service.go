package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
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
	// SessionMaxAge is how long a session lives however active it is.
	SessionMaxAge time.Duration
	// Cost is the bcrypt cost of new password hashes (default 11; tests
	// lower it).
	Cost int

	touched touchCache
	tokens  tokenCache
}

// New returns a service with defaults: sessions idle for 12 h or 7 days
// old end, the default throttle.
func New(store switchyard.Store, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Store: store, Throttle: NewThrottle(), Logger: logger, Now: time.Now,
		SessionTTL: 12 * time.Hour, SessionMaxAge: 7 * 24 * time.Hour, Cost: bcryptCost}
}

// Login checks a user name and password and opens a console session. It
// returns the cookie value (shown only to the browser) and the principal.
// Wrong names and wrong passwords get the same error and take the same time.
//
// The name and password are checked for shape first (CheckLogin): a name
// no user can have is refused before the throttle or the store sees it.
func (s *Service) Login(ctx context.Context, name, password, addr, userAgent string) (cookie string, p *Principal, err error) {
	if err := CheckLogin(switchyard.LoginRequest{Username: name, Password: password}); err != nil {
		return "", nil, err
	}
	u, err := s.checkCredentials(ctx, name, password, addr)
	if err != nil {
		return "", nil, err
	}
	now := s.Now()
	cookie, id := newSecret(32)
	ss := &switchyard.Session{ID: id, UserID: u.ID, CSRFToken: randomString(24), CreatedAt: now, ExpiresAt: s.expiry(now, now), LastSeenAt: now,
		RemoteAddr: switchyard.Truncate(switchyard.StorableText(addr), MaxUserAgent), UserAgent: switchyard.Truncate(switchyard.StorableText(userAgent), MaxUserAgent)}
	if err := s.Store.CreateSession(ctx, ss); err != nil {
		return "", nil, err
	}
	return cookie, &Principal{User: u, Via: "session", SessionID: id, CSRFToken: ss.CSRFToken}, nil
}

// MaxUserAgent bounds the user agent (and address) a session keeps.
const MaxUserAgent = 200

// ErrRepeatedRefusal is the cause of a throttled login after the first of
// its throttle window: callers record the first refusal and leave the
// repeats out of the audit log, so a guesser cannot flood it.
var ErrRepeatedRefusal = errors.New("auth: login refused again within the throttle window")

// CheckLogin checks the shape of a sign-in: a user name a user can have
// (switchyard.ValidateName), a password of at most 72 bytes (no stored
// password is longer), a token name of at most 100 characters without
// control characters. Errors name the field; none repeats a long input.
func CheckLogin(req switchyard.LoginRequest) error {
	if err := switchyard.ValidateName("username", req.Username); err != nil {
		return err
	}
	if len(req.Password) > maxPasswordBytes {
		return switchyard.FieldErrorf("password", "password.long", "password must be at most %d bytes", maxPasswordBytes)
	}
	return checkTokenName("tokenName", req.TokenName)
}

// expiry is when a session created at created and seen at now expires:
// SessionTTL after now, but never past SessionMaxAge after created.
func (s *Service) expiry(created, now time.Time) time.Time {
	idle := now.Add(s.SessionTTL)
	if s.SessionMaxAge > 0 {
		if end := created.Add(s.SessionMaxAge); end.Before(idle) {
			return end
		}
	}
	return idle
}

// checkCredentials returns the user if name and password match and the
// account is enabled, recording failures in the throttle.
func (s *Service) checkCredentials(ctx context.Context, name, password, addr string) (*switchyard.User, error) {
	now := s.Now()
	if wait, first := s.Throttle.Allow(name, addr, now); wait > 0 {
		secs := strconv.Itoa(int(wait.Seconds()) + 1)
		err := switchyard.Errorf(switchyard.CodeTooManyRequests, "too many failed logins; try again in %s seconds", secs).
			WithReason("login.throttled", map[string]string{"seconds": secs})
		if !first {
			err = err.WithCause(ErrRepeatedRefusal)
		}
		return nil, err
	}
	u, err := s.Store.FindUserByName(ctx, name)
	if err != nil && !switchyard.IsCode(err, switchyard.CodeNotFound) {
		return nil, err
	}
	if u == nil {
		checkHash(dummyHash, password)
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
	if switchyard.IsCode(err, switchyard.CodeNotFound) || (err == nil && s.ended(ss, now)) {
		return nil, errSessionExpired()
	} else if err != nil {
		return nil, err
	}
	u, err := s.activeUser(ctx, ss.UserID)
	if err != nil {
		return nil, err
	}
	if s.touched.due(ss.ID, now) {
		if err := s.Store.TouchSession(ctx, ss.ID, now, s.expiry(ss.CreatedAt, now)); err != nil {
			s.Logger.WarnContext(ctx, "touch session", "err", err)
		}
	}
	return &Principal{User: u, Via: "session", SessionID: ss.ID, CSRFToken: ss.CSRFToken}, nil
}

// ended reports whether ss is over at now: idle past its expiry, or older
// than SessionMaxAge however active (sessions stored before the max age
// existed carry an uncapped expiry, hence both checks).
func (s *Service) ended(ss *switchyard.Session, now time.Time) bool {
	return !now.Before(ss.ExpiresAt) || (s.SessionMaxAge > 0 && !now.Before(ss.CreatedAt.Add(s.SessionMaxAge)))
}

func errSessionExpired() error {
	return switchyard.Errorf(switchyard.CodeUnauthenticated, "your session has expired; log in again").WithReason("session.expired", nil)
}

// TokenPrincipal returns the principal of an API token secret.
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (*Principal, error) {
	now := s.Now()
	hash := hashSecret(secret)
	if p, ok := s.tokens.get(hash, now); ok {
		return p, nil
	}
	t, err := s.Store.FindTokenByHash(ctx, hash)
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
	s.tokens.put(hash, t, u, now)
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
