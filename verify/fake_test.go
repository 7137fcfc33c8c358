package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// The fake data plane: a gateway (httptest) that answers the inspector as
// the real one would under the rule stored at its key — the rule package's
// own Decide picks the versions, the gray draw made once per request, round
// robin per service without a decision — in front of service-a and
// service-b 1.0 and 1.1, all registered in the built-in registry; the real
// store, config center and release service (so every change goes through
// the one publish path).

const (
	group = "discovery-guide-group"
	gwID  = "discovery-guide-gateway"
	svcA  = "discovery-guide-service-a"
	svcB  = "discovery-guide-service-b"
)

type fakeEnv struct {
	t        *testing.T
	store    switchyard.Store
	cc       *builtin.ConfigCenter
	reg      *builtin.Registry
	releases *release.Service
	svc      *Service
	gw       *fakeGateway
	key      switchyard.ConfigKey
}

type fakeGateway struct {
	env    *fakeEnv
	srv    *httptest.Server
	mu     sync.Mutex
	rr     map[string]int
	rnd    *rand.Rand
	calls  int
	gate   chan struct{} // when set, every inspection waits for it
	lag    int64         // the /healthz rule version stays this many versions behind
	broken bool          // answer 500
}

func newFakeEnv(t *testing.T) *fakeEnv {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e := &fakeEnv{t: t, store: st, cc: builtin.NewConfigCenter(st, logger), reg: builtin.NewRegistry(), key: switchyard.ConfigKey{Group: group, DataID: gwID}}
	e.releases = release.New(st, e.cc, e.reg, logger)
	e.gw = &fakeGateway{env: e, rr: map[string]int{}, rnd: rand.New(rand.NewPCG(1, 2))}
	e.gw.srv = httptest.NewServer(e.gw)
	t.Cleanup(e.gw.srv.Close)
	host, port, _ := net.SplitHostPort(e.gw.srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	e.register(&switchyard.Instance{ID: "gw-1", Service: gwID, Type: switchyard.TypeGateway, Group: group, Version: "1.0", Host: host, Port: p})
	for i, in := range []struct{ svc, v string }{{svcA, "1.0"}, {svcA, "1.1"}, {svcB, "1.0"}, {svcB, "1.1"}} {
		e.register(&switchyard.Instance{ID: fmt.Sprintf("svc-%d", i), Service: in.svc, Group: group, Version: in.v, Host: "127.0.0.1", Port: 1 + i})
	}
	e.svc = New(st, e.releases, e.reg, logger)
	e.svc.Owner = "test-owner"
	t.Cleanup(func() { _ = e.svc.Close(t.Context()) })
	return e
}

func (e *fakeEnv) register(in *switchyard.Instance) {
	e.t.Helper()
	if _, err := e.reg.Register(e.t.Context(), in); err != nil {
		e.t.Fatalf("register %s: %v", in.Service, err)
	}
}

// url is the gateway's inspector URL, as Nepxion's properties name it.
func (e *fakeEnv) url() string { return e.gw.srv.URL + "/" + svcA + "/inspector/inspect" }

// put stores a rule at the key as someone else would (not the simulation).
func (e *fakeEnv) put(by, content string) *switchyard.ConfigEntry {
	e.t.Helper()
	en, err := e.cc.Put(e.t.Context(), e.key, content, "xml", by, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

func (e *fakeEnv) current() *switchyard.ConfigEntry {
	e.t.Helper()
	en, err := e.cc.Get(e.t.Context(), e.key)
	if err != nil {
		e.t.Fatal(err)
	}
	return en
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cur, err := g.env.cc.Get(ctx, g.env.key)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	if r.URL.Path == "/healthz" {
		g.mu.Lock()
		v := max(cur.Version-g.lag, 0)
		g.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok", "rule": map[string]any{"ok": true,
			"partial": map[string]any{"key": g.env.key, "version": v}, "global": map[string]any{"key": switchyard.ConfigKey{Group: group, DataID: group}}}})
		return
	}
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/inspector/inspect") {
		http.NotFound(w, r)
		return
	}
	g.mu.Lock()
	gate, broken := g.gate, g.broken
	g.calls++
	g.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return
		}
	}
	if broken {
		http.Error(w, "upstream discovery-guide-service-a: connection refused", http.StatusBadGateway)
		return
	}
	if cur, err = g.env.cc.Get(ctx, g.env.key); err != nil { // the rule in effect when the request is answered
		http.Error(w, err.Error(), 500)
		return
	}
	var in inspectorEntity
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	headers := map[string]string{}
	for k := range r.Header {
		headers[k] = r.Header.Get(k)
	}
	var d rule.Decision
	if !cur.Deleted && strings.TrimSpace(cur.Content) != "" {
		ru, err := rule.Parse([]byte(cur.Content))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		c, err := rule.Compile(ru)
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		g.mu.Lock()
		d = c.Decide(rule.MapRequest{Headers: headers}, g.rnd)
		g.mu.Unlock()
	}
	chain := []string{svcA}
	chain = append(chain, in.ServiceIDList...)
	result := "[ID=" + gwID + "][T=gateway][P=Switchyard][H=" + r.Host + "][V=1.0]"
	for _, svc := range chain {
		v := g.pick(svc, rule.ServiceValue(d.Routes[rule.HeaderVersion], svc))
		result += " -> [ID=" + svc + "][T=service][P=Switchyard][H=127.0.0.1:1][V=" + v + "][R=default]"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"serviceIdList": []string{}, "result": result})
}

