package switchyard

import (
	"context"
	"time"
)

// Token is an API token for the CLI and CI. The secret is shown once when it
// is created; the store keeps only its SHA-256 hash.
type Token struct {
	ID         string     `json:"id"`
	UserID     string     `json:"userId"`
	UserName   string     `json:"userName"`
	Name       string     `json:"name" doc:"what the token is for"`
	Prefix     string     `json:"prefix" doc:"the first characters of the secret, to recognise it"`
	Hash       string     `json:"-"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt,omitempty"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
	Revision   int64      `json:"revision"`
}

// Active reports whether t can authenticate at now.
func (t *Token) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// TokenFilter narrows FindTokens.
type TokenFilter struct {
	UserID string // "" = all users
}

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateToken stores t (Hash set by the caller) with revision 1.
	CreateToken(ctx context.Context, t *Token) error
	// FindToken returns a token by ID; CodeNotFound if none.
	FindToken(ctx context.Context, id string) (*Token, error)
	// FindTokenByHash returns the token whose secret hashes to hash.
	FindTokenByHash(ctx context.Context, hash string) (*Token, error)
	// FindTokens lists tokens, newest first.
	FindTokens(ctx context.Context, f TokenFilter) ([]*Token, error)
	// RevokeToken marks the token revoked at at (idempotent).
	RevokeToken(ctx context.Context, id string, at time.Time) (*Token, error)
	// TouchToken records a use at at; best effort, never conflicts.
	TouchToken(ctx context.Context, id string, at time.Time) error
	// RevokeUserTokens marks every active token of the user revoked at at,
	// except the token with ID except ("" = none), and returns how many it
	// revoked. Tokens already revoked keep their time.
	RevokeUserTokens(ctx context.Context, userID string, at time.Time, except string) (int, error)
}

// Session is a console login. ID is the SHA-256 hash of the cookie value.
type Session struct {
	ID         string
	UserID     string
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	RemoteAddr string
	UserAgent  string
}

// SessionStore keeps console sessions.
type SessionStore interface {
	// CreateSession stores s.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session by hashed ID; CodeNotFound if none.
	FindSession(ctx context.Context, id string) (*Session, error)
	// TouchSession moves the session's last-seen time and expiry.
	TouchSession(ctx context.Context, id string, seen, expires time.Time) error
	// DeleteSession removes a session (idempotent).
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions removes every session of the user except the one
	// with ID except ("" = none) and returns how many it removed: how a
	// password change signs the user out elsewhere.
	DeleteUserSessions(ctx context.Context, userID, except string) (int, error)
	// DeleteExpiredSessions removes sessions expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}
