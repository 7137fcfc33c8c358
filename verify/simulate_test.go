package verify

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// wrongRule sends every chain to the new versions, whatever the phase.
const wrongRule = `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>{"discovery-guide-service-a":"1.1","discovery-guide-service-b":"1.1"}</version>
    </strategy>
</rule>`

const previousRule = `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>1.0</version>
    </strategy>
</rule>`

// TestSimulationPassesEveryPhase: the three automation documents against a
// gateway that follows the rule pass all seven phases; each phase made its
// change through the publish path (audited as the system actor), the
// blue-green batches expect the sides the expressions name, the gray ones
// the weights of the triggered condition, and the rule before is back.
func TestSimulationPassesEveryPhase(t *testing.T) {
	e := newFakeEnv(t)
	before := e.put("alice", previousRule)
	started, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(400))
	if err != nil {
		t.Fatal(err)
	}
	if started.Task != group+"@@"+gwID || started.ID == "" {
		t.Fatalf("started = %+v", started)
	}
	r := e.wait(started.ID)
	if r.Status != switchyard.VerifyPassed {
		t.Fatalf("status %s: %+v", r.Status, r.Reason)
	}
	sim := r.Simulation
	want := []struct {
		name   string
		kinds  string
		action string
	}{
		{"reset", "normal", "strategy/reset-release"},
		{"basic", "basic", "strategy/create-version-release-yaml"},
		{"release1", "bluegreen bluegreen bluegreen gray gray gray", "strategy/create-version-release-yaml"},
		{"reset", "normal", "strategy/reset-release"},
		{"recreate-basic", "basic", "strategy/recreate-version-release-yaml"},
		{"recreate-release2", "bluegreen bluegreen bluegreen gray gray gray", "strategy/recreate-version-release-yaml"},
		{"reset", "normal", "strategy/reset-release"},
	}
	if len(sim.Result.Phases) != 7 {
		t.Fatalf("%d phases", len(sim.Result.Phases))
	}
	var versions []int64
	for i, p := range sim.Result.Phases {
		var kinds []string
		for _, b := range p.Batches {
			kinds = append(kinds, b.Kind)
			if !b.Passed || len(b.Assertions) == 0 || b.Samples != b.Planned {
				t.Errorf("phase %d batch %s %v: passed %v, %d assertions, %d/%d samples", p.Index, b.Kind, b.Header, b.Passed, len(b.Assertions), b.Samples, b.Planned)
			}
		}
		if p.Index != i+1 || p.Name != want[i].name || p.Action != want[i].action || p.Status != switchyard.PhasePassed || strings.Join(kinds, " ") != want[i].kinds || p.Applied == "" {
			t.Errorf("phase %d = %s %s %s batches %v applied %q; want %+v", p.Index, p.Name, p.Action, p.Status, kinds, p.Applied, want[i])
		}
		versions = append(versions, p.RuleVersion)
	}
	for i := 1; i < len(versions); i++ {
		if versions[i] != versions[i-1]+1 {
			t.Errorf("rule versions %v: each phase writes the next version", versions)
		}
	}
	// Phase 3's batches: no header ⇒ old; green's xyz=1 ⇒ old; blue's xyz=2 ⇒ new;
	// gray without header 100/0, xyz=3 ⇒ 90/10, xyz=4 ⇒ 70/30.
	p3 := sim.Result.Phases[2].Batches
	for i, w := range []struct {
		header string
		side   string
		weight []int
	}{{"", "old", nil}, {"xyz=1", "old", nil}, {"xyz=2", "new", nil}, {"", "", []int{100, 0}}, {"xyz=3", "", []int{90, 10}}, {"xyz=4", "", []int{70, 30}}} {
		b := p3[i]
		if headerString(b.Header) != w.header {
			t.Errorf("phase 3 batch %d header %v, want %s", i, b.Header, w.header)
		}
		if w.side != "" && !strings.Contains(b.Assertions[0].Message.Params["side"], w.side) {
			t.Errorf("phase 3 batch %d expects side %s: %+v", i, w.side, b.Assertions[0])
		}
		if w.weight != nil && fmt.Sprint(b.Expected) != fmt.Sprint(w.weight) {
			t.Errorf("phase 3 batch %d expected weight %v, want %v", i, b.Expected, w.weight)
		}
	}
	if sim.Restore == nil || sim.Restore.Status != "restored" {
		t.Fatalf("restore = %+v", sim.Restore)
	}
	if cur := e.current(); cur.Content != before.Content || cur.Version != sim.Written+1 {
		t.Fatalf("the rule after the simulation (version %d) is not the one before it:\n%s", cur.Version, cur.Content)
	}
	if r.Done != r.Total || r.Total != 3*20+2*(3*20+3*400)+2*20 {
		t.Errorf("samples %d of %d", r.Done, r.Total)
	}
	if len(sim.Result.Topology.Nodes) != 5 || len(sim.Result.Topology.Edges) != 4 {
		t.Errorf("topology = %+v", sim.Result.Topology)
	}
	audit, err := e.store.FindAudit(t.Context(), switchyard.AuditFilter{Actor: "verify/" + group + "@@" + gwID})
	if err != nil || len(audit) != 8 {
		t.Fatalf("audit of the system actor: %d entries (%v), want 7 phases and the restore", len(audit), err)
	}
}

