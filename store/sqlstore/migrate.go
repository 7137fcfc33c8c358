package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migration is one numbered schema change, e.g. migrations/0001_init.sql.
// Migrations are portable SQL that runs unchanged on every dialect; where
// portable SQL cannot say it (an index's collation), a version has one file
// per dialect instead, named for it: 0013_audit_prefix.sqlite.sql and
// 0013_audit_prefix.postgres.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns dialect's migrations in version order: the
// portable ones and its own.
func loadMigrations(dialect string) ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		num, rest, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", e.Name())
		}
		base := strings.TrimSuffix(rest, ".sql")
		if i := strings.LastIndexByte(base, '.'); i >= 0 && base[i+1:] != dialect {
			continue // another dialect's form of this version
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s have the same version for %s", other, e.Name(), dialect)
		}
		seen[v] = e.Name()
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrate applies the migrations not yet recorded in schema_migrations, each
// in its own transaction, holding the dialect's migration lock.
func (s *DB) migrate(ctx context.Context) error {
	all, err := loadMigrations(s.dialect.Name())
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return s.wrap("migrate: connect", err)
	}
	defer conn.Close()
	unlock, err := s.dialect.LockMigrations(ctx, conn)
	if err != nil {
		return s.wrap("migrate: lock", err)
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return s.wrap("migrate: create schema_migrations", err)
	}
	applied := map[int]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return s.wrap("migrate: read schema_migrations", err)
	}
	versions, err := collect(rows, func(sc scanner) (int, error) { var v int; return v, sc.Scan(&v) })
	if err != nil {
		return s.wrap("migrate: read schema_migrations", err)
	}
	for _, v := range versions {
		applied[v] = true
	}
	for _, m := range all {
		if applied[m.version] {
			continue
		}
		if err := s.apply(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *DB) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return s.wrap("migrate: begin", err)
	}
	for _, stmt := range splitStatements(m.sql) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			_ = tx.Rollback()
			return s.wrap("migrate "+m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, m.version, m.name, millis(s.Now())); err != nil {
		_ = tx.Rollback()
		return s.wrap("migrate: record "+m.name, err)
	}
	return s.wrap("migrate: commit "+m.name, tx.Commit())
}

// splitStatements splits a migration on semicolons at line ends; the
// migrations contain no semicolons inside literals.
func splitStatements(src string) []string {
	var out []string
	for _, part := range strings.Split(src, ";\n") {
		var lines []string
		for _, l := range strings.Split(part, "\n") {
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "--") {
				lines = append(lines, l)
			}
		}
		if stmt := strings.TrimSuffix(strings.TrimSpace(strings.Join(lines, "\n")), ";"); stmt != "" {
			out = append(out, stmt)
		}
	}
	return out
}
