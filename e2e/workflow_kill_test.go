package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/notify/notifytest"
	"github.com/switchyard-io/switchyard/store/postgres/pgtest"
)

// killHarness is `switchyard server` with the process deployer's catalog
// of the guide's services and a webhook notifier, plus a gateway started
// by the test: the control plane can be killed and restarted while the
// services (in sessions of their own) and the gateway keep serving.
type killHarness struct {
	t       *testing.T
	dir     string
	addr    string
	config  string
	env     []string
	offset  int
	server  *proc
	admin   *client.Client
	hook    *notifytest.Receiver
	gateway string
}

func newKillHarness(t *testing.T, offset int, storeYAML string) *killHarness {
	t.Helper()
	h := &killHarness{t: t, dir: t.TempDir(), addr: freeAddr(t), offset: offset}
	h.hook = notifytest.NewReceiver(t, "e2e-webhook-secret-0123456789")
	h.env = []string{"SWITCHYARD_ADMIN_PASSWORD=kill-test-admin", "E2E_WEBHOOK_SECRET=" + h.hook.Secret}
	url := "http://" + h.addr

	// First start: the admin, the data plane's token, the group and the
	// release; then the configuration that needs the token.
	h.config = filepath.Join(t.TempDir(), "switchyard.yaml")
	h.write(storeYAML)
	h.start()
	h.admin = login(t, url, "kill-test-admin")
	token := agent(t, h.admin)
	if _, err := h.admin.CreateGroup(ctx(t), switchyard.NewGroup{Name: group}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.admin.CreateRelease(ctx(t), switchyard.NewRelease{Name: demoRelease, Subscription: switchyard.Partial, Group: group, App: gwID,
		Spec: switchyard.ReleaseSpec{Services: []string{svcA, svcB}, Sort: "version", GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Weight: 0}}}}); err != nil {
		t.Fatal(err)
	}
	h.stop()
	h.write(storeYAML + h.catalog(url, token))
	h.start()
	t.Cleanup(func() {
		// The services outlive the control plane by design: stop them.
		for _, port := range []int{3001, 3002, 4001, 4002} {
			killListener(t, addr(port, offset))
		}
	})
	h.gateway = "http://" + addr(5001, offset)
	gw := start(t, []string{"SWITCHYARD_TOKEN=" + token}, "gateway", "--service", gwID, "--group", group, "--listen", addr(5001, offset),
		"--control-plane", url, "--admin-listen", "127.0.0.1:0", "--cache-dir", filepath.Join(h.dir, "gateway-cache"), "--report-interval", "1s",
		"--version", "1.0", "--route", "/"+svcA+"/="+svcA, "--header-priority=false")
	t.Cleanup(func() { gw.stop(syscall.SIGTERM, 10*time.Second) })
	deadline := time.Now().Add(20 * time.Second)
	for !listening(addr(5001, offset)) {
		if time.Now().After(deadline) {
			t.Fatal("the gateway does not listen")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return h
}

// catalog is the deploy and notify configuration: the guide's services at
// their (offset) ports, as the demo has them.
func (h *killHarness) catalog(url, token string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "notify:\n  webhooks:\n    - name: e2e\n      url: %s\n      secret_env: E2E_WEBHOOK_SECRET\n", h.hook.URL)
	fmt.Fprintf(&b, "deploy:\n  process:\n    binary: %s\n    stop_grace: 5s\n    env:\n      SWITCHYARD_TOKEN: %q\n      SWITCHYARD_CONTROL_PLANE: %q\n    services:\n", binary, token, url)
	for _, s := range []struct {
		name, next string
		base       int
	}{{svcA, svcB, 3000}, {svcB, "", 4000}} {
		args := []string{"demo-service", "--service", "{name}", "--group", "{group}", "--version", "{version}", "--listen", "{host}:{port}",
			"--control-plane", url, "--admin-listen", "127.0.0.1:0", "--cache-dir", "{datadir}/cache", "--report-interval", "1s"}
		if s.next != "" {
			args = append(args, "--next", s.next)
		}
		quoted, _ := json.Marshal(args)
		fmt.Fprintf(&b, "      - name: %s\n        group: %s\n        args: %s\n        versions:\n", s.name, group, quoted)
		for i, v := range []string{"1.0", "1.1"} {
			fmt.Fprintf(&b, "          - version: %q\n            ports: [%d]\n", v, s.base+1+i+h.offset)
		}
	}
	return b.String()
}