func headerString(h map[string]string) string {
	var parts []string
	for k, v := range h {
		parts = append(parts, strings.ToLower(k)+"="+v)
	}
	return strings.Join(parts, ";")
}

// TestSimulationReportsTheWrongRule: with the test hook's wrong rule
// published after phase 2's change, phase 2 fails with the counts (the new
// versions hit), the later phases are skipped, and the rule before the
// simulation is back.
func TestSimulationReportsTheWrongRule(t *testing.T) {
	e := newFakeEnv(t)
	before := e.put("alice", previousRule)
	req := e.simulationRequest(100)
	req.Inject = &switchyard.VerifyInject{Phase: 2, Rule: wrongRule}
	if _, err := e.svc.StartSimulation(t.Context(), admin, group, gwID, req); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("the test hook without SWITCHYARD_TEST_HOOKS: %v, want forbidden", err)
	}
	e.svc.Hooks = true
	if _, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, req); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("the test hook by an operator: %v, want forbidden", err)
	}
	started, err := e.svc.StartSimulation(t.Context(), admin, group, gwID, req)
	if err != nil {
		t.Fatal(err)
	}
	r := e.wait(started.ID)
	if r.Status != switchyard.VerifyFailed || r.Reason == nil || r.Reason.Key != "verify.phase.failed" || r.Reason.Params["phase"] != "2" {
		t.Fatalf("status %s, reason %+v", r.Status, r.Reason)
	}
	ph := r.Simulation.Result.Phases
	if ph[0].Status != switchyard.PhasePassed || ph[1].Status != switchyard.PhaseFailed || !ph[1].Injected {
		t.Fatalf("phases 1, 2: %s, %s (injected %v)", ph[0].Status, ph[1].Status, ph[1].Injected)
	}
	for _, p := range ph[2:] {
		if p.Status != switchyard.PhaseSkipped || len(p.Batches) != 0 {
			t.Errorf("phase %d after the failure: %s with %d batches", p.Index, p.Status, len(p.Batches))
		}
	}
	b := ph[1].Batches[0]
	var failed []string
	for _, a := range b.Assertions {
		if !a.Passed {
			failed = append(failed, a.Name+": "+a.Actual)
		}
	}
	counts := map[string]int{}
	for _, c := range b.Counts {
		counts[c.Key] = c.Count
	}
	if counts[svcA+"@@1.1"] != 20 || counts[svcB+"@@1.1"] != 20 || counts[svcA+"@@1.0"] != 0 || len(failed) != 4 {
		t.Fatalf("counts %v, failed assertions %v", counts, failed)
	}
	if !strings.Contains(r.Reason.Text, "phase 2 (basic)") || !strings.Contains(r.Reason.Text, "hits") {
		t.Errorf("reason does not name the phase and the counts: %s", r.Reason.Text)
	}
	if cur := e.current(); cur.Content != before.Content {
		t.Fatalf("the rule before the simulation is not back:\n%s", cur.Content)
	}
	if r.Simulation.Restore.Status != "restored" {
		t.Fatalf("restore = %+v", r.Simulation.Restore)
	}
}

