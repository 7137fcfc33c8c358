package workflow

import (
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// fakeClock is the runner's time, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// counting is an activity that counts its ticks per idempotency key and
// finishes on the first.
type counting struct {
	mu   sync.Mutex
	keys map[string]int
}

func (c *counting) Tick(_ context.Context, t *Tick) Outcome {
	c.mu.Lock()
	c.keys[t.Key]++
	c.mu.Unlock()
	return t.Done(Msg("summary.succeeded"), nil)
}

type runnerEnv struct {
	store switchyard.Store
	clock *fakeClock
	acts  *counting
}

func newRunnerEnv(t *testing.T) *runnerEnv {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateRelease(t.Context(), &switchyard.Release{Name: "V2.1.0", Type: switchyard.Gray, Subscription: switchyard.Partial, Group: "g", App: "gw"}); err != nil {
		t.Fatal(err)
	}
	return &runnerEnv{store: st, clock: &fakeClock{t: t0}, acts: &counting{keys: map[string]int{}}}
}

// runner is a replica named owner on the env's store and clock.
func (e *runnerEnv) runner(owner string) *Runner {
	r := NewRunner(e.store, &Env{}, owner)
	r.Now = e.clock.now
	r.Activities[switchyard.StepDeploy] = e.acts
	return r
}

// start stores a new execution of w as Service.Start does.
func (e *runnerEnv) start(t *testing.T, w *switchyard.Workflow) string {
	t.Helper()
	w.ReleaseID = "V2.1.0"
	if err := e.store.CreateWorkflow(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(NewState(w))
	now := e.clock.now()
	rec := &switchyard.ExecutionRecord{WorkflowID: w.ID, WorkflowVersion: w.Version, ReleaseID: "V2.1.0", Status: switchyard.ExecRunning, StartedAt: now, StartedBy: "alice", State: b, WakeAt: &now}
	if err := e.store.CreateExecution(t.Context(), rec, nil); err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

func (e *runnerEnv) state(t *testing.T, id string) (*switchyard.ExecutionRecord, *State) {
	t.Helper()
	rec, err := e.store.FindExecution(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	st := &State{}
	if err := json.Unmarshal(rec.State, st); err != nil {
		t.Fatal(err)
	}
	return rec, st
}

func waitFlow(d string) *switchyard.Workflow {
	cfg, _ := json.Marshal(WaitConfig{Duration: Duration(d)})
	return &switchyard.Workflow{Name: "wait", Template: switchyard.TemplateCustom, Steps: []switchyard.Step{
		{ID: "start", Name: "开始", Type: switchyard.StepStart},
		{ID: "deploy", Name: "部署", Type: switchyard.StepDeploy},
		{ID: "wait", Name: "等待", Type: switchyard.StepWait, Config: cfg},
		{ID: "end", Name: "结束", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{{From: "start", To: "deploy"}, {From: "deploy", To: "wait"}, {From: "wait", To: "end"}}}
}

// TestRunnerTimersAreInTheStore: a WAIT's deadline is the execution's wake
// time in the store; a new runner (a restarted server) finds it due at that
// time and completes it; the deploy ran once.
func TestRunnerTimersAreInTheStore(t *testing.T) {
	e := newRunnerEnv(t)
	id := e.start(t, waitFlow("10s"))
	if err := e.runner("a").Advance(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	rec, st := e.state(t, id)
	if st.Current != "wait" || rec.WakeAt == nil || !rec.WakeAt.Equal(t0.Add(10*time.Second)) || !rec.LeaseUntil.IsZero() {
		t.Fatalf("after the first advance: current %s wake %v lease %v", st.Current, rec.WakeAt, rec.LeaseUntil)
	}
	if due, _ := e.store.DueExecutions(t.Context(), e.clock.now().Add(9*time.Second), 10); len(due) != 0 {
		t.Fatalf("due before its time: %v", due)
	}
	e.clock.advance(10 * time.Second)
	b := e.runner("b") // another process
	due, _ := e.store.DueExecutions(t.Context(), e.clock.now(), 10)
	if len(due) != 1 || due[0] != id {
		t.Fatalf("due = %v", due)
	}
	if err := b.Advance(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	rec, st = e.state(t, id)
	if rec.Status != switchyard.ExecCompleted || st.Steps["wait"].Status != switchyard.StepCompleted || rec.EndedAt == nil || rec.WakeAt != nil {
		t.Fatalf("after the wait: %s %+v", rec.Status, st.Steps["wait"])
	}
	if len(e.acts.keys) != 1 || e.acts.keys[id+"/deploy/1"] != 1 {
		t.Fatalf("deploy ticks = %v; want exactly one", e.acts.keys)
	}
	evs, _ := e.store.ExecutionEvents(t.Context(), id, 0, 0)
	var logs []string
	for _, ev := range evs {
		if ev.Kind == "log" {
			var r LogRecord
			_ = json.Unmarshal(ev.Data, &r)
			logs = append(logs, Render(r.Message, "zh"))
		}
	}
	if got := strings.Join(logs, "|"); !strings.Contains(got, "alice 启动了执行") || !strings.Contains(got, "开始等待") || !strings.HasSuffix(got, "执行完成") {
		t.Fatalf("log = %s", got)
	}
}

// crashing stops the process (ends the goroutine, as kill -9 would: no
// recover, no save) on its first tick, and counts ticks per key.
type crashing struct {
	mu    sync.Mutex
	ticks map[string]int
	once  bool
}

func (c *crashing) Tick(_ context.Context, t *Tick) Outcome {
	c.mu.Lock()
	c.ticks[t.Key]++
	die := c.once
	c.once = false
	c.mu.Unlock()
	if die {
		runtime.Goexit() // the process is gone: nothing after this runs
	}
	return t.Done(Msg("summary.succeeded"), nil)
}

// TestRunnerReentersAStepCutOffMidway: a replica dying in a step's tick
// leaves the execution due; the same owner restarted takes it back at once
// and re-enters the step with the same attempt and key; another owner waits
// for the lease to run out.
func TestRunnerReentersAStepCutOffMidway(t *testing.T) {
	e := newRunnerEnv(t)
	id := e.start(t, waitFlow("1s"))
	c := &crashing{ticks: map[string]int{}, once: true}
	a := e.runner("server")
	a.Activities[switchyard.StepDeploy] = ActivityFunc(func(ctx context.Context, t *Tick) Outcome {
		o := c.Tick(ctx, t)
		return o
	})
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Advance(t.Context(), id) }()
	<-done
	rec, st := e.state(t, id)
	if st.Current != "deploy" || st.Steps["deploy"].Attempt != 1 || rec.LeaseOwner != "server" || rec.LeaseUntil.IsZero() {
		t.Fatalf("after the crash: %s attempt %d lease %s %v", st.Current, st.Steps["deploy"].Attempt, rec.LeaseOwner, rec.LeaseUntil)
	}
	if err := e.runner("other").Advance(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if c.ticks[id+"/deploy/1"] != 1 {
		t.Fatalf("another owner ran the step under a live lease: %v", c.ticks)
	}
	restarted := e.runner("server")
	restarted.Activities[switchyard.StepDeploy] = ActivityFunc(c.Tick)
	if err := restarted.Advance(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if c.ticks[id+"/deploy/1"] != 2 || len(c.ticks) != 1 {
		t.Fatalf("the re-entered tick must carry the same key: %v", c.ticks)
	}
	if _, st := e.state(t, id); st.Current != "wait" {
		t.Fatalf("after the re-entry: %s", st.Current)
	}
}

// TestRunnerAppliesSignals: a pause stored as a signal is taken at the
// next advance; the wait is held; resume re-arms what was left.
func TestRunnerAppliesSignals(t *testing.T) {
	e := newRunnerEnv(t)
	id := e.start(t, waitFlow("10s"))
	r := e.runner("a")
	_ = r.Advance(t.Context(), id)
	e.clock.advance(4 * time.Second)
	signal := func(kind string) {
		if err := e.store.AddSignal(t.Context(), &switchyard.ExecutionSignal{ID: switchyard.NewID(e.clock.now()), ExecutionID: id, Kind: kind, By: "bob", At: e.clock.now()}); err != nil {
			t.Fatal(err)
		}
		if err := r.Advance(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	signal(SigPause)
	rec, st := e.state(t, id)
	if rec.Status != switchyard.ExecPaused || rec.WakeAt != nil || *st.Pause.Wait != 6*time.Second {
		t.Fatalf("paused: %s wake %v pause %+v", rec.Status, rec.WakeAt, st.Pause)
	}
	e.clock.advance(time.Hour)
	signal(SigResume)
	rec, _ = e.state(t, id)
	if rec.Status != switchyard.ExecRunning || !rec.WakeAt.Equal(e.clock.now().Add(6*time.Second)) {
		t.Fatalf("resumed: %s wake %v", rec.Status, rec.WakeAt)
	}
	if p, _ := e.store.PendingSignals(t.Context(), id); len(p) != 0 {
		t.Fatalf("signals left: %d", len(p))
	}
}

// recordingNotifier counts deliveries per key; it can die (as kill -9)
// inside its first call.
type recordingNotifier struct {
	mu   sync.Mutex
	keys map[string]int
	die  bool
}

func (n *recordingNotifier) Name() string { return "test" }

func (n *recordingNotifier) Notify(_ context.Context, msg switchyard.Notification) error {
	n.mu.Lock()
	die := n.die
	n.die = false
	if !die {
		n.keys[msg.Key]++
	}
	n.mu.Unlock()
	if die {
		runtime.Goexit()
	}
	return nil
}

// TestNotificationsSurviveACrash: a notification is saved in the outbox
// before it is sent; a replica dying while sending leaves it there, and the
// next advance sends it.
func TestNotificationsSurviveACrash(t *testing.T) {
	e := newRunnerEnv(t)
	id := e.start(t, waitFlow("1h"))
	n := &recordingNotifier{keys: map[string]int{}, die: true}
	a := e.runner("server")
	a.Env.Notifiers = []switchyard.Notifier{n}
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Advance(t.Context(), id) }()
	<-done
	if _, st := e.state(t, id); len(st.Outbox) != 1 || st.Outbox[0].Event != "execution.started" {
		t.Fatalf("outbox after the crash = %+v", st.Outbox)
	}
	b := e.runner("server")
	b.Env.Notifiers = []switchyard.Notifier{n}
	if err := b.Advance(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if _, st := e.state(t, id); len(st.Outbox) != 0 || n.keys[id+"/execution.started"] != 1 {
		t.Fatalf("after the restart: outbox %+v, deliveries %v", st.Outbox, n.keys)
	}
}
