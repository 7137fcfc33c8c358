// Package apitest starts a real control-plane API in a test: SQLite store,
// built-in config center and registry (on a clock the test moves), an admin
// and an agent with API tokens. The data plane's clients and the gateway are
// tested against it.
package apitest

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	ccbuiltin "github.com/switchyard-io/switchyard/configcenter/builtin"
	"github.com/switchyard-io/switchyard/httpapi"
	mbuiltin "github.com/switchyard-io/switchyard/metrics/builtin"
	regbuiltin "github.com/switchyard-io/switchyard/registry/builtin"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// Env is a running API.
type Env struct {
	URL        string
	AdminToken string
	AgentToken string
	Store      switchyard.Store
	Config     *ccbuiltin.ConfigCenter
	Registry   *regbuiltin.Registry
	Metrics    *mbuiltin.Provider
	Releases   *release.Service
	Server     *httpapi.Server
	HTTP       *httptest.Server

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
	e.Config = ccbuiltin.New(st, logger)
	e.Registry = regbuiltin.New()
	e.Registry.Now = e.Now
	e.Metrics = mbuiltin.New()
	e.Releases = release.New(st, e.Config, e.Registry, logger)
	e.Server = httpapi.New(httpapi.Deps{Store: st, Auth: a, Config: e.Config, Registry: e.Registry, Metrics: e.Metrics, Collector: e.Metrics, Releases: e.Releases, Logger: logger})
	e.HTTP = httptest.NewServer(e.Server.Handler())
	t.Cleanup(e.HTTP.Close)
	e.URL = e.HTTP.URL
	e.AdminToken = token(t, a, "admin", switchyard.RoleAdmin)
	e.AgentToken = token(t, a, "dataplane", switchyard.RoleAgent)
	return e
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