// TestSecondSimulationIsRefused: one simulation per key runs at a time; a
// second start is refused naming the first (id, who, since) and leaves no
// record; another key starts; the Nepxion endpoint's start answers a task
// that failed at once with DiscoveryTool's message.
func TestSecondSimulationIsRefused(t *testing.T) {
	e := newFakeEnv(t)
	open := e.hold()
	first, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.StartSimulation(t.Context(), admin, group, gwID, nil)
	ee := switchyard.AsError(err)
	if switchyard.ErrorCode(err) != switchyard.CodeConflict || ee.Reason != "verify.running" || ee.Params["id"] != first.ID || ee.Params["user"] != "zhangsan" || ee.Params["since"] == "" {
		t.Fatalf("second start: %v (%+v)", err, ee)
	}
	running, _ := e.svc.Running(t.Context())
	if len(running) != 1 || running[0].ID != first.ID {
		t.Fatalf("running = %v", running)
	}
	n, err := ParseNepxionSimulation("testcase.group="+group+"\ntestcase.service="+gwID+"\ntestcase.inspect.url="+e.url()+"\ntestcase.inspect.context.service="+svcA+"\n----------\n"+
		vector(t, "simulator/mock-version-release-basic.yaml")+"\n----------\n"+vector(t, "simulator/mock-version-release-1.yaml")+"\n----------\n"+
		vector(t, "simulator/mock-version-release-2.yaml"), FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	task, err := e.svc.StartNepxionSimulation(t.Context(), admin, n)
	if err != nil || task.ID == first.ID || task.Run.Status != switchyard.VerifyFailed || !strings.Contains(task.Run.Reason.Text, "自动化测试任务【"+group+"@@"+gwID+"】正在执行中，不能同时并发执行相同的任务") {
		t.Fatalf("Nepxion start while running: %+v, %v", task, err)
	}
	open()
	if r := e.wait(first.ID); r.Status != switchyard.VerifyPassed {
		t.Fatalf("first: %s %+v", r.Status, r.Reason)
	}
	if _, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, nil); err != nil {
		t.Fatalf("a start after the first ended (the saved config): %v", err)
	}
}

// TestSimulationAbortRestores: an abort mid-phase ends the run ABORTED
// naming who, skips what was left and puts the rule back.
func TestSimulationAbortRestores(t *testing.T) {
	e := newFakeEnv(t)
	before := e.put("alice", previousRule)
	open := e.hold()
	started, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { r, _ := e.svc.Run(t.Context(), started.ID); return r.Simulation.Written > 0 })
	r, err := e.svc.Abort(t.Context(), admin, started.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != switchyard.VerifyAborted || r.Reason.Key != "verify.aborted" || r.Reason.Params["user"] != "admin" || r.AbortBy != "admin" {
		t.Fatalf("after abort: %s %+v", r.Status, r.Reason)
	}
	if r.Simulation.Restore.Status != "restored" || e.current().Content != before.Content {
		t.Fatalf("restore %+v; rule now:\n%s", r.Simulation.Restore, e.current().Content)
	}
	for _, p := range r.Simulation.Result.Phases {
		if p.Status == switchyard.PhaseRunning || p.Status == switchyard.PhasePending {
			t.Errorf("phase %d left %s", p.Index, p.Status)
		}
	}
	if _, err := e.svc.Abort(t.Context(), admin, started.ID); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("abort of a finished run: %v, want conflict", err)
	}
	open()
}

