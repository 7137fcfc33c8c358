package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/switchyard-io/switchyard"
)

const releaseColumns = `name, description, type, state, subscription, grp, app, spec, created_at, created_by, executed_at, executed_by, config_version, revision`

// CreateRelease implements switchyard.ReleaseStore.
func (s *DB) CreateRelease(ctx context.Context, r *switchyard.Release) error {
	spec, err := json.Marshal(r.Spec)
	if err != nil {
		return err
	}
	now := s.Now()
	_, err = s.db.ExecContext(ctx, `INSERT INTO releases (`+releaseColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, '', 0, 1)`,
		r.Name, r.Description, string(r.Type), string(r.State), string(r.Subscription), r.Group, r.App, string(spec), millis(now), r.CreatedBy)
	if s.dialect.IsUniqueViolation(err) {
		if _, ferr := s.FindRelease(ctx, r.Name); ferr == nil {
			return taken(switchyard.FieldErrorf("name", "release.name.taken", "a release named %q already exists", r.Name).WithReason("release.name.taken", map[string]string{"name": r.Name}))
		}
		if r.App == "" {
			return taken(switchyard.FieldErrorf("subscription", "release.global.taken", "group %q already has a global-subscription (全局订阅) release; a group has one", r.Group).
				WithReason("release.global.taken", map[string]string{"group": r.Group}))
		}
		return taken(switchyard.FieldErrorf("app", "release.app.taken", "group %q already has a release for app %q; group + app is unique", r.Group, r.App).
			WithReason("release.app.taken", map[string]string{"group": r.Group, "app": r.App}))
	} else if err != nil {
		return s.wrap("create release", err)
	}
	r.CreatedAt, r.Revision = fromMillis(millis(now)), 1
	return nil
}

// taken makes a field error a conflict: the input is valid, the name is
// someone else's.
func taken(e *switchyard.Error) *switchyard.Error {
	e.Code = switchyard.CodeConflict
	return e
}

// FindRelease implements switchyard.ReleaseStore.
func (s *DB) FindRelease(ctx context.Context, name string) (*switchyard.Release, error) {
	r, err := scanRelease(s.db.QueryRowContext(ctx, `SELECT `+releaseColumns+` FROM releases WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "release %q not found", name).WithReason("release.not_found", map[string]string{"name": name})
	}
	return r, s.wrap("find release", err)
}

// FindReleases implements switchyard.ReleaseStore. The order is the
// releases_created index's, so a page is read off the index and stops.
func (s *DB) FindReleases(ctx context.Context, f switchyard.ReleaseFilter) ([]*switchyard.Release, error) {
	q := releaseConds(f, s.dialect.FoldLike())
	page := ""
	if f.Limit > 0 || f.Offset > 0 {
		limit := f.Limit
		if limit <= 0 {
			limit = math.MaxInt32 // both dialects take OFFSET only after a LIMIT
		}
		page = ` LIMIT ` + q.arg(limit) + ` OFFSET ` + q.arg(max(f.Offset, 0))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+releaseColumns+` FROM releases`+where(q.where)+` ORDER BY created_at DESC, name`+page, q.args...)
	if err != nil {
		return nil, s.wrap("find releases", err)
	}
	out, err := collect(rows, scanRelease)
	if out == nil {
		out = []*switchyard.Release{}
	}
	return out, s.wrap("find releases", err)
}

// CountReleases implements switchyard.ReleaseStore.
func (s *DB) CountReleases(ctx context.Context, f switchyard.ReleaseFilter) (int, error) {
	q := releaseConds(f, s.dialect.FoldLike())
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM releases`+where(q.where), q.args...).Scan(&n)
	return n, s.wrap("count releases", err)
}

// releaseConds is the WHERE of f; like is the dialect's case-folding LIKE.
func releaseConds(f switchyard.ReleaseFilter, like string) *conds {
	q := &conds{}
	if f.Group != "" {
		q.add("grp = ?", f.Group)
	}
	if f.Groups != nil {
		in(q, "grp", f.Groups)
	}
	if f.Types != nil {
		in(q, "type", f.Types)
	}
	if f.States != nil {
		in(q, "state", f.States)
	}
	if f.Search != "" {
		q.add(`(name `+like+` ? ESCAPE '\' OR app `+like+` ? ESCAPE '\' OR description `+like+` ? ESCAPE '\')`, likeContains(f.Search))
	}
	return q
}

