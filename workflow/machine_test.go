package workflow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

var t0 = time.Date(2025, 2, 15, 10, 0, 0, 0, time.UTC)

// flow is a small blue-green workflow: START → DEPLOY → SHIFT → MONITOR →
// 异常? (是 → ROLLBACK → back to DEPLOY, at most loops times; 否 → END).
func flow(loops int) *switchyard.Workflow {
	return &switchyard.Workflow{ID: "WF-001", Version: 1, Steps: []switchyard.Step{
		{ID: "start", Name: "开始", Type: switchyard.StepStart},
		{ID: "deploy", Name: "部署到蓝环境", Type: switchyard.StepDeploy},
		{ID: "shift", Name: "流量切换10%", Type: switchyard.StepTrafficShift, Timeout: 5},
		{ID: "monitor", Name: "监控观察5分钟", Type: switchyard.StepMonitor},
		{ID: "check", Name: "异常?", Type: switchyard.StepDecision},
		{ID: "rollback", Name: "回滚", Type: switchyard.StepRollback},
		{ID: "end", Name: "结束", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{
		{From: "start", To: "deploy"}, {From: "deploy", To: "shift"}, {From: "shift", To: "monitor"}, {From: "monitor", To: "check"},
		{From: "check", To: "rollback", When: "yes"}, {From: "check", To: "end", When: "no"},
		{From: "rollback", To: "deploy", MaxTraversals: &loops},
	}}
}

// run is an execution driven by hand: each call applies one event.
type run struct {
	t   *testing.T
	w   *switchyard.Workflow
	st  *State
	now time.Time
	// last is the last decision.
	last Decision
}

func newRun(t *testing.T, w *switchyard.Workflow) *run {
	r := &run{t: t, w: w, st: NewState(w), now: t0}
	r.apply(Start{By: "alice"})
	return r
}

func (r *run) apply(ev Event) Decision {
	r.t.Helper()
	d, err := Decide(r.w, "EXE-001", r.st, ev, r.now)
	if err != nil {
		r.t.Fatalf("Decide(%T): %v", ev, err)
	}
	r.last = d
	return d
}

// runStep returns the one RunStep of the last decision.
func (r *run) runStep() RunStep {
	r.t.Helper()
	var found []RunStep
	for _, c := range r.last.Commands {
		if rs, ok := c.(RunStep); ok {
			found = append(found, rs)
		}
	}
	if len(found) != 1 {
		r.t.Fatalf("want one RunStep, got %+v", r.last.Commands)
	}
	return found[0]
}

func (r *run) done(step string, status switchyard.StepStatus, mutate ...func(*Outcome)) {
	r.t.Helper()
	rs := r.runStep()
	if rs.StepID != step {
		r.t.Fatalf("running %s, want %s", rs.StepID, step)
	}
	o := Outcome{StepID: rs.StepID, Attempt: rs.Attempt, Status: status}
	for _, f := range mutate {
		f(&o)
	}
	r.apply(o)
}

func TestHappyPathCompletes(t *testing.T) {
	r := newRun(t, flow(0))
	if rs := r.runStep(); rs.StepID != "deploy" || rs.Key != "EXE-001/deploy/1" {
		t.Fatalf("first command = %+v", rs)
	}
	r.done("deploy", switchyard.StepCompleted)
	r.done("shift", switchyard.StepCompleted, func(o *Outcome) { w := 10.0; o.Traffic = &w })
	r.done("monitor", switchyard.StepCompleted, func(o *Outcome) { o.Summary = Msg("summary.normal") })
	if r.st.Status != switchyard.ExecCompleted || r.st.Traffic != 10 || r.st.Steps["check"].Status != switchyard.StepCompleted || r.st.Steps["rollback"].Status != switchyard.StepPending {
		t.Fatalf("state after the happy path: %+v", r.st)
	}
	if r.st.WakeAt != nil {
		t.Fatalf("a finished execution wakes at %v", r.st.WakeAt)
	}
	var notified []string
	for _, c := range r.last.Commands {
		if n, ok := c.(Notify); ok {
			notified = append(notified, n.Event)
		}
	}
	if strings.Join(notified, ",") != "execution.completed" {
		t.Fatalf("notifications = %v", notified)
	}
}

func TestAnomalyRollsBackThroughTheGraph(t *testing.T) {
	r := newRun(t, flow(0))
	r.done("deploy", switchyard.StepCompleted)
	r.done("shift", switchyard.StepCompleted)
	r.done("monitor", switchyard.StepFailed, func(o *Outcome) {
		o.Anomaly, o.Reason = true, Msg("reason.internal", "detail", "success rate 80% < 95%")
	})
	// The anomaly takes 异常?'s 是 branch to ROLLBACK, not the monitor's failure policy.
	r.done("rollback", switchyard.StepCompleted)
	if r.st.Status != switchyard.ExecRolledBack || r.st.Steps["monitor"].Status != switchyard.StepFailed || r.st.Traffic != 0 {
		t.Fatalf("state = %s, monitor %s, traffic %v", r.st.Status, r.st.Steps["monitor"].Status, r.st.Traffic)
	}
	if got := Render(r.st.Reason, "en"); !strings.Contains(got, "监控观察5分钟") || !strings.Contains(got, "success rate 80% < 95%") {
		t.Fatalf("reason = %q", got)
	}
	if got := Render(r.st.Reason, "zh"); !strings.Contains(got, "步骤监控观察5分钟失败") {
		t.Fatalf("zh reason = %q", got)
	}
}

func TestRollbackEdgeIsBounded(t *testing.T) {
	r := newRun(t, flow(1))
	for round := 0; round < 2; round++ {
		r.done("deploy", switchyard.StepCompleted)
		r.done("shift", switchyard.StepCompleted)
		r.done("monitor", switchyard.StepFailed, func(o *Outcome) { o.Anomaly = true })
		if round == 0 {
			r.done("rollback", switchyard.StepCompleted)
			if r.st.Current != "deploy" || r.st.Steps["deploy"].Attempt != 2 || r.runStep().Key != "EXE-001/deploy/2" {
				t.Fatalf("after the first rollback: current %s", r.st.Current)
			}
		}
	}
	r.done("rollback", switchyard.StepCompleted)
	if r.st.Status != switchyard.ExecRolledBack || r.st.Traversals["rollback>deploy"] != 1 {
		t.Fatalf("the loop must be taken once: %s, %v", r.st.Status, r.st.Traversals)
	}
}

func TestPauseHoldsTheWaitAndResumeRearmsIt(t *testing.T) {
	r := newRun(t, flow(0))
	r.done("deploy", switchyard.StepCompleted)
	rs := r.runStep()
	r.apply(Outcome{StepID: rs.StepID, Attempt: rs.Attempt, Status: switchyard.StepRunning, Next: r.now.Add(5 * time.Second), Waiting: "timer"})
	if r.st.WakeAt == nil || !r.st.WakeAt.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("wake = %v", r.st.WakeAt)
	}
	r.now = t0.Add(2 * time.Second)
	r.apply(Signal{Kind: SigPause, By: "bob"})
	if r.st.Status != switchyard.ExecPaused || r.st.WakeAt != nil || *r.st.Pause.Wait != 3*time.Second {
		t.Fatalf("paused: %+v wake %v", r.st.Pause, r.st.WakeAt)
	}
	// Time passes: a wake while paused does nothing, the deadline is held too.
	r.now = t0.Add(10 * time.Minute)
	if d := r.apply(Wake{}); len(d.Commands) != 0 {
		t.Fatalf("a paused execution ran %+v", d.Commands)
	}
	r.apply(Signal{Kind: SigResume, By: "bob"})
	want := r.now.Add(3 * time.Second)
	if r.st.Status != switchyard.ExecRunning || r.st.WakeAt == nil || !r.st.WakeAt.Equal(want) {
		t.Fatalf("resumed: %s wake %v, want %v", r.st.Status, r.st.WakeAt, want)
	}
	if dl := r.st.Steps["shift"].Deadline; dl == nil || !dl.Equal(r.now.Add(5*time.Minute-2*time.Second)) {
		t.Fatalf("the deadline must be re-armed with what was left: %v", dl)
	}
	r.now = want
	r.apply(Wake{})
	if rs := r.runStep(); rs.StepID != "shift" || rs.Attempt != 1 {
		t.Fatalf("after resume the shift ticks again: %+v", rs)
	}
}

func TestTimeoutAppliesThePolicy(t *testing.T) {
	w := flow(0)
	w.Step("shift").OnTimeout = &switchyard.FailurePolicy{Action: switchyard.OnFailureFail}
	r := newRun(t, w)
	r.done("deploy", switchyard.StepCompleted)
	rs := r.runStep()
	r.apply(Outcome{StepID: rs.StepID, Attempt: rs.Attempt, Status: switchyard.StepRunning, Next: r.now.Add(time.Hour)})
	if !r.st.WakeAt.Equal(t0.Add(5 * time.Minute)) {
		t.Fatalf("the wake must be the deadline, not the far wait: %v", r.st.WakeAt)
	}
	r.now = t0.Add(5 * time.Minute)
	r.apply(Wake{})
	if r.st.Status != switchyard.ExecFailed || r.st.Steps["shift"].Status != switchyard.StepFailed {
		t.Fatalf("after the timeout: %s", r.st.Status)
	}
}

func TestRetryWithBackoffThenPauseThenRetrySignal(t *testing.T) {
	w := flow(0)
	w.Step("deploy").OnFailure = &switchyard.FailurePolicy{Action: switchyard.OnFailureRetry, Retries: 2, Backoff: "10s"}
	r := newRun(t, w)
	r.done("deploy", switchyard.StepFailed)
	if ss := r.st.Steps["deploy"]; ss.Waiting != "retry" || !ss.WaitUntil.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("first retry: %+v", ss)
	}
	r.now = t0.Add(10 * time.Second)
	r.apply(Wake{})
	if rs := r.runStep(); rs.Attempt != 2 || rs.Key != "EXE-001/deploy/2" {
		t.Fatalf("retry attempt = %+v", rs)
	}
	r.done("deploy", switchyard.StepFailed)
	if ss := r.st.Steps["deploy"]; !ss.WaitUntil.Equal(r.now.Add(20 * time.Second)) {
		t.Fatalf("the backoff doubles: %v", ss.WaitUntil)
	}
	r.now = r.now.Add(20 * time.Second)
	r.apply(Wake{})
	r.done("deploy", switchyard.StepFailed)
	if r.st.Status != switchyard.ExecPaused || !r.st.Pause.AfterFailure {
		t.Fatalf("retries used up: %s", r.st.Status)
	}
	if got := Allowed(w, r.st); strings.Join(got, ",") != "resume,abort,rollback,retry,skip" {
		t.Fatalf("allowed = %v", got)
	}
	r.apply(Signal{Kind: SigRetry, By: "bob"})
	if rs := r.runStep(); rs.StepID != "deploy" || rs.Attempt != 4 {
		t.Fatalf("retry signal: %+v", rs)
	}
	r.done("deploy", switchyard.StepCompleted)
	if r.st.Current != "shift" {
		t.Fatalf("after the retry the execution goes on: %s", r.st.Current)
	}
}

