package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/switchyard-io/switchyard"
)

// PutVerifyConfig implements switchyard.VerifyStore.
func (s *DB) PutVerifyConfig(ctx context.Context, c *switchyard.VerifyConfig, ifRevision int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var cur int64
		err := tx.QueryRowContext(ctx, `SELECT revision FROM verify_configs WHERE kind = $1 AND group_name = $2 AND service_id = $3`,
			string(c.Kind), c.Group, c.ServiceID).Scan(&cur)
		exists := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return s.wrap("read verify config", err)
		}
		if ifRevision >= 0 && cur != ifRevision {
			return switchyard.Errorf(switchyard.CodeConflict, "the saved %s config of %s was changed by someone else (revision %d is stored, not %d); reload and try again",
				c.Kind, switchyard.VerifyTask(c.Group, c.ServiceID), cur, ifRevision).
				WithReason("revision.stale", map[string]string{"kind": string(c.Kind), "name": switchyard.VerifyTask(c.Group, c.ServiceID)})
		}
		next := cur + 1
		if exists {
			_, err = tx.ExecContext(ctx, `UPDATE verify_configs SET body = $1, revision = $2, updated_at = $3, updated_by = $4
				WHERE kind = $5 AND group_name = $6 AND service_id = $7`,
				string(c.Body), next, millis(c.UpdatedAt), c.UpdatedBy, string(c.Kind), c.Group, c.ServiceID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO verify_configs (kind, group_name, service_id, body, revision, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				string(c.Kind), c.Group, c.ServiceID, string(c.Body), next, millis(c.UpdatedAt), c.UpdatedBy)
		}
		if err != nil {
			if s.dialect.IsUniqueViolation(err) {
				return switchyard.Errorf(switchyard.CodeConflict, "the saved %s config of %s was created by someone else meanwhile; reload and try again",
					c.Kind, switchyard.VerifyTask(c.Group, c.ServiceID)).WithReason("revision.stale", map[string]string{"kind": string(c.Kind)})
			}
			return s.wrap("save verify config", err)
		}
		c.Revision = next
		return nil
	})
}

