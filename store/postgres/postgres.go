// Package postgres is the production store: switchyard.Store on PostgreSQL
// through pgx, using the portable SQL of store/sqlstore. Several control-plane
// replicas may share one database; migrations are serialised with an
// advisory lock.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/switchyard-io/switchyard/store/sqlstore"
)

// migrationLockID is the advisory lock key held while migrating.
const migrationLockID = 0x5377_6974_6368 // "Switch"

// ParseDSN checks a PostgreSQL connection string (URL or key=value form).
func ParseDSN(dsn string) error {
	_, err := pgx.ParseConfig(dsn)
	return err
}

// Open connects to the database at dsn and migrates it.
func Open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse dsn: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	// Connections stay open (database/sql keeps two idle by default): a
	// new one is a TCP connect and an authentication.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect to %s:%d/%s: %w", cfg.Host, cfg.Port, cfg.Database, err)
	}
	s, err := sqlstore.New(ctx, db, Dialect{})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

// maxConns bounds the open connections (and keeps them open).
const maxConns = 20

// Dialect is PostgreSQL's sqlstore.Dialect.
type Dialect struct{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "postgres" }

// IsUniqueViolation implements sqlstore.Dialect.
func (Dialect) IsUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

// KeepPrepared implements sqlstore.Dialect: pgx keeps the statements it
// runs prepared itself.
func (Dialect) KeepPrepared() bool { return false }

// FoldLike implements sqlstore.Dialect.
func (Dialect) FoldLike() string { return "ILIKE" }

// LockMigrations implements sqlstore.Dialect with a session advisory lock.
func (Dialect) LockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockID); err != nil {
		return nil, err
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, migrationLockID)
	}, nil
}