// TestSimulationRestoresAfterAFailure: a gateway that stops answering fails
// the phase with the error, and the rule before is back; a key that was
// never written is removed again.
func TestSimulationRestoresAfterAFailure(t *testing.T) {
	e := newFakeEnv(t)
	started, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { r, _ := e.svc.Run(t.Context(), started.ID); return r.Done > 0 })
	e.gw.set(func(g *fakeGateway) { g.broken = true })
	r := e.wait(started.ID)
	if r.Status != switchyard.VerifyFailed || r.Reason.Key != "verify.phase.error" || !strings.Contains(r.Reason.Text, "502") {
		t.Fatalf("status %s reason %+v", r.Status, r.Reason)
	}
	if cur := e.current(); !cur.Deleted || r.Simulation.Restore.Status != "restored" {
		t.Fatalf("the key was never written before; now %+v, restore %+v", cur, r.Simulation.Restore)
	}
}

// TestSimulationLeavesSomeoneElsesChange: a change of the key by someone
// else during the simulation stops it at the next phase (compare-and-set),
// and their change is kept, the restore skipped naming them.
func TestSimulationLeavesSomeoneElsesChange(t *testing.T) {
	e := newFakeEnv(t)
	open := e.hold()
	started, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { r, _ := e.svc.Run(t.Context(), started.ID); return r.Simulation.Written > 0 })
	theirs := e.put("lisi", "<rule>\n</rule>") // routes as no rule does: phase 1 still passes
	open()
	r := e.wait(started.ID)
	if r.Status != switchyard.VerifyFailed || r.Simulation.Result.Phases[1].Status != switchyard.PhaseFailed {
		t.Fatalf("status %s, phase 2 %s", r.Status, r.Simulation.Result.Phases[1].Status)
	}
	if rs := r.Simulation.Restore; rs.Status != "skipped" || rs.Message.Params["user"] != "lisi" {
		t.Fatalf("restore = %+v", rs)
	}
	if cur := e.current(); cur.Version != theirs.Version {
		t.Fatalf("their change (version %d) was overwritten: now %d", theirs.Version, cur.Version)
	}
}

// TestSimulationRefusedWhileAReleaseIsOperated: a release of the key whose
// lock someone holds refuses the simulation, naming them; a free release is
// locked by the simulation while it runs and let go after.
func TestSimulationRefusedWhileAReleaseIsOperated(t *testing.T) {
	e := newFakeEnv(t)
	rel := &switchyard.Release{Name: "guide", Subscription: switchyard.Partial, Group: group, App: gwID, CreatedBy: "zhangsan",
		Spec: switchyard.ReleaseSpec{Services: []string{svcA, svcB}, Sort: "version"}}
	if err := e.store.CreateRelease(t.Context(), rel); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := e.store.AcquireReleaseLock(t.Context(), &switchyard.ReleaseLock{Release: "guide", Holder: "lisi", HolderName: "李四", Session: "session/x", ExpiresAt: now.Add(time.Minute)}, now); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100))
	ee := switchyard.AsError(err)
	if switchyard.ErrorCode(err) != switchyard.CodeConflict || ee.Reason != "verify.release.locked" || ee.Params["holder"] != "李四" || ee.Params["release"] != "guide" {
		t.Fatalf("start while lisi operates the release: %v %+v", err, ee)
	}
	if list, _ := e.svc.Runs(t.Context(), switchyard.VerifyFilter{}); len(list) != 0 {
		t.Fatalf("a refused start left runs: %v", list)
	}
	if err := e.store.ReleaseReleaseLock(t.Context(), "guide", "", ""); err != nil {
		t.Fatal(err)
	}
	open := e.hold()
	started, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := e.store.FindReleaseLock(t.Context(), "guide", time.Now())
	if l == nil || l.Holder != "verify/"+group+"@@"+gwID {
		t.Fatalf("lock while the simulation runs = %+v", l)
	}
	// A person operating the release meanwhile is refused by the publish path.
	_, err = e.releases.Publish(t.Context(), operator, release.Change{Key: e.key, Action: "config.put", IfVersion: -1,
		Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Content: previousRule}, nil }})
	if switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("a change of the key during the simulation: %v, want conflict", err)
	}
	open()
	e.wait(started.ID)
	if l, _ := e.store.FindReleaseLock(t.Context(), "guide", time.Now()); l != nil {
		t.Fatalf("the simulation kept the lock: %+v", l)
	}
}

