package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchyard-io/switchyard"
)

const executionColumns = `id, workflow_id, workflow_version, release_name, status, current_step, started_at, started_by, ended_at, state, wake_at, epoch, lease_owner, lease_until, seq`

func scanExecution(sc scanner) (*switchyard.ExecutionRecord, error) {
	var e switchyard.ExecutionRecord
	var status, state string
	var started, leaseUntil int64
	var ended, wake sql.NullInt64
	if err := sc.Scan(&e.ID, &e.WorkflowID, &e.WorkflowVersion, &e.ReleaseID, &status, &e.CurrentStep, &started, &e.StartedBy, &ended, &state, &wake,
		&e.Epoch, &e.LeaseOwner, &leaseUntil, &e.Seq); err != nil {
		return nil, err
	}
	e.Status, e.State = switchyard.ExecutionStatus(status), []byte(state)
	e.StartedAt, e.EndedAt, e.WakeAt = fromMillis(started), fromNullMillis(ended), fromNullMillis(wake)
	if leaseUntil > 0 {
		e.LeaseUntil = fromMillis(leaseUntil)
	}
	return &e, nil
}

func executionNotFound(id string) error {
	return switchyard.Errorf(switchyard.CodeNotFound, "execution %q not found", id).WithReason("execution.not_found", map[string]string{"id": id})
}

// leaseMillis is a lease time as stored: 0 for none.
func leaseMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return millis(t)
}

// CreateExecution implements switchyard.ExecutionStore.
func (s *DB) CreateExecution(ctx context.Context, e *switchyard.ExecutionRecord, events []*switchyard.ExecutionEvent) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		n, err := s.nextNumber(ctx, tx, "exe")
		if err != nil {
			return err
		}
		e.ID, e.Epoch = fmt.Sprintf("EXE-%03d", n), 0
		if _, err := tx.ExecContext(ctx, `INSERT INTO executions (id, n, workflow_id, workflow_version, release_name, status, current_step, started_at, started_by, ended_at, state, wake_at, epoch, lease_owner, lease_until, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, '', 0, $13)`,
			e.ID, n, e.WorkflowID, e.WorkflowVersion, e.ReleaseID, string(e.Status), e.CurrentStep, millis(e.StartedAt), e.StartedBy, nullMillis(e.EndedAt),
			string(e.State), nullMillis(e.WakeAt), e.Seq); err != nil {
			return s.wrap("create execution", err)
		}
		return s.appendEvents(ctx, tx, e.ID, events)
	})
}

func (s *DB) appendEvents(ctx context.Context, tx *sql.Tx, id string, events []*switchyard.ExecutionEvent) error {
	for _, ev := range events {
		ev.ExecutionID = id
		if _, err := tx.ExecContext(ctx, `INSERT INTO execution_events (execution_id, seq, at, kind, data) VALUES ($1, $2, $3, $4, $5)`,
			id, ev.Seq, millis(ev.Time), ev.Kind, string(ev.Data)); err != nil {
			if s.dialect.IsUniqueViolation(err) {
				return switchyard.Errorf(switchyard.CodeConflict, "execution %s already has an event %d", id, ev.Seq).WithReason("execution.stale", nil)
			}
			return s.wrap("append execution event", err)
		}
	}
	return nil
}

