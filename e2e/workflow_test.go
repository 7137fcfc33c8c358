package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/process"
	"github.com/switchyard-io/switchyard/notify/notifytest"
)

const demoRelease = "discovery-guide-1.1"

// workflowDemo is `switchyard demo --fresh` (1.0 only) with a webhook
// notifier delivering to a test receiver, no traffic of its own, and a
// blue-green workflow with the tests' short durations on the demo's
// release.
type workflowDemo struct {
	*topo
	dataDir string
	hook    *notifytest.Receiver
	wf      *switchyard.Workflow
	offset  int
}

func startWorkflowDemo(t *testing.T, offset int) *workflowDemo {
	t.Helper()
	dir := t.TempDir()
	hook := notifytest.NewReceiver(t, "e2e-webhook-secret-0123456789")
	cfg := filepath.Join(t.TempDir(), "switchyard.yaml")
	yaml := fmt.Sprintf("notify:\n  webhooks:\n    - name: e2e\n      url: %s\n      secret_env: E2E_WEBHOOK_SECRET\n", hook.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	p := start(t, []string{"E2E_WEBHOOK_SECRET=" + hook.Secret}, "demo", "--fresh", "--no-traffic", "--config", cfg,
		"--data-dir", dir, "--listen", addr(8080, offset), "--port-offset", fmt.Sprint(offset))
	cpURL := p.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]
	p.waitLine(`^demo: press Ctrl-C to stop$`, 60*time.Second)
	tp := &topo{t: t, cpURL: cpURL, gateway: "http://" + addr(5001, offset), http: &http.Client{Timeout: 10 * time.Second}}
	tp.admin = login(t, cpURL, "switchyard-demo")
	t.Cleanup(func() {
		if err := p.stop(syscall.SIGINT, 30*time.Second); err != nil {
			t.Errorf("demo exit: %v", err)
		}
		for _, port := range []int{8080, 6001, 5001, 3001, 3002, 4001, 4002} {
			if listening(addr(port, offset)) {
				t.Errorf("port %d still open after the demo stopped", port+offset)
			}
		}
	})
	for _, port := range []int{3002, 4002} {
		if listening(addr(port, offset)) {
			t.Fatalf("--fresh: 1.1 listens on %d before the workflow deployed it", port+offset)
		}
	}
	wf, err := tp.admin.CreateWorkflow(ctx(t), switchyard.NewWorkflow{ReleaseID: demoRelease, Name: "e2e blue-green", Template: switchyard.TemplateBlueGreen, Params: &testParams})
	if err != nil {
		t.Fatal(err)
	}
	return &workflowDemo{topo: tp, dataDir: dir, hook: hook, wf: wf, offset: offset}
}

// journal counts the deployer's starts and stops per service version.
func (d *workflowDemo) journal(t *testing.T) map[string]int {
	return journalCounts(t, d.dataDir)
}

func journalCounts(t *testing.T, dir string) map[string]int {
	t.Helper()
	entries, err := process.ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range entries {
		out[e.Action+" "+strings.TrimPrefix(e.Service, "discovery-guide-")+" "+e.Version]++
	}
	return out
}

