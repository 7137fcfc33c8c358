package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/switchyard-io/switchyard"
)

const tokenSelect = `SELECT t.id, t.user_id, u.name, t.name, t.prefix, t.hash, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.revision FROM api_tokens t JOIN users u ON u.id = t.user_id`

// CreateToken implements switchyard.TokenStore.
func (s *DB) CreateToken(ctx context.Context, t *switchyard.Token) error {
	now := s.Now()
	id := switchyard.NewID(now)
	_, err := s.db.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, prefix, hash, created_at, expires_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)`,
		id, t.UserID, t.Name, t.Prefix, t.Hash, millis(now), nullMillis(t.ExpiresAt))
	if err != nil {
		return s.wrap("create token", err)
	}
	t.ID, t.CreatedAt, t.Revision = id, fromMillis(millis(now)), 1
	return nil
}

// FindToken implements switchyard.TokenStore.
func (s *DB) FindToken(ctx context.Context, id string) (*switchyard.Token, error) {
	return s.findToken(ctx, `t.id = $1`, id, id)
}

// FindTokenByHash implements switchyard.TokenStore.
func (s *DB) FindTokenByHash(ctx context.Context, hash string) (*switchyard.Token, error) {
	return s.findToken(ctx, `t.hash = $1`, hash, "(by secret)")
}

func (s *DB) findToken(ctx context.Context, where, arg, label string) (*switchyard.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, tokenSelect+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "token %s not found", label).WithReason("token.not_found", nil)
	}
	return t, s.wrap("find token", err)
}

// FindTokens implements switchyard.TokenStore.
func (s *DB) FindTokens(ctx context.Context, f switchyard.TokenFilter) ([]*switchyard.Token, error) {
	q, args := tokenSelect+` ORDER BY t.id DESC`, []any{}
	if f.UserID != "" {
		q, args = tokenSelect+` WHERE t.user_id = $1 ORDER BY t.id DESC`, append(args, f.UserID)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("find tokens", err)
	}
	defer rows.Close()
	out := []*switchyard.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, s.wrap("scan token", err)
		}
		out = append(out, t)
	}
	return out, s.wrap("find tokens", rows.Err())
}

// RevokeToken implements switchyard.TokenStore.
func (s *DB) RevokeToken(ctx context.Context, id string, at time.Time) (*switchyard.Token, error) {
	if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1, revision = revision + 1 WHERE id = $2 AND revoked_at IS NULL`, millis(at), id); err != nil {
		return nil, s.wrap("revoke token", err)
	}
	return s.FindToken(ctx, id)
}

// RevokeUserTokens implements switchyard.TokenStore.
func (s *DB) RevokeUserTokens(ctx context.Context, userID string, at time.Time, except string) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1, revision = revision + 1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL`, millis(at), userID, except)
	if err != nil {
		return 0, s.wrap("revoke user tokens", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// TouchToken implements switchyard.TokenStore.
func (s *DB) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, millis(at), id)
	return s.wrap("touch token", err)
}

func scanToken(row scanner) (*switchyard.Token, error) {
	var t switchyard.Token
	var created int64
	var expires, used, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.UserID, &t.UserName, &t.Name, &t.Prefix, &t.Hash, &created, &expires, &used, &revoked, &t.Revision); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMillis(created)
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromNullMillis(expires), fromNullMillis(used), fromNullMillis(revoked)
	return &t, nil
}