// TestRecoverRestoresARunOfADeadProcess: a RUNNING simulation whose process
// died (its lease ran out, or the restarted server held it under the same
// owner name) is ended ABORTED by Recover, its rule put back; a live
// process's run is left alone.
func TestRecoverRestoresARunOfADeadProcess(t *testing.T) {
	for _, tc := range []struct {
		name, owner string
		expired     bool
		recovered   bool
	}{
		{"lease expired", "dead-process", true, true},
		{"same owner restarted", "test-owner", false, true},
		{"another live process", "live-process", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFakeEnv(t)
			before := e.put("alice", previousRule)
			actor := actorOf(group, gwID)
			// The dead process's simulation had written phase 2's rule.
			pub, err := e.releases.Publish(t.Context(), actor, release.Change{Key: e.key, Action: "verify.simulation.basic", IfVersion: before.Version,
				Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Content: wrongRule}, nil }})
			if err != nil {
				t.Fatal(err)
			}
			sim := &switchyard.SimulationRun{Original: &switchyard.RuleSnapshot{Key: e.key, Content: before.Content, Format: "xml", Version: before.Version},
				Result: switchyard.SimulationResult{Phases: []switchyard.VerifyPhase{{Index: 1, Status: switchyard.PhasePassed}, {Index: 2, Status: switchyard.PhaseRunning}, {Index: 3, Status: switchyard.PhasePending}}}}
			now := time.Now().Truncate(time.Millisecond)
			until := now.Add(time.Minute)
			if tc.expired {
				until = now.Add(-time.Second)
			}
			rec := &switchyard.VerifyRecord{ID: switchyard.NewID(now), Kind: switchyard.VerifySimulation, Group: group, ServiceID: gwID, Status: switchyard.VerifyRunning,
				StartedBy: "zhangsan", StartedAt: now, Body: mustJSON(t, sim), LeaseOwner: tc.owner, LeaseUntil: until}
			if _, err := e.store.CreateVerifyRun(t.Context(), rec); err != nil {
				t.Fatal(err)
			}
			n, err := e.svc.Recover(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			r, _ := e.svc.Run(t.Context(), rec.ID)
			if !tc.recovered {
				if n != 0 || r.Status != switchyard.VerifyRunning || e.current().Version != pub.Version {
					t.Fatalf("a live process's run was touched: %d recovered, %s, version %d", n, r.Status, e.current().Version)
				}
				return
			}
			if n != 1 || r.Status != switchyard.VerifyAborted || r.Reason.Key != "verify.recovered" || r.Simulation.Restore.Status != "restored" {
				t.Fatalf("recovered %d: %s %+v restore %+v", n, r.Status, r.Reason, r.Simulation.Restore)
			}
			if cur := e.current(); cur.Content != before.Content {
				t.Fatalf("the rule was not put back:\n%s", cur.Content)
			}
			if p := r.Simulation.Result.Phases; p[1].Status != switchyard.PhaseSkipped || p[2].Status != switchyard.PhaseSkipped {
				t.Fatalf("phases left %s, %s", p[1].Status, p[2].Status)
			}
			if _, err := e.svc.StartSimulation(t.Context(), operator, group, gwID, e.simulationRequest(100)); err != nil {
				t.Fatalf("a new simulation after the recovery: %v", err)
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