// pick is the version a hop lands on: the decided one, else round robin.
func (g *fakeGateway) pick(svc, decided string) string {
	if decided != "" {
		return strings.Split(decided, ";")[0]
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.rr[svc]++
	return []string{"1.0", "1.1"}[g.rr[svc]%2]
}

// hold makes every inspection wait until the returned function is called
// (at the latest when the test ends, so no handler outlives it).
func (e *fakeEnv) hold() (release func()) {
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	e.t.Cleanup(release)
	e.gw.set(func(g *fakeGateway) { g.gate = gate })
	return release
}

func (g *fakeGateway) set(fn func(g *fakeGateway)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fn(g)
}

// vector reads a test vector of DiscoveryTool's automation.
func vector(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "nepxion", "automation", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// simulationRequest is the automation vectors with small sample counts
// (the assertions hold at any count the weights allow).
func (e *fakeEnv) simulationRequest(gray int) *switchyard.SimulationRequest {
	conds := fmt.Sprintf("testcase.inspect.url=%s\ntestcase.inspect.context.service=%s\ntestcase.bluegreen.sample.count=20\ntestcase.gray.sample.count=%d\ntestcase.console.operation.await.time=2000\n",
		e.url(), svcA, gray)
	return &switchyard.SimulationRequest{Basic: vector(e.t, "simulator/mock-version-release-basic.yaml"), Release1: vector(e.t, "simulator/mock-version-release-1.yaml"),
		Release2: vector(e.t, "simulator/mock-version-release-2.yaml"), ConditionsText: conds}
}

// admin and operator are the people of the tests.
var (
	admin    = &switchyard.User{ID: "u1", Name: "admin", DisplayName: "管理员", Role: switchyard.RoleAdmin}
	operator = &switchyard.User{ID: "u2", Name: "zhangsan", DisplayName: "张三", Role: switchyard.RoleOperator, Groups: []string{group}}
)

// wait waits until run id has finished and returns it.
func (e *fakeEnv) wait(id string) *switchyard.VerifyRun {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r, err := e.svc.Run(e.t.Context(), id)
		if err != nil {
			e.t.Fatal(err)
		}
		if r.Status.Finished() {
			if lr := e.svc.localRun(id); lr != nil {
				<-lr.done
				r, _ = e.svc.Run(e.t.Context(), id)
			}
			return r
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatalf("run %s did not finish", id)
	return nil
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
