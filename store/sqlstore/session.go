package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/switchyard-io/switchyard"
)

// CreateSession implements switchyard.SessionStore.
func (s *DB) CreateSession(ctx context.Context, ss *switchyard.Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at, last_seen_at, remote_addr, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		ss.ID, ss.UserID, ss.CSRFToken, millis(ss.CreatedAt), millis(ss.ExpiresAt), millis(ss.LastSeenAt), ss.RemoteAddr, ss.UserAgent)
	return s.wrap("create session", err)
}

// FindSession implements switchyard.SessionStore.
func (s *DB) FindSession(ctx context.Context, id string) (*switchyard.Session, error) {
	var ss switchyard.Session
	var created, expires, seen int64
	err := s.db.QueryRowContext(ctx, `SELECT id, user_id, csrf_token, created_at, expires_at, last_seen_at, remote_addr, user_agent FROM sessions WHERE id = $1`, id).
		Scan(&ss.ID, &ss.UserID, &ss.CSRFToken, &created, &expires, &seen, &ss.RemoteAddr, &ss.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "session not found").WithReason("session.not_found", nil)
	} else if err != nil {
		return nil, s.wrap("find session", err)
	}
	ss.CreatedAt, ss.ExpiresAt, ss.LastSeenAt = fromMillis(created), fromMillis(expires), fromMillis(seen)
	return &ss, nil
}

// TouchSession implements switchyard.SessionStore.
func (s *DB) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3`, millis(seen), millis(expires), id)
	return s.wrap("touch session", err)
}

// DeleteSession implements switchyard.SessionStore.
func (s *DB) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
	return s.wrap("delete session", err)
}

// DeleteUserSessions implements switchyard.SessionStore.
func (s *DB) DeleteUserSessions(ctx context.Context, userID, except string) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, userID, except)
	if err != nil {
		return 0, s.wrap("delete user sessions", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteExpiredSessions implements switchyard.SessionStore.
func (s *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, millis(now))
	if err != nil {
		return 0, s.wrap("delete expired sessions", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