// FindExecution implements switchyard.ExecutionStore.
func (s *DB) FindExecution(ctx context.Context, id string) (*switchyard.ExecutionRecord, error) {
	e, err := scanExecution(s.db.QueryRowContext(ctx, `SELECT `+executionColumns+` FROM executions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, executionNotFound(id)
	}
	return e, s.wrap("find execution", err)
}

// FindExecutions implements switchyard.ExecutionStore.
func (s *DB) FindExecutions(ctx context.Context, f switchyard.ExecutionFilter) ([]*switchyard.ExecutionRecord, error) {
	q, args := `SELECT `+executionColumns+` FROM executions WHERE 1 = 1`, []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if f.WorkflowID != "" {
		add("workflow_id = $%d", f.WorkflowID)
	}
	if f.ReleaseID != "" {
		add("release_name = $%d", f.ReleaseID)
	}
	if f.Status != "" {
		add("status = $%d", string(f.Status))
	}
	if f.StartedBy != "" {
		add("started_by = $%d", f.StartedBy)
	}
	if !f.Since.IsZero() {
		add("started_at >= $%d", millis(f.Since))
	}
	if !f.Until.IsZero() {
		add("started_at < $%d", millis(f.Until))
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q+fmt.Sprintf(" ORDER BY n DESC LIMIT $%d", len(args)), args...)
	if err != nil {
		return nil, s.wrap("find executions", err)
	}
	out, err := collect(rows, scanExecution)
	if out == nil {
		out = []*switchyard.ExecutionRecord{}
	}
	return out, s.wrap("find executions", err)
}

// DueExecutions implements switchyard.ExecutionStore.
func (s *DB) DueExecutions(ctx context.Context, now time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM executions e
		WHERE e.lease_until <= $1
		AND ((e.wake_at IS NOT NULL AND e.wake_at <= $1)
		  OR EXISTS (SELECT 1 FROM execution_signals g WHERE g.execution_id = e.id AND g.consumed_at IS NULL))
		ORDER BY COALESCE(e.wake_at, 0), e.n LIMIT $2`, millis(now), limit)
	if err != nil {
		return nil, s.wrap("due executions", err)
	}
	out, err := collect(rows, func(sc scanner) (string, error) { var id string; return id, sc.Scan(&id) })
	return out, s.wrap("due executions", err)
}

// ClaimExecution implements switchyard.ExecutionStore.
func (s *DB) ClaimExecution(ctx context.Context, id, owner string, now, until time.Time) (*switchyard.ExecutionRecord, error) {
	e, err := scanExecution(s.db.QueryRowContext(ctx, `UPDATE executions SET lease_owner = $1, lease_until = $2, epoch = epoch + 1
		WHERE id = $3 AND (lease_until <= $4 OR lease_owner = $1) RETURNING `+executionColumns, owner, millis(until), id, millis(now)))
	if errors.Is(err, sql.ErrNoRows) {
		cur, ferr := s.FindExecution(ctx, id)
		if ferr != nil {
			return nil, ferr
		}
		return nil, switchyard.Errorf(switchyard.CodeConflict, "execution %s is being advanced by %s until %s", id, cur.LeaseOwner, cur.LeaseUntil.Format(time.RFC3339)).
			WithReason("execution.leased", map[string]string{"owner": cur.LeaseOwner})
	}
	return e, s.wrap("claim execution", err)
}

// SaveExecution implements switchyard.ExecutionStore.
func (s *DB) SaveExecution(ctx context.Context, e *switchyard.ExecutionRecord, events []*switchyard.ExecutionEvent, consumed []string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE executions SET status = $1, current_step = $2, state = $3, wake_at = $4, ended_at = $5, lease_owner = $6, lease_until = $7, seq = $8
			WHERE id = $9 AND epoch = $10`,
			string(e.Status), e.CurrentStep, string(e.State), nullMillis(e.WakeAt), nullMillis(e.EndedAt), e.LeaseOwner, leaseMillis(e.LeaseUntil), e.Seq, e.ID, e.Epoch)
		if err != nil {
			return s.wrap("save execution", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, ferr := s.FindExecution(ctx, e.ID); ferr != nil {
				return ferr
			}
			return switchyard.Errorf(switchyard.CodeConflict, "execution %s: the lease of epoch %d was lost to another replica; nothing was written", e.ID, e.Epoch).
				WithReason("execution.lease_lost", nil)
		}
		if err := s.appendEvents(ctx, tx, e.ID, events); err != nil {
			return err
		}
		now := millis(s.Now())
		for _, id := range consumed {
			if _, err := tx.ExecContext(ctx, `UPDATE execution_signals SET consumed_at = $1 WHERE id = $2 AND execution_id = $3`, now, id, e.ID); err != nil {
				return s.wrap("consume signal", err)
			}
		}
		return nil
	})
}

// RenewLease implements switchyard.ExecutionStore.
func (s *DB) RenewLease(ctx context.Context, id string, epoch int64, until time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE executions SET lease_until = $1 WHERE id = $2 AND epoch = $3`, millis(until), id, epoch)
	if err != nil {
		return s.wrap("renew execution lease", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return switchyard.Errorf(switchyard.CodeConflict, "execution %s: the lease of epoch %d was lost to another replica", id, epoch).WithReason("execution.lease_lost", nil)
	}
	return nil
}

// ExecutionEvents implements switchyard.ExecutionStore.
func (s *DB) ExecutionEvents(ctx context.Context, id string, after int64, limit int) ([]*switchyard.ExecutionEvent, error) {
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT execution_id, seq, at, kind, data FROM execution_events WHERE execution_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, id, after, limit)
	if err != nil {
		return nil, s.wrap("execution events", err)
	}
	out, err := collect(rows, func(sc scanner) (*switchyard.ExecutionEvent, error) {
		var ev switchyard.ExecutionEvent
		var at int64
		var data string
		if err := sc.Scan(&ev.ExecutionID, &ev.Seq, &at, &ev.Kind, &data); err != nil {
			return nil, err
		}
		ev.Time, ev.Data = fromMillis(at), []byte(data)
		return &ev, nil
	})
	return out, s.wrap("execution events", err)
}

// AddSignal implements switchyard.ExecutionStore.
func (s *DB) AddSignal(ctx context.Context, g *switchyard.ExecutionSignal) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO execution_signals (id, execution_id, kind, step_id, by_user, at, comment) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		g.ID, g.ExecutionID, g.Kind, g.StepID, g.By, millis(g.At), g.Comment)
	return s.wrap("add signal", err)
}

// PendingSignals implements switchyard.ExecutionStore.
func (s *DB) PendingSignals(ctx context.Context, id string) ([]*switchyard.ExecutionSignal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, execution_id, kind, step_id, by_user, at, comment FROM execution_signals WHERE execution_id = $1 AND consumed_at IS NULL ORDER BY at, id`, id)
	if err != nil {
		return nil, s.wrap("pending signals", err)
	}
	out, err := collect(rows, func(sc scanner) (*switchyard.ExecutionSignal, error) {
		var g switchyard.ExecutionSignal
		var at int64
		if err := sc.Scan(&g.ID, &g.ExecutionID, &g.Kind, &g.StepID, &g.By, &at, &g.Comment); err != nil {
			return nil, err
		}
		g.At = fromMillis(at)
		return &g, nil
	})
	return out, s.wrap("pending signals", err)
}
