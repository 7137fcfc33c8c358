package release_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

const (
	group = "discovery-guide-group"
	gwID  = "discovery-guide-gateway"
	svcA  = "discovery-guide-service-a"
	svcB  = "discovery-guide-service-b"
)

var (
	admin = &switchyard.User{Name: "admin", Role: switchyard.RoleAdmin}
	alice = &switchyard.User{Name: "alice", Role: switchyard.RoleOperator, Groups: []string{group}}
	bob   = &switchyard.User{Name: "bob", Role: switchyard.RoleOperator, Groups: []string{group}}
	carol = &switchyard.User{Name: "carol", Role: switchyard.RoleOperator, Groups: []string{"pay-group"}}
	vera  = &switchyard.User{Name: "vera", Role: switchyard.RoleViewer, Groups: []string{group}}
)

// flakyConfig is a config center that can be told to fail, to check that
// nothing is lost or half-written when it does.
type flakyConfig struct {
	switchyard.ConfigCenter
	failPut, failGet, failGetAfterPut atomic.Bool
	puts                              atomic.Int32
}

var errDown = errors.New("connection refused")

func (f *flakyConfig) Put(ctx context.Context, k switchyard.ConfigKey, c, fmt, by string, v int64) (*switchyard.ConfigEntry, error) {
	if f.failPut.Load() {
		return nil, errDown
	}
	f.puts.Add(1)
	e, err := f.ConfigCenter.Put(ctx, k, c, fmt, by, v)
	if err == nil && f.failGetAfterPut.Load() {
		f.failGet.Store(true)
	}
	return e, err
}

func (f *flakyConfig) Get(ctx context.Context, k switchyard.ConfigKey) (*switchyard.ConfigEntry, error) {
	if f.failGet.Load() {
		f.failGet.Store(false) // one failure: the revert can read again
		return nil, errDown
	}
	return f.ConfigCenter.Get(ctx, k)
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	svc   *release.Service
	store switchyard.Store
	cc    *flakyConfig
	reg   *builtin.Registry
	clock *clock
	ids   map[string]string // instance name → id
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	e := &env{store: st, cc: &flakyConfig{ConfigCenter: builtin.NewConfigCenter(st, nil)}, reg: builtin.NewRegistry(), clock: c, ids: map[string]string{}}
	for _, in := range []struct {
		name, service, version string
		port                   int
	}{{"A1", svcA, "1.0", 3001}, {"A2", svcA, "1.1", 3002}, {"B1", svcB, "1.0", 4001}, {"B2", svcB, "1.1", 4002}, {"GW", gwID, "1.0", 5001}} {
		got, err := e.reg.Register(t.Context(), &switchyard.Instance{Service: in.service, Group: group, Version: in.version, Host: "127.0.0.1", Port: in.port})
		if err != nil {
			t.Fatal(err)
		}
		e.ids[in.name] = got.ID
	}
	e.svc = release.New(st, e.cc, e.reg, nil)
	e.svc.Now = c.now
	return e
}

// spec is a complete, valid mixed release form.
func spec() switchyard.ReleaseSpec {
	return switchyard.ReleaseSpec{Services: []string{svcA, svcB}, Sort: "version",
		BlueGreenEnabled: true, GreenExpression: "#H['user'] == 'staff'", BlueExpression: "#H['user'] == 'vip'",
		GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Expression: "#H['region'] == 'north'", Weight: 50}, {Weight: 10}},
		HeaderEnabled: false}
}

func (e *env) create(t *testing.T, name string, actor *switchyard.User) *switchyard.Release {
	t.Helper()
	r, err := e.svc.Create(t.Context(), actor, switchyard.NewRelease{Name: name, Subscription: switchyard.Partial, Group: group, App: gwID, Spec: spec()})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return r
}

func (e *env) run(t *testing.T, actor *switchyard.User, name string, op switchyard.Operation) (*switchyard.OperationResult, error) {
	t.Helper()
	return e.svc.Execute(t.Context(), actor, name, switchyard.OperationRequest{Operation: op})
}

func (e *env) stored(t *testing.T) string {
	t.Helper()
	got, err := e.cc.ConfigCenter.Get(t.Context(), switchyard.ConfigKey{Group: group, DataID: gwID})
	if err != nil {
		t.Fatal(err)
	}
	return got.Content
}

func code(err error) switchyard.Code { return switchyard.ErrorCode(err) }
