package workflow

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// healthServer is an instance's health endpoint answering status (200 by
// default), registered as version of service.
type healthServer struct {
	status atomic.Int32
	hits   atomic.Int32
	id     string
}

func (e *actEnv) healthServer(service, version string) *healthServer {
	e.t.Helper()
	h := &healthServer{}
	h.status.Store(200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		if r.URL.Path != "/healthz" {
			w.WriteHeader(404)
			return
		}
		w.WriteHeader(int(h.status.Load()))
	}))
	e.t.Cleanup(srv.Close)
	host, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	in, err := e.reg.Register(e.t.Context(), &switchyard.Instance{Service: service, Group: guideGroup, Version: version, Host: host, Port: p})
	if err != nil {
		e.t.Fatal(err)
	}
	h.id = in.ID
	return h
}

// TestHealthCheckWaitsForRegisteredAndSettled: the version comes from the
// last DEPLOY; the step waits while an instance is missing or failing,
// passes once every instance has answered 200 for Settle, and logs a line
// only when a service's picture changes.
func TestHealthCheckWaitsForRegisteredAndSettled(t *testing.T) {
	e := newActEnv(t)
	e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.2"})
	e.completed("deploy", deployResult{Version: "1.2", Services: []*switchyard.DeployStatus{{Service: guideA, Version: "1.2"}}})
	s := e.step("health", switchyard.StepHealthCheck, HealthCheckConfig{Interval: "1s", Settle: "2s"})
	var outs []Outcome
	tick := func(progress []byte) Outcome {
		o := healthCheck(t.Context(), e.tick(s, progress))
		outs = append(outs, o)
		return o
	}
	o := tick(nil)
	if o.Status != switchyard.StepRunning || o.Waiting != "instances" || !o.Next.Equal(e.now.Add(time.Second)) {
		t.Fatalf("no instance yet: %s %s %v", o.Status, o.Waiting, o.Next)
	}
	h := e.healthServer(guideA, "1.2")
	h.status.Store(503)
	for range 3 { // failing: waits, and logs the picture once
		e.now = e.now.Add(time.Second)
		if o = tick(o.Progress); o.Status != switchyard.StepRunning {
			t.Fatalf("a failing instance passed: %+v", o)
		}
	}
	h.status.Store(200)
	for i := range 3 { // healthy at +0s, +1s, +2s: settled at the third
		e.now = e.now.Add(time.Second)
		o = tick(o.Progress)
		if want := map[bool]switchyard.StepStatus{true: switchyard.StepCompleted, false: switchyard.StepRunning}[i == 2]; o.Status != want {
			t.Fatalf("healthy probe %d: %s, want %s", i+1, o.Status, want)
		}
	}
	if Render(o.Summary, "zh") != "通过" {
		t.Fatalf("summary %v", o.Summary)
	}
	want := []string{
		guideA + " 1.2：已注册 0/1 个实例，0 个 /healthz 检查通过",
		guideA + " 1.2：已注册 1/1 个实例，0 个 /healthz 检查通过",
		guideA + " 1.2：已注册 1/1 个实例，1 个 /healthz 检查通过",
	}
	if got := actLogs("zh", outs...); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantContains(t, "result", string(o.Result), `"version":"1.2"`, `"healthy":true`, h.id)
}

// TestHealthCheckRepeatedTickDecidesTheSame: a tick repeated with the same
// progress probes again and decides as the first did.
func TestHealthCheckRepeatedTickDecidesTheSame(t *testing.T) {
	e := newActEnv(t)
	e.healthServer(guideA, "1.2")
	e.healthServer(guideB, "1.2")
	s := e.step("health", switchyard.StepHealthCheck, HealthCheckConfig{Version: "1.2", Settle: "2s"})
	first := healthCheck(t.Context(), e.tick(s, nil))
	e.now = e.now.Add(2 * time.Second)
	o1 := healthCheck(t.Context(), e.tick(s, first.Progress))
	o2 := healthCheck(t.Context(), e.tick(s, first.Progress))
	if o1.Status != switchyard.StepCompleted || o2.Status != o1.Status || string(o1.Result) != string(o2.Result) {
		t.Fatalf("%s / %s\n%s\n%s", o1.Status, o2.Status, o1.Result, o2.Result)
	}
}

// TestHealthCheckGivesUpAfterItsCap: without a timeout of its own the
// step fails after 5 minutes, saying what it saw.
func TestHealthCheckGivesUpAfterItsCap(t *testing.T) {
	e := newActEnv(t)
	s := e.step("health", switchyard.StepHealthCheck, HealthCheckConfig{Version: "1.2", Interval: "30s"})
	outs := e.run(healthCheck, s, 20)
	last := outs[len(outs)-1]
	if last.Status != switchyard.StepFailed || e.now.Sub(t0) != 5*time.Minute {
		t.Fatalf("%s after %v", last.Status, e.now.Sub(t0))
	}
	wantContains(t, "reason", actReason(last, "zh"), "新实例 5 分钟内未通过健康检查", "已注册 0/1 个实例")
	if o := healthCheck(t.Context(), e.tick(e.step("h2", switchyard.StepHealthCheck, HealthCheckConfig{}), nil)); o.Reason.Key != "health.no_version" {
		t.Fatalf("no version known: %+v", o.Reason)
	}
}
