package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// pool is the database, keeping the statements run on it (outside
// transactions) prepared when the dialect asks (Dialect.KeepPrepared):
// modernc's SQLite parses a statement every time it is not, which was most
// of the cost of a token lookup, the three queries every agent's heartbeat
// makes. Statements are kept up to a bound, short ones only (the store's
// own, not a bulk insert's), and database/sql prepares each once per
// connection it runs on.
type pool struct {
	*sql.DB
	keep bool

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const (
	maxKeptStmts   = 256
	maxKeptStmtLen = 4096
)

func newPool(db *sql.DB, keep bool) *pool {
	return &pool{DB: db, keep: keep, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query prepared, or nil to run it as it is (not kept, or the
// preparation failed: running it says why).
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.keep || len(query) > maxKeptStmtLen {
		return nil
	}
	p.mu.Lock()
	st, ok := p.stmts[query]
	full := len(p.stmts) >= maxKeptStmts
	p.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if kept, ok := p.stmts[query]; ok { // prepared meanwhile by another caller
		_ = st.Close() //nolint:sqlclosecheck // a duplicate; the kept one serves
		return kept
	}
	p.stmts[query] = st
	return st
}

// QueryContext runs a query through its kept statement.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil { //nolint:sqlclosecheck // kept statements are closed by Close
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query through its kept statement.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil { //nolint:sqlclosecheck // kept statements are closed by Close
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// ExecContext runs a statement through its kept statement.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil { //nolint:sqlclosecheck // kept statements are closed by Close
		return st.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

// Close closes the kept statements, then the database.
func (p *pool) Close() error {
	p.mu.Lock()
	for q, st := range p.stmts {
		_ = st.Close() // the database's close is what matters
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
