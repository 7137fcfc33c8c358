package httpapi_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// syncBuffer collects the server log for the no-secrets-in-logs checks.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	t     *testing.T
	srv   *httpapi.Server
	ts    *httptest.Server
	store switchyard.Store
	auth  *auth.Service
	log   *syncBuffer
	dir   string // the store's data directory
}

const adminPassword = "admin-password-1"

// newEnv starts an API server on a fresh SQLite store with an admin.
func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	buf := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a := auth.New(st, logger)
	a.Cost = bcrypt.MinCost
	if _, err := a.Bootstrap(t.Context(), adminPassword); err != nil {
		t.Fatal(err)
	}
	cc, reg := builtin.NewConfigCenter(st, logger), builtin.NewRegistry()
	srv := httpapi.New(httpapi.Deps{Store: st, Auth: a, Config: cc, Registry: reg, Releases: release.New(st, cc, reg, logger), Logger: logger})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, ts: ts, store: st, auth: a, log: buf, dir: dir}
}

// client is a caller with a cookie jar, an optional bearer token and CSRF token.
type client struct {
	e      *env
	cookie string
	csrf   string
	bearer string
}

func (e *env) anonymous() *client { return &client{e: e} }

// login signs in with a session cookie.
func (e *env) login(name, password string) *client {
	e.t.Helper()
	c := &client{e: e}
	resp, body := c.do("POST", "/api/auth/login", map[string]string{"username": name, "password": password})
	if resp.StatusCode != 200 {
		e.t.Fatalf("login %s: %d %s", name, resp.StatusCode, body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == httpapi.SessionCookie {
			c.cookie = ck.Value
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				e.t.Fatalf("session cookie must be HttpOnly and SameSite=Strict: %+v", ck)
			}
		}
	}
	var lr switchyard.LoginResponse
	json.Unmarshal(body, &lr)
	c.csrf = lr.CSRFToken
	if c.cookie == "" || c.csrf == "" {
		e.t.Fatalf("login did not return a cookie and a CSRF token: %s", body)
	}
	return c
}

// user creates a user with role and signs them in.
func (e *env) user(name string, role switchyard.Role, groups ...string) *client {
	e.t.Helper()
	if _, err := e.auth.CreateUser(e.t.Context(), switchyard.NewUser{Name: name, Role: role, Password: name + "-password", Groups: groups}); err != nil {
		e.t.Fatal(err)
	}
	return e.login(name, name+"-password")
}

func (c *client) withoutCSRF() *client { cc := *c; cc.csrf = ""; return &cc }

func (c *client) do(method, path string, body any) (*http.Response, []byte) {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.e.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: c.cookie})
	}
	if c.csrf != "" {
		req.Header.Set(httpapi.CSRFHeader, c.csrf)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// must does a call and decodes the JSON answer into out, failing on a status
// other than want.
func (c *client) must(method, path string, body any, want int, out any) {
	c.e.t.Helper()
	resp, b := c.do(method, path, body)
	if resp.StatusCode != want {
		c.e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.e.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

func errorOf(t *testing.T, b []byte) httpapi.ErrorDetail {
	t.Helper()
	var eb httpapi.ErrorBody
	if err := json.Unmarshal(b, &eb); err != nil || eb.Error.Code == "" {
		t.Fatalf("not an error body: %s", b)
	}
	return eb.Error
}

// concrete fills a route pattern's wildcards with placeholder values.
func concrete(path string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		j := strings.IndexByte(path[i:], '}')
		b.WriteString(path[:i] + "x-test")
		path = path[i+j+1:]
	}
}
