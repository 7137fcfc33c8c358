package httpapi_test

import (
	"database/sql"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/postgres/pgtest"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// The control-plane benchmarks run the API as the binary wires it (auth,
// the built-in config center and registry, the release service) on a real
// HTTP server, on SQLite in a temporary file and on PostgreSQL in a schema
// of their own (skipped, saying why, when SWITCHYARD_TEST_POSTGRES is
// unset), and call it as the console does: signed in with a session
// cookie.

// benchStores are the stores every control-plane benchmark runs on.
var benchStores = []string{"sqlite", "postgres"}

// benchEnv is an API server on a fresh store, with an admin's session.
type benchEnv struct {
	store  switchyard.Store
	db     *sql.DB // the store's database, for seeding
	auth   *auth.Service
	reg    *builtin.Registry
	url    string
	cookie string // the admin's session
	client *http.Client
}

// newBenchEnv starts the API on a fresh store of kind ("sqlite" or
// "postgres"; PostgreSQL skips the benchmark when it is not configured).
func newBenchEnv(b *testing.B, kind string) *benchEnv {
	b.Helper()
	var st switchyard.Store
	var db *sql.DB
	switch kind {
	case "sqlite":
		s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "db"))
		if err != nil {
			b.Fatal(err)
		}
		st, db = s, s.SQL()
	case "postgres":
		s, err := postgres.Open(b.Context(), pgtest.FreshSchema(b))
		if err != nil {
			b.Fatal(err)
		}
		st, db = s, s.SQL()
	default:
		b.Fatalf("unknown store %q", kind)
	}
	b.Cleanup(func() { st.Close() })
	logger := slog.New(slog.DiscardHandler)
	a := auth.New(st, logger)
	a.Cost = bcrypt.MinCost
	if _, err := a.Bootstrap(b.Context(), adminPassword); err != nil {
		b.Fatal(err)
	}
	cc, reg := builtin.NewConfigCenter(st, logger), builtin.NewRegistry()
	reg.Persist, reg.Logger = st, logger
	srv := httpapi.New(httpapi.Deps{Store: st, Auth: a, Config: cc, Registry: reg, Releases: release.New(st, cc, reg, logger), Logger: logger})
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	cookie, _, err := a.Login(b.Context(), "admin", adminPassword, "127.0.0.1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{store: st, db: db, auth: a, reg: reg, url: ts.URL, cookie: cookie, client: ts.Client()}
}

// settle does at once for table what PostgreSQL's autovacuum does after a
// bulk load (the planner needs statistics; the first reads would write
// every page's hint bits); SQLite gathers no statistics unless told, nor
// does the server tell it.
func (e *benchEnv) settle(b *testing.B, kind, table string) {
	if kind != "postgres" {
		return
	}
	if _, err := e.db.ExecContext(b.Context(), `VACUUM ANALYZE `+table); err != nil {
		b.Fatal(err)
	}
}

// get fetches path as the admin and returns the body's size, failing on
// any status but 200.
func (e *benchEnv) get(b *testing.B, path string) int {
	req, err := http.NewRequestWithContext(b.Context(), "GET", e.url+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: e.cookie})
	resp, err := e.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return int(n)
}

// latencies records one duration per iteration and reports the p50 and
// p99 in milliseconds (the targets are p99s).
type latencies []time.Duration

func (l *latencies) time(fn func()) {
	start := time.Now()
	fn()
	*l = append(*l, time.Since(start))
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	b.ReportMetric(float64(quantile(l, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(quantile(l, 0.99).Microseconds())/1000, "p99-ms")
}

// quantile is the q-quantile of ds by the nearest-rank method.
func quantile(ds []time.Duration, q float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[max(0, int(math.Ceil(q*float64(len(s))))-1)]
}