// FindVerifyConfig implements switchyard.VerifyStore.
func (s *DB) FindVerifyConfig(ctx context.Context, kind switchyard.VerifyKind, group, serviceID string) (*switchyard.VerifyConfig, error) {
	c := &switchyard.VerifyConfig{Kind: kind, Group: group, ServiceID: serviceID}
	var body string
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT body, revision, updated_at, updated_by FROM verify_configs WHERE kind = $1 AND group_name = $2 AND service_id = $3`,
		string(kind), group, serviceID).Scan(&body, &c.Revision, &at, &c.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "no %s config is saved for %s", kind, switchyard.VerifyTask(group, serviceID)).
			WithReason("verify.config.not_found", map[string]string{"task": switchyard.VerifyTask(group, serviceID)})
	}
	if err != nil {
		return nil, s.wrap("find verify config", err)
	}
	c.Body, c.UpdatedAt = json.RawMessage(body), fromMillis(at)
	return c, nil
}

const verifyHeader = `id, kind, group_name, service_id, status, started_by, started_at, ended_at, reason, done, total, abort_by, abort_at, epoch, lease_owner, lease_until, seq`

func scanVerify(sc scanner, withBody bool) (*switchyard.VerifyRecord, error) {
	var r switchyard.VerifyRecord
	var kind, status, reason, body string
	var started, leaseUntil int64
	var ended, abortAt sql.NullInt64
	dest := []any{&r.ID, &kind, &r.Group, &r.ServiceID, &status, &r.StartedBy, &started, &ended, &reason, &r.Done, &r.Total, &r.AbortBy, &abortAt,
		&r.Epoch, &r.LeaseOwner, &leaseUntil, &r.Seq}
	if withBody {
		dest = append(dest, &body)
	}
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r.Kind, r.Status = switchyard.VerifyKind(kind), switchyard.VerifyStatus(status)
	r.StartedAt, r.EndedAt, r.AbortAt = fromMillis(started), fromNullMillis(ended), fromNullMillis(abortAt)
	if leaseUntil > 0 {
		r.LeaseUntil = fromMillis(leaseUntil)
	}
	if reason != "" {
		var m switchyard.Message
		if err := json.Unmarshal([]byte(reason), &m); err == nil {
			r.Reason = &m
		}
	}
	if withBody {
		r.Body = json.RawMessage(body)
	}
	return &r, nil
}

func reasonText(m *switchyard.Message) string {
	if m == nil {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func verifyNotFound(id string) error {
	return switchyard.Errorf(switchyard.CodeNotFound, "verification run %q not found", id).WithReason("verify.run.not_found", map[string]string{"id": id})
}

func verifyRunning(r *switchyard.VerifyRecord) error {
	return switchyard.Errorf(switchyard.CodeConflict, "simulation %s of %s is running (started by %s at %s); one simulation per group@@serviceId runs at a time",
		r.ID, switchyard.VerifyTask(r.Group, r.ServiceID), r.StartedBy, r.StartedAt.Format(time.RFC3339)).
		WithReason("verify.running", map[string]string{"id": r.ID, "task": switchyard.VerifyTask(r.Group, r.ServiceID), "user": r.StartedBy, "since": r.StartedAt.Format(time.RFC3339)})
}

// runningSimulation returns the RUNNING simulation of (group, serviceId), or nil.
func (s *DB) runningSimulation(ctx context.Context, q queryer, group, serviceID string) (*switchyard.VerifyRecord, error) {
	r, err := scanVerify(q.QueryRowContext(ctx, `SELECT `+verifyHeader+` FROM verify_runs WHERE kind = 'simulation' AND status = 'RUNNING' AND group_name = $1 AND service_id = $2`,
		group, serviceID), false)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, s.wrap("find running simulation", err)
}

// CreateVerifyRun implements switchyard.VerifyStore.
func (s *DB) CreateVerifyRun(ctx context.Context, r *switchyard.VerifyRecord) (*switchyard.VerifyRecord, error) {
	var running *switchyard.VerifyRecord
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if r.Kind == switchyard.VerifySimulation && r.Status == switchyard.VerifyRunning {
			cur, err := s.runningSimulation(ctx, tx, r.Group, r.ServiceID)
			if err != nil {
				return err
			}
			if cur != nil {
				running = cur
				return verifyRunning(cur)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO verify_runs (id, kind, group_name, service_id, status, started_by, started_at, ended_at, reason, done, total, body,
			abort_by, abort_at, epoch, lease_owner, lease_until, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', NULL, 1, $13, $14, 1)`,
			r.ID, string(r.Kind), r.Group, r.ServiceID, string(r.Status), r.StartedBy, millis(r.StartedAt), nullMillis(r.EndedAt), reasonText(r.Reason),
			r.Done, r.Total, string(r.Body), r.LeaseOwner, leaseMillis(r.LeaseUntil))
		if err != nil {
			if s.dialect.IsUniqueViolation(err) {
				return errUniqueRace
			}
			return s.wrap("create verification run", err)
		}
		return nil
	})
	if errors.Is(err, errUniqueRace) {
		// Another start won between the check and the insert.
		cur, ferr := s.runningSimulation(ctx, s.db, r.Group, r.ServiceID)
		if ferr != nil {
			return nil, ferr
		}
		if cur == nil {
			return nil, switchyard.Errorf(switchyard.CodeConflict, "verification run %s: another run was created at the same time; try again", r.ID).WithReason("verify.running", nil)
		}
		return cur, verifyRunning(cur)
	}
	if err != nil {
		return running, err
	}
	r.Epoch, r.Seq = 1, 1
	return nil, nil
}

var errUniqueRace = errors.New("unique race")