// UpdateRelease implements switchyard.ReleaseStore.
func (s *DB) UpdateRelease(ctx context.Context, r *switchyard.Release, h *switchyard.ReleaseHistory) error {
	if err := s.tx(ctx, func(tx *sql.Tx) error { return s.updateRelease(ctx, tx, r, h) }); err != nil {
		return err
	}
	r.Revision++
	return nil
}

// updateRelease saves r if its revision matches and appends h (when not
// nil) within tx; the caller increments r.Revision after the commit.
func (s *DB) updateRelease(ctx context.Context, tx *sql.Tx, r *switchyard.Release, h *switchyard.ReleaseHistory) error {
	spec, err := json.Marshal(r.Spec)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE releases SET description = $1, type = $2, state = $3, spec = $4, executed_at = $5, executed_by = $6, config_version = $7, revision = revision + 1
		WHERE name = $8 AND revision = $9`,
		r.Description, string(r.Type), string(r.State), string(spec), nullMillis(r.ExecutedAt), r.ExecutedBy, r.ConfigVersion, r.Name, r.Revision)
	if err != nil {
		return s.wrap("update release", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.revisionError(ctx, tx, "release", r.Name, `SELECT COUNT(*) FROM releases WHERE name = $1`, r.Name, r.Revision)
	}
	if r.State == switchyard.StateEnded { // an ended release holds no lock
		if _, err := tx.ExecContext(ctx, `DELETE FROM release_locks WHERE release_name = $1`, r.Name); err != nil {
			return s.wrap("drop the lock of an ended release", err)
		}
	}
	if h == nil {
		return nil
	}
	if h.ID == "" {
		h.ID = switchyard.NewID(h.At)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO release_history (id, release_name, operation, state_before, state_after, type, yaml, xml, config_group, config_data_id, config_version, by_user, at, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		h.ID, r.Name, string(h.Operation), string(h.StateBefore), string(h.StateAfter), string(h.Type), h.YAML, h.XML, h.ConfigKey.Group, h.ConfigKey.DataID, h.ConfigVersion, h.By, millis(h.At), h.Detail)
	return s.wrap("append release history", err)
}

// DeleteRelease implements switchyard.ReleaseStore.
func (s *DB) DeleteRelease(ctx context.Context, name string, revision int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM release_history WHERE release_name = $1`, `DELETE FROM release_locks WHERE release_name = $1`} {
			if _, err := tx.ExecContext(ctx, q, name); err != nil {
				return s.wrap("delete release", err)
			}
		}
		q, args := `DELETE FROM releases WHERE name = $1`, []any{name}
		if revision != 0 {
			q, args = q+` AND revision = $2`, append(args, revision)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return s.wrap("delete release", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return s.revisionError(ctx, tx, "release", name, `SELECT COUNT(*) FROM releases WHERE name = $1`, name, revision)
		}
		return nil
	})
}

// ReleaseHistory implements switchyard.ReleaseStore.
func (s *DB) ReleaseHistory(ctx context.Context, name string, limit int) ([]*switchyard.ReleaseHistory, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, release_name, operation, state_before, state_after, type, yaml, xml, config_group, config_data_id, config_version, by_user, at, detail
		FROM release_history WHERE release_name = $1 ORDER BY id DESC LIMIT $2`, name, limit)
	if err != nil {
		return nil, s.wrap("release history", err)
	}
	defer rows.Close()
	out := []*switchyard.ReleaseHistory{}
	for rows.Next() {
		var h switchyard.ReleaseHistory
		var op, before, after, typ string
		var at int64
		if err := rows.Scan(&h.ID, &h.Release, &op, &before, &after, &typ, &h.YAML, &h.XML, &h.ConfigKey.Group, &h.ConfigKey.DataID, &h.ConfigVersion, &h.By, &at, &h.Detail); err != nil {
			return nil, s.wrap("scan release history", err)
		}
		h.Operation, h.StateBefore, h.StateAfter, h.Type, h.At = switchyard.Operation(op), switchyard.ReleaseState(before), switchyard.ReleaseState(after), switchyard.ReleaseType(typ), fromMillis(at)
		out = append(out, &h)
	}
	return out, s.wrap("release history", rows.Err())
}

// AcquireReleaseLock implements switchyard.ReleaseStore. One statement takes
// a free lock, renews the holder's (the same user in the same session) or
// takes over an expired one; any other holder keeps it, the same user in
// another session included (the database decides between concurrent
// callers).
func (s *DB) AcquireReleaseLock(ctx context.Context, l *switchyard.ReleaseLock, now time.Time) (*switchyard.ReleaseLock, error) {
	var since int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO release_locks (release_name, holder, holder_session, holder_name, since, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (release_name) DO UPDATE SET
			since = CASE WHEN release_locks.holder = excluded.holder AND release_locks.holder_session = excluded.holder_session THEN release_locks.since ELSE excluded.since END,
			holder = excluded.holder, holder_session = excluded.holder_session, holder_name = excluded.holder_name, expires_at = excluded.expires_at
		WHERE (release_locks.holder = excluded.holder AND release_locks.holder_session = excluded.holder_session) OR release_locks.expires_at <= $5
		RETURNING since`, l.Release, l.Holder, l.Session, l.HolderName, millis(now), millis(l.ExpiresAt)).Scan(&since)
	if errors.Is(err, sql.ErrNoRows) {
		cur, ferr := s.FindReleaseLock(ctx, l.Release, now)
		if ferr != nil {
			return nil, ferr
		}
		if cur == nil { // expired between the two statements: try again
			return s.AcquireReleaseLock(ctx, l, now)
		}
		return cur, switchyard.Errorf(switchyard.CodeConflict, "release %q is being operated by %s (since %s, until %s)", l.Release, cur.Holder,
			cur.Since.Format(time.RFC3339), cur.ExpiresAt.Format(time.RFC3339)).WithReason("release.locked", map[string]string{"holder": cur.Holder})
	} else if err != nil {
		return nil, s.wrap("acquire release lock", err)
	}
	return &switchyard.ReleaseLock{Release: l.Release, Holder: l.Holder, HolderName: l.HolderName, Session: l.Session, Since: fromMillis(since), ExpiresAt: fromMillis(millis(l.ExpiresAt))}, nil
}