func (h *killHarness) write(yaml string) {
	if err := os.WriteFile(h.config, []byte(yaml), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func (h *killHarness) start() {
	p := start(h.t, h.env, "server", "--data-dir", h.dir, "--listen", h.addr, "--config", h.config)
	// Runs before start's own cleanup (which would SIGKILL it).
	h.t.Cleanup(func() {
		if h.server == p {
			h.stop()
		}
	})
	h.server = p
	h.server.waitLine(`^console: `, 30*time.Second)
}

func (h *killHarness) stop() {
	if err := h.server.stop(syscall.SIGTERM, 20*time.Second); err != nil {
		h.t.Errorf("server exit: %v", err)
	}
	h.server = nil
}

// kill ends the control plane with SIGKILL: no shutdown of any kind.
func (h *killHarness) kill() {
	_ = syscall.Kill(-h.server.cmd.Process.Pid, syscall.SIGKILL)
	<-h.server.done
	h.server = nil
}

// bootstrap brings 1.0 of both services up through the deployer with a
// CUSTOM workflow (开始 → 部署 1.0 → 健康检查 → 结束), as an operator would
// on an empty environment.
func (h *killHarness) bootstrap() {
	t := h.t
	cfg, _ := json.Marshal(map[string]any{"version": "1.0"})
	wf, err := h.admin.CreateWorkflow(ctx(t), switchyard.NewWorkflow{ReleaseID: demoRelease, Name: "bring up 1.0", Template: switchyard.TemplateCustom,
		Steps: []switchyard.Step{{ID: "start", Name: "开始", Type: switchyard.StepStart}, {ID: "deploy", Name: "部署 1.0", Type: switchyard.StepDeploy, Config: cfg, Timeout: 2},
			{ID: "health", Name: "健康检查", Type: switchyard.StepHealthCheck, Timeout: 2}, {ID: "end", Name: "结束", Type: switchyard.StepEnd}},
		Edges: []switchyard.Edge{{From: "start", To: "deploy"}, {From: "deploy", To: "health"}, {From: "health", To: "end"}}})
	if err != nil {
		t.Fatal(err)
	}
	exe, err := h.admin.StartExecution(ctx(t), wf.ID, switchyard.StartRequest{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	if e := waitExecution(t, h.admin, exe.ID, time.Minute, "finished", finished); e.Status != switchyard.ExecCompleted {
		t.Fatalf("bringing up 1.0 ended %s: %s\n%s", e.Status, text(e.Reason), logText(e))
	}
}

// killListener SIGKILLs the process listening on addr, if any (a service
// the deployer started that outlived the test's control plane).
func killListener(t *testing.T, addr string) {
	if !listening(addr) {
		return
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err == nil {
		resp.Body.Close()
	}
	var pid int
	_, port, _ := strings.Cut(addr, ":")
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if strings.Contains(string(cmdline), "demo-service") && strings.Contains(string(cmdline), "127.0.0.1:"+port+"\x00") {
			fmt.Sscan(e.Name(), &pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

// TestWorkflowSurvivesKillNine kills the control plane with SIGKILL in the
// middle of a gradual shift and again in the middle of a MONITOR, and
// restarts it each time: the execution resumes where it was and completes;
// the deployer's journal shows each service started and stopped once, the
// webhook received no notification twice and no step's second attempt,
// every step ran once, and the published weight never jumped (each rule
// version at most one increment above the one before).
func TestWorkflowSurvivesKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a release workflow through two kills; skipped with -short")
	}
	t.Run("sqlite", func(t *testing.T) { killNine(t, 500, "") })
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.FreshSchema(t)
		killNine(t, 600, fmt.Sprintf("store:\n  driver: postgres\n  dsn: %q\n", dsn))
	})
}

func killNine(t *testing.T, offset int, storeYAML string) {
	h := newKillHarness(t, offset, storeYAML)
	h.bootstrap()
	wf, err := h.admin.CreateWorkflow(ctx(t), switchyard.NewWorkflow{ReleaseID: demoRelease, Name: "e2e blue-green", Template: switchyard.TemplateBlueGreen, Params: &testParams})
	if err != nil {
		t.Fatal(err)
	}
	l := startLoad(t, h.gateway, loadRate)
	exe, err := h.admin.StartExecution(ctx(t), wf.ID, switchyard.StartRequest{}, "en")
	if err != nil {
		t.Fatal(err)
	}

	// Kill 1: halfway through 流量切换50%.
	e := waitExecution(t, h.admin, exe.ID, 90*time.Second, "halfway through the shift to 50%", func(e *switchyard.Execution) bool {
		return e.Traffic != nil && e.Traffic.To == 50 && e.Traffic.Current >= 20 && e.Traffic.Current < 50
	})
	at := e.Traffic.Current
	h.kill()
	t.Logf("killed during the shift to 50%% at %.0f%%", at)
	time.Sleep(time.Second)
	h.start()

	// Kill 2: in the middle of the observation of 50%.
	waitExecution(t, h.admin, exe.ID, 2*time.Minute, "observing 50% after one measurement", func(e *switchyard.Execution) bool {
		mons := stepsOf(e, switchyard.StepMonitor)
		if len(mons) < 2 || mons[1].Status != switchyard.StepRunning {
			return false
		}
		for _, l := range e.Logs {
			if l.StepID == mons[1].StepID && l.Key == "monitor.measured" {
				return true
			}
		}
		return false
	})
	h.kill()
	t.Log("killed while observing 50%")
	time.Sleep(time.Second)
	h.start()

	e = waitExecution(t, h.admin, exe.ID, 4*time.Minute, "finished", finished)
	time.Sleep(time.Second)
	l.halt()
	if e.Status != switchyard.ExecCompleted {
		t.Fatalf("ended %s: %s\n%s", e.Status, text(e.Reason), logText(e))
	}
	for _, s := range e.Steps {
		if s.Status == switchyard.StepCompleted && s.Attempt != 1 {
			t.Errorf("%s ran %d attempts", s.Name, s.Attempt)
		}
	}
	checkMoves(t, e, testParams.Weights, testParams.Increment)
	checkMonitorShares(t, l, e, testParams.Weights)
	ws := publishedWeights(t, h.admin, gwID)
	checkNoJump(t, ws, testParams.Increment, 100)
	t.Logf("published weights: %v", ws)
	if b := brokenChains(l.all()); len(b) > 0 {
		t.Errorf("%d requests crossed versions along the chain, e.g. %+v", len(b), b[0])
	}
	if f := failures(l.all()); f > 0 {
		t.Errorf("%d of %d requests failed", f, len(l.all()))
	}

	j := journalCounts(t, h.dir)
	want := map[string]int{"start service-a 1.0": 1, "start service-b 1.0": 1, "start service-a 1.1": 1, "start service-b 1.1": 1, "stop service-a 1.0": 1, "stop service-b 1.0": 1}
	for k, n := range want {
		if j[k] != n {
			t.Errorf("journal: %q %d times, want %d (%v)", k, j[k], n, j)
		}
	}
	if len(j) != len(want) {
		t.Errorf("journal has other entries: %v", j)
	}
	if err := h.hook.Wait(ctx(t), func(r *notifytest.Receiver) bool { return countFor(r, exe.ID, "execution.completed") == 1 }); err != nil {
		t.Errorf("webhook: no execution.completed for %s (%v)", exe.ID, h.hook.Events())
	}
	if dup := h.hook.Duplicates(); len(dup) > 0 {
		t.Errorf("webhook: delivered twice: %v", dup)
	}
	for k := range h.hook.Keys() {
		if strings.Contains(k, "/2/") {
			t.Errorf("webhook: a second attempt of a step: %s", k)
		}
	}
	t.Logf("webhook: %d deliveries %v", len(h.hook.Deliveries()), h.hook.Events())
}

// countFor counts the deliveries of event for execution id.
func countFor(r *notifytest.Receiver, id, event string) int {
	n := 0
	for _, d := range r.Deliveries() {
		if d.Notification.ExecutionID == id && d.Notification.Event == event {
			n++
		}
	}
	return n
}
