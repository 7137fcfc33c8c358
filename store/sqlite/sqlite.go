// Package sqlite is the default store: switchyard.Store on an embedded,
// pure-Go SQLite file (modernc.org/sqlite) in WAL mode, using the portable
// SQL of store/sqlstore. One process at a time opens a database: Open takes
// an exclusive lock next to it until Close.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/sqlstore"
)

// DB is the SQLite store: a sqlstore.DB that holds its database's lock
// until Close.
type DB struct {
	*sqlstore.DB
	lock *dirLock
}

var _ switchyard.Store = (*DB)(nil)

// Close closes the database, then releases its lock.
func (d *DB) Close() error {
	err := d.DB.Close()
	if lerr := d.lock.release(); err == nil {
		err = lerr
	}
	return err
}

// Open opens (creating if needed) the SQLite database file at path and
// migrates it. The directory is created with mode 0700. While another
// process (or another Open in this one) has the database open, Open fails
// with an error naming it: its pid, host, start time and program, from
// the lock file path+".lock".
func Open(ctx context.Context, path string) (*DB, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("sqlite: database path is empty")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create directory: %w", err)
	}
	lock, err := lockDatabase(path, time.Now())
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	// Write transactions take the lock up front, so two writers queue on the
	// busy timeout instead of failing with SQLITE_BUSY on lock upgrade.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		_ = lock.release() // the open error is what matters
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Connections stay open: a new one parses the whole schema before its
	// first statement (a millisecond), which a pool of database/sql's
	// default two idle connections paid for most requests under load.
	// Readers run side by side in WAL mode; a write waits for the writer.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s, err := sqlstore.New(ctx, db, Dialect{})
	if err != nil {
		db.Close()
		_ = lock.release() // the open error is what matters
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &DB{DB: s, lock: lock}, nil
}

// maxConns bounds the open connections (and keeps them open).
const maxConns = 16

// Dialect is SQLite's sqlstore.Dialect.
type Dialect struct{}

// Name implements sqlstore.Dialect.
func (Dialect) Name() string { return "sqlite" }

// IsUniqueViolation implements sqlstore.Dialect.
func (Dialect) IsUniqueViolation(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// KeepPrepared implements sqlstore.Dialect: modernc's driver parses a
// statement every time it is not prepared.
func (Dialect) KeepPrepared() bool { return true }

// FoldLike implements sqlstore.Dialect: SQLite's LIKE ignores ASCII case
// (the store never sets PRAGMA case_sensitive_like).
func (Dialect) FoldLike() string { return "LIKE" }

// LockMigrations implements sqlstore.Dialect. SQLite serialises writers
// itself (each migration runs in a BEGIN IMMEDIATE transaction).
func (Dialect) LockMigrations(context.Context, *sql.Conn) (func(), error) { return func() {}, nil }
