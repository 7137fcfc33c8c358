package workflow

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
)

// fakeGateway answers like the demo topology behind the guide's gateway:
// GET /<a>/invoke/gateway returns the chain body, POST
// /<a>/inspector/inspect the inspector's result; the versions follow the
// n-d-version header, except where stuck pins a service to a version.
type fakeGateway struct {
	mu    sync.Mutex
	stuck map[string]string
	fail  atomic.Bool
	paths []string
	hdrs  []string
}

func (e *actEnv) fakeGateway() *fakeGateway {
	e.t.Helper()
	g := &fakeGateway{stuck: map[string]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.paths = append(g.paths, r.Method+" "+r.URL.Path)
		g.hdrs = append(g.hdrs, r.Header.Get("n-d-version"))
		stuck := g.stuck
		g.mu.Unlock()
		if g.fail.Load() {
			http.Error(w, "injected error", 500)
			return
		}
		var want map[string]string
		_ = json.Unmarshal([]byte(r.Header.Get("n-d-version")), &want)
		hop := func(prev, svc string, port int) string {
			v := want[svc]
			if s, ok := stuck[svc]; ok {
				v = s
			}
			if v == "" {
				v = "1.0"
			}
			return dataplane.PluginInfo(prev, &switchyard.Instance{Service: svc, Type: "service", Host: "127.0.0.1", Port: port, Version: v, Group: guideGroup})
		}
		switch r.URL.Path {
		case "/" + guideA + "/invoke/gateway":
			_, _ = io.WriteString(w, hop(hop("gateway", guideA, 3001), guideB, 4001))
		case "/" + guideA + "/" + dataplane.InspectPath:
			var in dataplane.InspectorEntity
			_ = json.NewDecoder(r.Body).Decode(&in)
			if len(in.ServiceIDList) != 1 || in.ServiceIDList[0] != guideB {
				http.Error(w, "bad serviceIdList", 400)
				return
			}
			gwSeg := dataplane.PluginInfo("", &switchyard.Instance{Service: guideGateway, Type: "gateway", Host: "127.0.0.1", Port: 5001, Version: "1.0"})
			_ = json.NewEncoder(w).Encode(dataplane.InspectorEntity{ServiceIDList: []string{}, Result: hop(hop(gwSeg, guideA, 3001), guideB, 4001)})
		default:
			http.NotFound(w, r)
		}
	}))
	e.t.Cleanup(srv.Close)
	// The release's entry app is this gateway.
	all, _ := e.reg.Instances(e.t.Context(), guideGateway)
	for _, in := range all {
		_ = e.reg.Deregister(e.t.Context(), in.ID)
	}
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	if _, err := e.reg.Register(e.t.Context(), &switchyard.Instance{Service: guideGateway, Type: switchyard.TypeGateway, Group: guideGroup, Version: "1.0", Host: host, Port: p}); err != nil {
		e.t.Fatal(err)
	}
	return g
}

func TestInspectionFollowsTheNewChain(t *testing.T) {
	e := newActEnv(t)
	g := e.fakeGateway()
	e.deployedNew()
	s := e.step("test", switchyard.StepTest, TestConfig{Requests: 8})
	o := inspect(t.Context(), e.tick(s, nil))
	if o.Status != switchyard.StepCompleted || Render(o.Summary, "zh") != "通过" {
		t.Fatalf("outcome %s: %s", o.Status, actReason(o, "en"))
	}
	if len(g.paths) != 8 || g.paths[0] != "GET /"+guideA+"/invoke/gateway" || g.hdrs[0] != `{"`+guideA+`":"1.1","`+guideB+`":"1.1"}` {
		t.Fatalf("requests %v with %q", g.paths, g.hdrs[0])
	}
	var r testResult
	_ = json.Unmarshal(o.Result, &r)
	if r.Passed != 8 || r.Hops[guideA] != 8 || r.Hops[guideB] != 8 {
		t.Fatalf("result = %s", o.Result)
	}
	wantContains(t, "log", actLogs("zh", o)[0], "每一跳均为预期版本", guideB+"=1.1")
}