const lockColumns = `release_name, holder, holder_session, holder_name, since, expires_at`

func scanLock(sc scanner) (*switchyard.ReleaseLock, error) {
	var l switchyard.ReleaseLock
	var since, exp int64
	if err := sc.Scan(&l.Release, &l.Holder, &l.Session, &l.HolderName, &since, &exp); err != nil {
		return nil, err
	}
	l.Since, l.ExpiresAt = fromMillis(since), fromMillis(exp)
	return &l, nil
}

// FindReleaseLock implements switchyard.ReleaseStore.
func (s *DB) FindReleaseLock(ctx context.Context, name string, now time.Time) (*switchyard.ReleaseLock, error) {
	l, err := scanLock(s.db.QueryRowContext(ctx, `SELECT `+lockColumns+` FROM release_locks WHERE release_name = $1 AND expires_at > $2`, name, millis(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, s.wrap("find release lock", err)
	}
	return l, nil
}

// ReleaseLocks implements switchyard.ReleaseStore.
func (s *DB) ReleaseLocks(ctx context.Context, now time.Time, names []string) ([]*switchyard.ReleaseLock, error) {
	q := &conds{}
	q.add("expires_at > ?", millis(now))
	if names != nil {
		in(q, "release_name", names)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+lockColumns+` FROM release_locks`+where(q.where)+` ORDER BY release_name`, q.args...)
	if err != nil {
		return nil, s.wrap("list release locks", err)
	}
	out, err := collect(rows, scanLock)
	return out, s.wrap("list release locks", err)
}

// ReleaseReleaseLock implements switchyard.ReleaseStore.
func (s *DB) ReleaseReleaseLock(ctx context.Context, name, holder, session string) error {
	q, args := `DELETE FROM release_locks WHERE release_name = $1`, []any{name}
	if holder != "" {
		q, args = q+` AND holder = $2 AND holder_session = $3`, append(args, holder, session)
	}
	_, err := s.db.ExecContext(ctx, q, args...)
	return s.wrap("release release lock", err)
}

func scanRelease(row scanner) (*switchyard.Release, error) {
	var r switchyard.Release
	var typ, state, sub, spec string
	var created int64
	var executed sql.NullInt64
	if err := row.Scan(&r.Name, &r.Description, &typ, &state, &sub, &r.Group, &r.App, &spec, &created, &r.CreatedBy, &executed, &r.ExecutedBy, &r.ConfigVersion, &r.Revision); err != nil {
		return nil, err
	}
	r.Type, r.State, r.Subscription = switchyard.ReleaseType(typ), switchyard.ReleaseState(state), switchyard.Subscription(sub)
	r.CreatedAt, r.ExecutedAt = fromMillis(created), fromNullMillis(executed)
	if err := json.Unmarshal([]byte(spec), &r.Spec); err != nil {
		return nil, err
	}
	return &r, nil
}
