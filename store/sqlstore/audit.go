package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/switchyard-io/switchyard"
)

// AppendAudit implements switchyard.AuditStore. Every column is bounded
// first (switchyard.AuditEntry.Bound), whoever the writer is.
func (s *DB) AppendAudit(ctx context.Context, e *switchyard.AuditEntry) error {
	if e.ID == "" {
		e.ID = switchyard.NewID(e.Time)
	}
	e.Bound()
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (`+auditColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.ID, millis(e.Time), e.Actor, e.Via, e.Action, e.Resource, e.Method, e.Path, e.Status, e.Outcome, e.RemoteAddr, e.RequestID, e.Detail)
	return s.wrap("append audit", err)
}

// auditScan is how many of the newest candidate entries FindAudit reads
// for a prefix filter before it asks the prefix's index instead.
var auditScan = 2000

const auditColumns = `id, at, actor, via, action, resource, method, path, status, outcome, remote_addr, request_id, detail`

// FindAudit implements switchyard.AuditStore: newest first by time, then
// ID. Before names the last entry of the previous page: the page goes on
// after it (an ID that names no entry: entries with a lower ID).
//
// Every filter but the prefixes is a walk of one index from the cursor
// (migration 0012) that stops after a page. A prefix (action, resource)
// matching many values has no such index; its index (0013) gives the
// matches unordered. So a page with a prefix filter first reads the
// auditScan newest entries that pass the other filters, which holds a full
// page unless the prefix is rare, and only then asks the prefix's index,
// which a rare prefix finds few rows in (a database planner without
// statistics, SQLite's, cannot tell the two cases apart).
func (s *DB) FindAudit(ctx context.Context, f switchyard.AuditFilter) ([]*switchyard.AuditEntry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var q conds
	if f.Actor != "" {
		q.add("actor = ?", f.Actor)
	}
	if f.Outcome != "" {
		q.add("outcome = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		q.add("at >= ?", millis(f.Since))
	}
	if !f.Until.IsZero() {
		q.add("at < ?", millis(f.Until))
	}
	if f.Before != "" {
		if err := s.after(ctx, &q, f.Before); err != nil {
			return nil, err
		}
	}
	others := len(q.where)
	if f.Action != "" {
		q.add(`action LIKE ? ESCAPE '\'`, likePrefix(f.Action))
	}
	if f.Resource != "" {
		q.add(`resource LIKE ? ESCAPE '\'`, likePrefix(f.Resource))
	}
	const order = ` ORDER BY at DESC, id DESC LIMIT `
	if others < len(q.where) {
		recent := `SELECT ` + auditColumns + ` FROM (SELECT ` + auditColumns + ` FROM audit_log` + where(q.where[:others]) + order + strconv.Itoa(auditScan) + `) recent` +
			where(q.where[others:]) + order + strconv.Itoa(limit)
		out, err := s.queryAudit(ctx, recent, q.args)
		if err != nil || len(out) == limit {
			return out, err
		}
	}
	return s.queryAudit(ctx, `SELECT `+auditColumns+` FROM audit_log`+where(q.where)+order+strconv.Itoa(limit), q.args)
}

// after adds the cursor: entries after the entry before, in the log's
// order; when no entry has that ID, entries with a lower ID.
func (s *DB) after(ctx context.Context, q *conds, before string) error {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT at FROM audit_log WHERE id = $1`, before).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		q.add("id < ?", before)
	case err != nil:
		return s.wrap("find audit cursor", err)
	default:
		q.args = append(q.args, at, before)
		q.where = append(q.where, "(at, id) < ($"+strconv.Itoa(len(q.args)-1)+", $"+strconv.Itoa(len(q.args))+")")
	}
	return nil
}

func (s *DB) queryAudit(ctx context.Context, q string, args []any) ([]*switchyard.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("find audit", err)
	}
	defer rows.Close()
	out := []*switchyard.AuditEntry{}
	for rows.Next() {
		var e switchyard.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Via, &e.Action, &e.Resource, &e.Method, &e.Path, &e.Status, &e.Outcome, &e.RemoteAddr, &e.RequestID, &e.Detail); err != nil {
			return nil, s.wrap("scan audit", err)
		}
		e.Time = fromMillis(at)
		out = append(out, &e)
	}
	return out, s.wrap("find audit", rows.Err())
}