// TestWorkflowBlueGreenOnTheDemo runs the blue-green template on the demo's
// real processes from 1.0 alone: it deploys 1.1, shifts 10% → 50% → 100%
// in moves of 10 points, watches each weight, takes 1.0 offline and ends
// the release. At the gateway the measured share of 1.1 is each weight
// (±5 over at least 500 requests), no chain mixes versions, no request
// fails. Halfway through the shift to 50% a person pauses: the share holds
// for the pause, no new rule is published, and resume goes on from there.
func TestWorkflowBlueGreenOnTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a release workflow for about 90 s; skipped with -short")
	}
	d := startWorkflowDemo(t, 300)
	c := d.admin
	l := startLoad(t, d.gateway, loadRate)
	exe, err := c.StartExecution(ctx(t), d.wf.ID, switchyard.StartRequest{}, "en")
	if err != nil {
		t.Fatal(err)
	}

	// Pause in the middle of 流量切换50%.
	waitExecution(t, c, exe.ID, 90*time.Second, "halfway through the shift to 50%", func(e *switchyard.Execution) bool {
		return e.Traffic != nil && e.Traffic.To == 50 && e.Traffic.Current >= 20 && e.Traffic.Current < 50
	})
	signal(t, c, exe.ID, "pause")
	e := waitExecution(t, c, exe.ID, 10*time.Second, "paused", func(e *switchyard.Execution) bool { return e.Status == switchyard.ExecPaused })
	held := e.Traffic.Current
	var before switchyard.ConfigEntry
	if err := c.Do(ctx(t), "GET", "/api/config/"+group+"/"+gwID, nil, &before); err != nil {
		t.Fatal(err)
	}
	pausedAt := time.Now()
	time.Sleep(9 * time.Second)
	var after switchyard.ConfigEntry
	if err := c.Do(ctx(t), "GET", "/api/config/"+group+"/"+gwID, nil, &after); err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version || grayWeight(after.Content) != int(held) {
		t.Errorf("during the pause the rule went from version %d to %d (weight %d; held at %.0f)", before.Version, after.Version, grayWeight(after.Content), held)
	}
	pct, n := shareOf(l.between(pausedAt.Add(500*time.Millisecond), time.Now()), "1.1")
	t.Logf("paused at %.0f%%: 1.1 had %.1f%% of %d requests over the pause", held, pct, n)
	if n < 500 || pct <= held-5 || pct >= held+5 {
		t.Errorf("during the pause 1.1 had %.1f%% of %d requests, want %.0f±5 over at least 500", pct, n, held)
	}
	if st, _ := c.Execution(ctx(t), exe.ID, "en"); st.Status != switchyard.ExecPaused {
		t.Fatalf("still paused? %s", st.Status)
	}
	signal(t, c, exe.ID, "resume")

	e = waitExecution(t, c, exe.ID, 3*time.Minute, "finished", finished)
	endedAt := time.Now()
	time.Sleep(2 * time.Second)
	l.halt()
	if e.Status != switchyard.ExecCompleted {
		t.Fatalf("ended %s: %s\n%s", e.Status, text(e.Reason), logText(e))
	}
	// Resume went on from the held weight: the moves after the pause start
	// one increment above it.
	checkMoves(t, e, testParams.Weights, testParams.Increment)
	checkMonitorShares(t, l, e, testParams.Weights)
	checkNoJump(t, publishedWeights(t, c, gwID), testParams.Increment, 100)
	all := l.all()
	if b := brokenChains(all); len(b) > 0 {
		t.Errorf("%d of %d requests crossed versions along the chain, e.g. %+v", len(b), len(all), b[0])
	}
	if f := failures(all); f > 0 {
		t.Errorf("%d of %d requests failed during the release", f, len(all))
	}
	if pct, n := shareOf(l.between(endedAt, time.Now()), "1.1"); n == 0 || pct != 100 {
		t.Errorf("after the release 1.1 had %.1f%% of %d requests, want all", pct, n)
	}
	t.Logf("%d requests, %s", len(all), e.Logs[len(e.Logs)-1].Message)

	// 1.0 is offline: deregistered, its processes stopped; the release is ended.
	for _, svc := range []string{svcA, svcB} {
		ins, err := c.Instances(ctx(t), svc, group)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range ins {
			if in.Version != "1.1" {
				t.Errorf("%s %s is still registered (%s:%d)", svc, in.Version, in.Host, in.Port)
			}
		}
	}
	for _, port := range []int{3001, 4001} {
		if listening(addr(port, d.offset)) {
			t.Errorf("1.0 still listens on %d", port+d.offset)
		}
	}
	r, err := c.Release(ctx(t), demoRelease)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != switchyard.StateEnded {
		t.Errorf("release %s is %s, want ENDED", demoRelease, r.State)
	}
	// The deployer started each 1.1 service once and stopped each 1.0 once.
	j := d.journal(t)
	for _, k := range []string{"start service-a 1.1", "start service-b 1.1", "stop service-a 1.0", "stop service-b 1.0"} {
		if j[k] != 1 {
			t.Errorf("journal: %q %d times, want once (%v)", k, j[k], j)
		}
	}
	if err := d.hook.Wait(ctx(t), func(r *notifytest.Receiver) bool { return r.CountEvent("execution.completed") == 1 }); err != nil {
		t.Errorf("webhook: no execution.completed (%v)", d.hook.Events())
	}
	if dup := d.hook.Duplicates(); len(dup) > 0 {
		t.Errorf("webhook: delivered twice: %v", dup)
	}
}

