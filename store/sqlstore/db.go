package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Dialect is what differs between the SQL databases.
type Dialect interface {
	// Name is "sqlite" or "postgres", used in error messages.
	Name() string
	// IsUniqueViolation reports whether err is a unique-constraint violation.
	IsUniqueViolation(err error) bool
	// LockMigrations serialises migrations across processes on conn; the
	// returned function releases the lock.
	LockMigrations(ctx context.Context, conn *sql.Conn) (unlock func(), err error)
	// KeepPrepared reports whether the store should keep the statements it
	// runs prepared: true for a driver that parses every statement again
	// otherwise, false for one that keeps its own (pgx).
	KeepPrepared() bool
	// FoldLike is the operator matching a LIKE pattern ignoring ASCII case:
	// SQLite's LIKE does, PostgreSQL's ILIKE.
	FoldLike() string
}

// DB is a switchyard.Store on a SQL database.
type DB struct {
	db      *pool
	dialect Dialect
	// Now is the clock; tests replace it.
	Now func() time.Time
}

var _ switchyard.Store = (*DB)(nil)

// New wraps db, applies pending migrations and returns the store.
func New(ctx context.Context, db *sql.DB, d Dialect) (*DB, error) {
	s := &DB{db: newPool(db, d.KeepPrepared()), dialect: d, Now: time.Now}
	if err := s.migrate(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// SQL returns the underlying database, for adapters that extend the store.
func (s *DB) SQL() *sql.DB { return s.db.DB }

// Ping implements switchyard.Store.
func (s *DB) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return switchyard.Errorf(switchyard.CodeUnavailable, "%s: ping: %v", s.dialect.Name(), err).WithCause(err)
	}
	return nil
}

// Close implements switchyard.Store.
func (s *DB) Close() error { return s.db.Close() }

// tx runs fn in a transaction, committing when it returns nil.
func (s *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("begin", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.wrap("commit", err)
	}
	return nil
}

// wrap turns a driver error into an error that says which store and
// operation failed. Context cancellation keeps its identity.
func (s *DB) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %s: %w", s.dialect.Name(), op, err)
	}
	if switchyard.AsError(err) != nil {
		return err
	}
	return fmt.Errorf("%s: %s: %w", s.dialect.Name(), op, err)
}

// revisionError explains why an update or delete touched no row: the row is
// gone (not found) or was changed by someone else (conflict).
func (s *DB) revisionError(ctx context.Context, q queryer, kind, key, existsSQL string, arg any, revision int64) error {
	var n int
	if err := q.QueryRowContext(ctx, existsSQL, arg).Scan(&n); err != nil {
		return s.wrap("check "+kind, err)
	}
	if n == 0 {
		return switchyard.Errorf(switchyard.CodeNotFound, "%s %q not found", kind, key).WithReason(kind+".not_found", map[string]string{"name": key})
	}
	return switchyard.Errorf(switchyard.CodeConflict, "%s %q was changed by someone else (revision %d is stale); reload and try again", kind, key, revision).
		WithReason("revision.stale", map[string]string{"kind": kind, "name": key})
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func nullMillis(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMilli(), Valid: true}
}

func fromNullMillis(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMillis(n.Int64)
	return &t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