// FindVerifyRun implements switchyard.VerifyStore.
func (s *DB) FindVerifyRun(ctx context.Context, id string) (*switchyard.VerifyRecord, error) {
	r, err := scanVerify(s.db.QueryRowContext(ctx, `SELECT `+verifyHeader+`, body FROM verify_runs WHERE id = $1`, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, verifyNotFound(id)
	}
	return r, s.wrap("find verification run", err)
}

// FindVerifyRuns implements switchyard.VerifyStore.
func (s *DB) FindVerifyRuns(ctx context.Context, f switchyard.VerifyFilter) ([]*switchyard.VerifyRecord, error) {
	q, args := `SELECT `+verifyHeader+` FROM verify_runs WHERE 1 = 1`, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.Kind != "" {
		add("kind = $%d", string(f.Kind))
	}
	if f.Group != "" {
		add("group_name = $%d", f.Group)
	}
	if f.ServiceID != "" {
		add("service_id = $%d", f.ServiceID)
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q+fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, s.wrap("find verification runs", err)
	}
	out, err := collect(rows, func(sc scanner) (*switchyard.VerifyRecord, error) { return scanVerify(sc, false) })
	if out == nil {
		out = []*switchyard.VerifyRecord{}
	}
	return out, s.wrap("find verification runs", err)
}

// SaveVerifyRun implements switchyard.VerifyStore.
func (s *DB) SaveVerifyRun(ctx context.Context, r *switchyard.VerifyRecord) error {
	var abortBy string
	var abortAt sql.NullInt64
	var seq int64
	err := s.db.QueryRowContext(ctx, `UPDATE verify_runs SET status = $1, reason = $2, done = $3, total = $4, body = $5, ended_at = $6, lease_owner = $7, lease_until = $8, seq = seq + 1
		WHERE id = $9 AND epoch = $10 RETURNING abort_by, abort_at, seq`,
		string(r.Status), reasonText(r.Reason), r.Done, r.Total, string(r.Body), nullMillis(r.EndedAt), r.LeaseOwner, leaseMillis(r.LeaseUntil), r.ID, r.Epoch).
		Scan(&abortBy, &abortAt, &seq)
	if errors.Is(err, sql.ErrNoRows) {
		if _, ferr := s.FindVerifyRun(ctx, r.ID); ferr != nil {
			return ferr
		}
		return switchyard.Errorf(switchyard.CodeConflict, "verification run %s: the lease of epoch %d was lost to another process; nothing was written", r.ID, r.Epoch).
			WithReason("verify.lease_lost", nil)
	}
	if err != nil {
		return s.wrap("save verification run", err)
	}
	r.AbortBy, r.AbortAt, r.Seq = abortBy, fromNullMillis(abortAt), seq
	return nil
}

// ClaimVerifyRun implements switchyard.VerifyStore.
func (s *DB) ClaimVerifyRun(ctx context.Context, id, owner string, now, until time.Time) (*switchyard.VerifyRecord, error) {
	r, err := scanVerify(s.db.QueryRowContext(ctx, `UPDATE verify_runs SET lease_owner = $1, lease_until = $2, epoch = epoch + 1
		WHERE id = $3 AND (lease_until <= $4 OR lease_owner = $1) RETURNING `+verifyHeader+`, body`, owner, millis(until), id, millis(now)), true)
	if errors.Is(err, sql.ErrNoRows) {
		cur, ferr := s.FindVerifyRun(ctx, id)
		if ferr != nil {
			return nil, ferr
		}
		return nil, switchyard.Errorf(switchyard.CodeConflict, "verification run %s is held by %s until %s", id, cur.LeaseOwner, cur.LeaseUntil.Format(time.RFC3339)).
			WithReason("verify.leased", map[string]string{"owner": cur.LeaseOwner})
	}
	return r, s.wrap("claim verification run", err)
}

// RequestVerifyAbort implements switchyard.VerifyStore.
func (s *DB) RequestVerifyAbort(ctx context.Context, id, by string, at time.Time) (*switchyard.VerifyRecord, error) {
	if _, err := s.db.ExecContext(ctx, `UPDATE verify_runs SET abort_by = $1, abort_at = $2 WHERE id = $3 AND status = 'RUNNING' AND abort_by = ''`,
		by, millis(at), id); err != nil {
		return nil, s.wrap("request abort", err)
	}
	r, err := s.FindVerifyRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.Status.Finished() {
		return r, switchyard.Errorf(switchyard.CodeConflict, "verification run %s has already finished (%s)", id, r.Status).
			WithReason("verify.finished", map[string]string{"id": id, "status": string(r.Status)})
	}
	return r, nil
}

// PruneVerifyRuns implements switchyard.VerifyStore.
func (s *DB) PruneVerifyRuns(ctx context.Context, kind switchyard.VerifyKind, group, serviceID string, keep int) (int, error) {
	keep = max(keep, 0)
	res, err := s.db.ExecContext(ctx, `DELETE FROM verify_runs WHERE kind = $1 AND group_name = $2 AND service_id = $3 AND status <> 'RUNNING'
		AND id NOT IN (SELECT id FROM verify_runs WHERE kind = $1 AND group_name = $2 AND service_id = $3 AND status <> 'RUNNING' ORDER BY id DESC LIMIT $4)`,
		string(kind), group, serviceID, keep)
	if err != nil {
		return 0, s.wrap("prune verification runs", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
