// Package apitest starts a real control-plane API in a test: SQLite store,
// the built-in config center, registry (on a clock the test moves) and
// metrics, an admin and an agent with API tokens. The data plane's clients
// and the gateway are tested against it.
package apitest

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/workflow"
)

// Env is a running API.
type Env struct {
	URL        string
	AdminToken string
	AgentToken string
	Store      switchyard.Store
	Config     *builtin.ConfigCenter
	Registry   *builtin.Registry
	Metrics    *builtin.Metrics
	Releases   *release.Service
	// Runner is the workflow engine, not running: a test advances
	// executions (Runner.Advance) or runs it (go Runner.Run(ctx)).
	Runner    *workflow.Runner
	Workflows *workflow.Service
	Server    *httpapi.Server
	HTTP      *httptest.Server

	mu  sync.Mutex
	now time.Time
}

// Now is the registry's clock.
func (e *Env) Now() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }

// Advance moves the registry's clock and expires instances past their TTL.
func (e *Env) Advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
	e.Registry.Expire()
}

// Start runs the API until the test ends.
func Start(t testing.TB) *Env {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "switchyard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := auth.New(st, logger)
	a.Cost = bcrypt.MinCost // tests need no brute-force resistance
	e := &Env{Store: st, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	e.Config = builtin.NewConfigCenter(st, logger)
	e.Registry = builtin.NewRegistry()
	e.Registry.Now = e.Now
	e.Metrics = builtin.NewMetrics()
	e.Releases = release.New(st, e.Config, e.Registry, logger)
	e.Runner = workflow.NewRunner(st, &workflow.Env{Releases: e.Releases, Registry: e.Registry, Metrics: e.Metrics, Logger: logger}, "apitest")
	e.Workflows = workflow.NewService(e.Releases, e.Runner)
	e.Server = httpapi.New(httpapi.Deps{Store: st, Auth: a, Config: e.Config, Registry: e.Registry, Metrics: e.Metrics, Collector: e.Metrics, Releases: e.Releases,
		Workflows: e.Workflows, Logger: logger})
	e.HTTP = httptest.NewServer(e.Server.Handler())
	t.Cleanup(e.HTTP.Close)
	e.URL = e.HTTP.URL
	e.AdminToken = token(t, a, "admin", switchyard.RoleAdmin)
	e.AgentToken = token(t, a, "dataplane", switchyard.RoleAgent)
	return e
}

// Front is a proxy before the API that answers 502 Bad Gateway while Down
// is set, as a load balancer does while the control plane restarts.
type Front struct {
	URL  string
	Down atomic.Bool
}

// Front starts a Front before the API, down until the test clears Down.
func (e *Env) Front(t testing.TB) *Front {
	t.Helper()
	f := &Front{}
	f.Down.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.Down.Load() {
			http.Error(w, "control plane restarting", http.StatusBadGateway)
			return
		}
		e.Server.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func token(t testing.TB, a *auth.Service, name string, role switchyard.Role) string {
	t.Helper()
	u, err := a.CreateUser(t.Context(), switchyard.NewUser{Name: name, Role: role, Password: name + "-password"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := a.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return it.Secret
}
