package workflow

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// released publishes the release at 100% to 1.1, as the shifts would.
func released(e *actEnv) {
	spec := withWeight(e.release().Spec, 100)
	e.execute(switchyard.OpRelease, &spec)
	e.st.Traffic = 100
}

// TestOfflineRefusesWhileTheOldVersionServes: the old version is taken
// offline only once the new one has all the traffic.
func TestOfflineRefusesWhileTheOldVersionServes(t *testing.T) {
	e := newActEnv(t)
	e.deployedNew()
	e.st.Traffic = 50
	o := offline(t.Context(), e.tick(e.step("offline", switchyard.StepOffline, OfflineConfig{}), nil))
	if o.Status != switchyard.StepFailed || o.Reason.Key != "offline.not_full" || e.deployer.starts != 0 || len(e.deployer.calls) != 0 {
		t.Fatalf("offline at 50%%: %s %s, deployer calls %v", o.Status, actReason(o, "en"), e.deployer.calls)
	}
}

// TestOfflineTakesTheOldVersionOffThenEnds: 1.0 of both services is
// stopped through the deployer (1.1 never), the step waits for the
// registry and Settle, then 结束发布 clears the rule.
func TestOfflineTakesTheOldVersionOffThenEnds(t *testing.T) {
	e := newActEnv(t)
	released(e)
	e.deployedNew()
	s := e.step("offline", switchyard.StepOffline, OfflineConfig{Settle: "2s"})
	outs := e.run(offline, s, 10)
	last := outs[len(outs)-1]
	if last.Status != switchyard.StepCompleted || Render(last.Summary, "zh") != "成功" || *last.Traffic != 100 {
		t.Fatalf("last %s: %s", last.Status, actReason(last, "en"))
	}
	for _, c := range e.deployer.calls {
		if c.Version != "1.0" || c.Instances != 0 || c.Key != "EXE-001/offline/1" {
			t.Fatalf("Ensure(%+v): only 1.0 goes to 0", c)
		}
	}
	if len(e.deployer.calls) != 2 || e.deployer.stops != 2 || e.now.Sub(t0) != 2*time.Second {
		t.Fatalf("calls %+v, stops %d, after %v", e.deployer.calls, e.deployer.stops, e.now.Sub(t0))
	}
	r := e.release()
	if r.State != switchyard.StateEnded || !slices.Equal(e.history(), []switchyard.Operation{switchyard.OpRelease, switchyard.OpEnd}) {
		t.Fatalf("release %s, history %v", r.State, e.history())
	}
	got := strings.Join(actLogs("zh", outs...), "|")
	if want := "下线 " + guideA + " 1.0|下线 " + guideB + " 1.0|结束发布：配置版本 2"; got != want {
		t.Fatalf("log = %s\nwant  %s", got, want)
	}
	if stored, _ := e.cc.Get(t.Context(), switchyard.ConfigKey{Group: guideGroup, DataID: guideGateway}); strings.Contains(stored.Content, "strategy-release") {
		t.Fatalf("the rule still has the release: %s", stored.Content)
	}
}

// TestOfflineRepeatedTicksLandOnce: the first tick again stops nothing
// more; the last tick again (after the end landed) ends nothing more.
func TestOfflineRepeatedTicksLandOnce(t *testing.T) {
	e := newActEnv(t)
	released(e)
	e.deployedNew()
	s := e.step("offline", switchyard.StepOffline, OfflineConfig{Settle: "2s"})
	o1 := offline(t.Context(), e.tick(s, nil))
	again := offline(t.Context(), e.tick(s, nil))
	// The repeated tick finds no old version online any more: it stops
	// nothing, and converges on the same wait.
	if e.deployer.stops != 2 || again.Status != switchyard.StepRunning || !again.Next.Equal(o1.Next) {
		t.Fatalf("stops %d; %s until %v", e.deployer.stops, again.Status, again.Next)
	}
	e.now = o1.Next
	end1 := offline(t.Context(), e.tick(s, o1.Progress))
	end2 := offline(t.Context(), e.tick(s, o1.Progress))
	if end1.Status != switchyard.StepCompleted || end2.Status != switchyard.StepCompleted {
		t.Fatalf("%s / %s: %s", end1.Status, end2.Status, actReason(end2, "en"))
	}
	if h := e.history(); !slices.Equal(h, []switchyard.Operation{switchyard.OpRelease, switchyard.OpEnd}) {
		t.Fatalf("history = %v; want one end", h)
	}
}

// TestOfflineWaitsForTheRegistry: an old instance the deployer stopped but
// the registry still lists holds the step (its picture logged once), and
// the end waits for it.
func TestOfflineWaitsForTheRegistry(t *testing.T) {
	e := newActEnv(t)
	released(e)
	e.deployedNew()
	e.deployer.reg = nil // stopped processes stay registered until their TTL
	s := e.step("offline", switchyard.StepOffline, OfflineConfig{})
	var outs []Outcome
	var progress []byte
	for range 3 {
		o := offline(t.Context(), e.tick(s, progress))
		outs = append(outs, o)
		progress, e.now = o.Progress, o.Next
	}
	if outs[2].Status != switchyard.StepRunning || outs[2].Waiting != "instances" || e.release().State != switchyard.StateReleased {
		t.Fatalf("%s / %s", outs[2].Status, e.release().State)
	}
	if got := actLogs("zh", outs...); len(got) != 3 || got[2] != "等待旧版本的 2 个实例从注册中心下线" {
		t.Fatalf("log = %q", got)
	}
	e.now = t0.Add(instancesCap)
	o := offline(t.Context(), e.tick(s, progress))
	wantContains(t, "reason", actReason(o, "zh"), "5 分钟后旧版本实例仍在注册中心", guideA+" 1.0 127.0.0.1:")
}

// TestOfflineNeverTakesTheNewVersion: without a known new version it
// refuses to guess; the named version cannot be the new one; a service
// without the new version online keeps its others.
func TestOfflineNeverTakesTheNewVersion(t *testing.T) {
	e := newActEnv(t)
	e.st.Traffic = 100
	s := e.step("offline", switchyard.StepOffline, OfflineConfig{})
	if o := offline(t.Context(), e.tick(s, nil)); o.Status != switchyard.StepFailed || o.Reason.Key != "offline.no_new" {
		t.Fatalf("unknown new version: %+v", o.Reason)
	}
	e.deployedNew()
	s = e.step("offline2", switchyard.StepOffline, OfflineConfig{Version: "1.1"})
	if o := offline(t.Context(), e.tick(s, nil)); o.Reason.Key != "offline.is_new" {
		t.Fatalf("the new version named: %+v", o.Reason)
	}
	if _, err := e.deployer.Ensure(t.Context(), switchyard.DeploySpec{Service: guideB, Group: guideGroup, Version: "1.1", Instances: 0}); err != nil {
		t.Fatal(err)
	}
	s = e.step("offline3", switchyard.StepOffline, OfflineConfig{})
	o := offline(t.Context(), e.tick(s, nil))
	if o.Reason.Key != "offline.new_missing" || e.deployer.stops != 1 {
		t.Fatalf("%+v; stops %d (only the setup's)", o.Reason, e.deployer.stops)
	}
	wantContains(t, "reason", actReason(o, "zh"), guideB+" 没有新版本 1.1 的在线实例")
}