func TestInspectionNamesTheFirstMismatchingHop(t *testing.T) {
	e := newActEnv(t)
	g := e.fakeGateway()
	g.stuck[guideB] = "1.0"
	e.deployedNew()
	s := e.step("test", switchyard.StepTest, TestConfig{Requests: 5})
	o := inspect(t.Context(), e.tick(s, nil))
	if o.Status != switchyard.StepFailed || !o.Anomaly {
		t.Fatalf("outcome %s anomaly %v", o.Status, o.Anomaly)
	}
	if got := actReason(o, "zh"); got != "5 个请求中有 5 个未走预期版本；首个："+guideB+" 实际版本 1.0，预期 1.1" {
		t.Fatalf("reason = %q", got)
	}
	g.stuck = map[string]string{}
	g.fail.Store(true)
	o = inspect(t.Context(), e.tick(s, nil))
	wantContains(t, "reason", actReason(o, "en"), "5 of 5 requests", "answered 500", "injected error")
}

// TestInspectionThroughTheInspector: a path ending in inspector/inspect
// POSTs Nepxion's body and reads the hops from its result; expect old
// routes to the old chain.
func TestInspectionThroughTheInspector(t *testing.T) {
	e := newActEnv(t)
	g := e.fakeGateway()
	s := e.step("test", switchyard.StepTest, TestConfig{Requests: 2, Expect: "old", Path: "/" + guideA + "/" + dataplane.InspectPath})
	o := inspect(t.Context(), e.tick(s, nil))
	if o.Status != switchyard.StepCompleted || g.paths[0] != "POST /"+guideA+"/inspector/inspect" || !strings.Contains(g.hdrs[0], `"`+guideA+`":"1.0"`) {
		t.Fatalf("outcome %s (%s), requests %v %v", o.Status, actReason(o, "en"), g.paths, g.hdrs)
	}
}

// TestTestCommandNeedsTheServersConsent: commands run on the control
// plane's host only where the server allows them.
func TestTestCommandNeedsTheServersConsent(t *testing.T) {
	e := newActEnv(t)
	s := e.step("test", switchyard.StepTest, TestConfig{Expect: "none", Command: []string{"true"}})
	if o := inspect(t.Context(), e.tick(s, nil)); o.Status != switchyard.StepFailed || o.Reason.Key != "test.command.disabled" {
		t.Fatalf("a command on a server that does not allow them: %s", o.Status)
	}
}

func TestTestCommand(t *testing.T) {
	e := newActEnv(t)
	e.env.AllowCommands = true
	s := e.step("test", switchyard.StepTest, TestConfig{Expect: "none", Command: []string{"sh", "-c", `echo "key=$SWITCHYARD_KEY"; exit 0`}})
	o := inspect(t.Context(), e.tick(s, nil))
	var r testResult
	_ = json.Unmarshal(o.Result, &r)
	if o.Status != switchyard.StepCompleted || r.Command == nil || r.Command.Output != "key=EXE-001/test/1\n" {
		t.Fatalf("outcome %s, result %s", o.Status, o.Result)
	}
	long := strings.Repeat("x", 5000)
	s = e.step("test2", switchyard.StepTest, TestConfig{Expect: "none", Command: []string{"sh", "-c", "printf " + long + "; echo END; exit 3"}})
	o = inspect(t.Context(), e.tick(s, nil))
	_ = json.Unmarshal(o.Result, &r)
	if o.Status != switchyard.StepFailed || r.Command.Exit != 3 || len(r.Command.Output) != outputTail || !strings.HasSuffix(r.Command.Output, "END\n") {
		t.Fatalf("outcome %s exit %d output %d bytes", o.Status, r.Command.Exit, len(r.Command.Output))
	}
	wantContains(t, "reason", actReason(o, "zh"), "执行失败", "exit status 3")
	s = e.step("test3", switchyard.StepTest, TestConfig{Expect: "none", Command: []string{"sleep", "5"}, Timeout: "100ms"})
	o = inspect(t.Context(), e.tick(s, nil))
	wantContains(t, "reason", actReason(o, "en"), "timed out")
}

// TestInspectionPathIsTheDataPlanes: the engine does not link the data
// plane, so its copy of the inspector's path is checked here.
func TestInspectionPathIsTheDataPlanes(t *testing.T) {
	if inspectPath != dataplane.InspectPath || versionHeader != "n-d-version" {
		t.Fatalf("%s / %s", inspectPath, versionHeader)
	}
}