func TestSkipAndRefusals(t *testing.T) {
	r := newRun(t, flow(0))
	if _, err := Decide(r.w, "EXE-001", r.st, Signal{Kind: SigResume}, r.now); switchyard.ErrorCode(err) != switchyard.CodeConflict ||
		!strings.Contains(err.Error(), "not paused") {
		t.Fatalf("resume while running: %v", err)
	}
	if _, err := Decide(r.w, "EXE-001", r.st, Signal{Kind: SigApprove}, r.now); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("approve without an approval: %v", err)
	}
	if _, err := Decide(r.w, "EXE-001", r.st, Outcome{StepID: "shift", Attempt: 1, Status: switchyard.StepCompleted}, r.now); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("a stale outcome: %v", err)
	}
	r.apply(Signal{Kind: SigSkip, By: "bob"})
	if r.st.Steps["deploy"].Status != switchyard.StepSkipped || r.runStep().StepID != "shift" {
		t.Fatalf("skip: %+v", r.st.Steps["deploy"])
	}
	r.apply(Signal{Kind: SigAbort, By: "bob"})
	if r.st.Status != switchyard.ExecAborted || len(Allowed(r.w, r.st)) != 0 {
		t.Fatalf("abort: %s %v", r.st.Status, Allowed(r.w, r.st))
	}
}

