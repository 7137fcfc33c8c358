package sqlstore

import (
	"context"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// AppendAudit implements switchyard.AuditStore.
func (s *DB) AppendAudit(ctx context.Context, e *switchyard.AuditEntry) error {
	if e.ID == "" {
		e.ID = switchyard.NewID(e.Time)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor, via, action, resource, method, path, status, outcome, remote_addr, request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.ID, millis(e.Time), e.Actor, e.Via, e.Action, e.Resource, e.Method, e.Path, e.Status, e.Outcome, e.RemoteAddr, e.RequestID, e.Detail)
	return s.wrap("append audit", err)
}

// FindAudit implements switchyard.AuditStore.
func (s *DB) FindAudit(ctx context.Context, f switchyard.AuditFilter) ([]*switchyard.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add(`action LIKE ? ESCAPE '\'`, likePrefix(f.Action))
	}
	if f.Resource != "" {
		add(`resource LIKE ? ESCAPE '\'`, likePrefix(f.Resource))
	}
	if f.Outcome != "" {
		add("outcome = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		add("at >= ?", millis(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < ?", millis(f.Until))
	}
	if f.Before != "" {
		add("id < ?", f.Before)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	q := `SELECT id, at, actor, via, action, resource, method, path, status, outcome, remote_addr, request_id, detail FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ` + strconv.Itoa(limit)
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

// likePrefix escapes LIKE wildcards in p and appends %.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}