// TestWorkflowRollsBackOnErrors injects 20% errors into 1.1 while the
// first weight is observed: the monitor finds the success rate below its
// threshold, 异常? takes the 是 branch, the rollback puts all traffic on
// 1.0, the execution ends ROLLED_BACK, the log names the threshold and the
// measured value, and the webhook receives the failure.
func TestWorkflowRollsBackOnErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a release workflow; skipped with -short")
	}
	d := startWorkflowDemo(t, 400)
	c := d.admin
	l := startLoad(t, d.gateway, loadRate)
	exe, err := c.StartExecution(ctx(t), d.wf.ID, switchyard.StartRequest{}, "en")
	if err != nil {
		t.Fatal(err)
	}
	waitExecution(t, c, exe.ID, 90*time.Second, "observing 10%", func(e *switchyard.Execution) bool {
		for _, s := range e.Steps {
			if s.Type == switchyard.StepMonitor && s.Status == switchyard.StepRunning {
				return true
			}
		}
		return false
	})
	fault, _ := http.NewRequest("PUT", "http://"+addr(3002, d.offset)+"/demo/fault", strings.NewReader(`{"errorRate":0.2}`))
	resp, err := http.DefaultClient.Do(fault)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT /demo/fault: %d", resp.StatusCode)
	}

	e := waitExecution(t, c, exe.ID, 2*time.Minute, "finished", finished)
	endedAt := time.Now()
	time.Sleep(3 * time.Second)
	l.halt()
	if e.Status != switchyard.ExecRolledBack {
		t.Fatalf("ended %s, want ROLLED_BACK: %s\n%s", e.Status, text(e.Reason), logText(e))
	}
	t.Logf("reason: %s", text(e.Reason))
	breach := regexp.MustCompile(`success rate (\d+(\.\d+)?)% is (below the threshold 95%|more than 2 points below)`)
	var found string
	for _, l := range e.Logs {
		if m := breach.FindStringSubmatch(l.Message); m != nil {
			found = l.Message
			break
		}
	}
	if found == "" {
		t.Errorf("no log line names the failed threshold with the measured value:\n%s", logText(e))
	}
	t.Logf("log: %s", found)
	zh, err := c.Execution(ctx(t), exe.ID, "zh-CN")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text(zh.Reason), "成功率") && !strings.Contains(logText(zh), "成功率") {
		t.Errorf("the Chinese log does not name 成功率:\n%s", logText(zh))
	}
	if pct, n := shareOf(l.between(endedAt, time.Now()), "1.0"); n == 0 || pct != 100 {
		t.Errorf("after the rollback 1.0 had %.1f%% of %d requests, want all", pct, n)
	}
	if b := brokenChains(l.all()); len(b) > 0 {
		t.Errorf("%d requests crossed versions along the chain, e.g. %+v", len(b), b[0])
	}
	if err := d.hook.Wait(ctx(t), func(r *notifytest.Receiver) bool { return r.CountEvent("execution.rolled_back") == 1 }); err != nil {
		t.Errorf("webhook: no execution.rolled_back (%v)", d.hook.Events())
	}
	for _, dl := range d.hook.Deliveries() {
		if dl.Notification.Event == "execution.rolled_back" {
			t.Logf("webhook: %s %s: %s", dl.Notification.Event, dl.Notification.Outcome, dl.Notification.Message)
		}
	}
	r, err := c.Release(ctx(t), demoRelease)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("release %s after the rollback: %s", demoRelease, r.State)
}