func TestRollbackSignalRunsTheEnginesRollback(t *testing.T) {
	r := newRun(t, flow(0))
	r.done("deploy", switchyard.StepCompleted)
	r.apply(Signal{Kind: SigRollback, By: "bob"})
	if rs := r.runStep(); rs.StepID != RollbackStep || rs.Key != "EXE-001/_rollback/1" {
		t.Fatalf("rollback command = %+v", rs)
	}
	r.done(RollbackStep, switchyard.StepFailed, func(o *Outcome) { o.Reason = Msg("reason.internal", "detail", "config center down") })
	if r.st.Status != switchyard.ExecPaused || Allowed(r.w, r.st)[0] != SigResume {
		t.Fatalf("a failed rollback pauses for a person: %s", r.st.Status)
	}
	r.apply(Signal{Kind: SigRetry, By: "bob"})
	r.done(RollbackStep, switchyard.StepCompleted)
	if r.st.Status != switchyard.ExecRolledBack || !strings.Contains(Render(r.st.Reason, "en"), "bob") {
		t.Fatalf("rolled back: %s %q", r.st.Status, Render(r.st.Reason, "en"))
	}
}

func TestApprovalAndPreconditions(t *testing.T) {
	w := &switchyard.Workflow{ID: "WF-002", Version: 1, Steps: []switchyard.Step{
		{ID: "start", Type: switchyard.StepStart},
		{ID: "ok", Name: "审批", Type: switchyard.StepApproval},
		{ID: "shift", Name: "流量切换", Type: switchyard.StepTrafficShift, Preconditions: []string{switchyard.PreconditionHealthy},
			OnFailure: &switchyard.FailurePolicy{Action: switchyard.OnFailureFail}},
		{ID: "end", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{{From: "start", To: "ok"}, {From: "ok", To: "shift"}, {From: "shift", To: "end"}}}
	r := newRun(t, w)
	rs := r.runStep()
	r.apply(Outcome{StepID: rs.StepID, Attempt: rs.Attempt, Status: switchyard.StepRunning, Waiting: "approval", Next: r.now.Add(24 * time.Hour)})
	r.now = r.now.Add(25 * time.Hour)
	if d := r.apply(Wake{}); len(d.Commands) != 0 {
		t.Fatalf("an approval is not ticked: %+v", d.Commands)
	}
	r.apply(Signal{Kind: SigApprove, By: "lead"})
	if r.st.Steps["ok"].Status != switchyard.StepCompleted {
		t.Fatalf("approved: %+v", r.st.Steps["ok"])
	}
	// 健康检查通过 was never met: the shift refuses to start.
	if r.st.Status != switchyard.ExecFailed || !strings.Contains(Render(r.st.Reason, "en"), switchyard.PreconditionHealthy) {
		t.Fatalf("precondition: %s %q", r.st.Status, Render(r.st.Reason, "en"))
	}
}

func TestStateSurvivesJSON(t *testing.T) {
	r := newRun(t, flow(0))
	r.done("deploy", switchyard.StepCompleted)
	rs := r.runStep()
	r.apply(Outcome{StepID: rs.StepID, Attempt: 1, Status: switchyard.StepRunning, Next: r.now.Add(5 * time.Second), Progress: json.RawMessage(`{"current":35}`)})
	b, err := json.Marshal(r.st)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	r.st = &back
	r.now = r.now.Add(5 * time.Second)
	r.apply(Wake{})
	if rs := r.runStep(); string(rs.Progress) != `{"current":35}` || rs.Attempt != 1 {
		t.Fatalf("a restarted engine resumes the tick with its progress: %+v", rs)
	}
}

func TestInconclusiveAnalysisPausesWhateverThePolicy(t *testing.T) {
	r := newRun(t, flow(0))
	r.done("deploy", switchyard.StepCompleted)
	r.done("shift", switchyard.StepCompleted)
	r.done("monitor", switchyard.StepFailed, func(o *Outcome) {
		o.Inconclusive, o.Reason = true, Msg("reason.internal", "detail", "3 requests of 10 needed")
	})
	if r.st.Status != switchyard.ExecPaused || r.st.Current != "monitor" {
		t.Fatalf("inconclusive: %s at %s; want paused at the monitor", r.st.Status, r.st.Current)
	}
	r.apply(Signal{Kind: SigRetry, By: "bob"})
	if rs := r.runStep(); rs.StepID != "monitor" || rs.Attempt != 2 {
		t.Fatalf("retry measures again: %+v", rs)
	}
}

func TestIgnoreGoesOn(t *testing.T) {
	w := flow(0)
	w.Step("deploy").OnFailure = &switchyard.FailurePolicy{Action: switchyard.OnFailureIgnore}
	r := newRun(t, w)
	r.done("deploy", switchyard.StepFailed)
	if r.st.Status != switchyard.ExecRunning || r.st.Current != "shift" || r.st.Steps["deploy"].Status != switchyard.StepFailed {
		t.Fatalf("an ignored failure goes on: %s at %s", r.st.Status, r.st.Current)
	}
}
