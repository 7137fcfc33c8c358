package workflow

import (
	"context"
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// TestShiftCutOffMidwayThroughTheRunner: the durable runner, a real
// release service and the shift activity. The process dies right after a
// tick published 5% (before its outcome was saved); the restarted runner
// re-enters the tick with the same key and progress, which publishes 5%
// again — written as unchanged, no new config version — and the shift goes
// on to 10%. The log has one line per increment.
func TestShiftCutOffMidwayThroughTheRunner(t *testing.T) {
	e := newActEnv(t)
	ten := 10
	cfg, _ := json.Marshal(ShiftConfig{Weight: &ten, Increment: 5, Interval: "1s"})
	w := &switchyard.Workflow{Name: "shift", ReleaseID: guideRelease, Template: switchyard.TemplateCustom, Steps: []switchyard.Step{
		{ID: "start", Name: "开始", Type: switchyard.StepStart},
		{ID: "shift", Name: "流量切换10%", Type: switchyard.StepTrafficShift, Config: cfg},
		{ID: "end", Name: "结束", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{{From: "start", To: "shift"}, {From: "shift", To: "end"}}}
	if err := e.store.CreateWorkflow(t.Context(), w); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(NewState(w))
	rec := &switchyard.ExecutionRecord{WorkflowID: w.ID, WorkflowVersion: w.Version, ReleaseID: guideRelease, Status: switchyard.ExecRunning,
		StartedAt: e.now, StartedBy: "alice", State: b, WakeAt: ptr(e.now)}
	if err := e.store.CreateExecution(t.Context(), rec, nil); err != nil {
		t.Fatal(err)
	}
	runner := func(act Activity) *Runner {
		r := NewRunner(e.store, e.env, "server")
		r.Now = e.clock
		r.Activities[switchyard.StepTrafficShift] = act
		return r
	}
	advance := func(r *Runner) {
		done := make(chan struct{})
		go func() { defer close(done); _ = r.Advance(t.Context(), rec.ID) }()
		<-done
	}
	advance(runner(ActivityFunc(shift))) // the start: 开始流量切换至10%, wait 1s
	e.now = e.now.Add(time.Second)
	before := e.configVersions()
	ticks := 0
	advance(runner(ActivityFunc(func(ctx context.Context, tk *Tick) Outcome {
		ticks++
		shift(ctx, tk)   // 5% is published…
		runtime.Goexit() // …and the process dies before the outcome is saved
		return Outcome{}
	})))
	if ticks != 1 || basicWeight(e.release()) != 5 || e.configVersions() != before+1 {
		t.Fatalf("after the crash: %d ticks, weight %d, %d new config versions", ticks, basicWeight(e.release()), e.configVersions()-before)
	}
	r := runner(ActivityFunc(shift)) // restarted
	for range 4 {
		if err := r.Advance(t.Context(), rec.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.store.FindExecution(t.Context(), rec.ID); got.WakeAt != nil {
			e.now = *got.WakeAt
		}
	}
	got, err := e.store.FindExecution(t.Context(), rec.ID)
	if err != nil || got.Status != switchyard.ExecCompleted {
		t.Fatalf("status %s: %v", got.Status, err)
	}
	if n := e.configVersions() - before; n != 2 || basicWeight(e.release()) != 10 {
		t.Fatalf("%d config versions for 5%% and 10%% (want 2), weight %d", n, basicWeight(e.release()))
	}
	// Three 执行发布 in the history: 5%, the re-entered 5% ("the rule was
	// already in place"), 10%.
	h, _ := e.store.ReleaseHistory(t.Context(), guideRelease, 10)
	if len(h) != 3 || h[1].ConfigVersion != h[2].ConfigVersion || h[1].Detail == "" {
		t.Fatalf("history: %d entries", len(h))
	}
	evs, _ := e.store.ExecutionEvents(t.Context(), rec.ID, 0, 0)
	var lines []string
	for _, ev := range evs {
		var l LogRecord
		if ev.Kind == "log" && json.Unmarshal(ev.Data, &l) == nil && l.StepID == "shift" {
			lines = append(lines, Render(l.Message, "zh"))
		}
	}
	want := []string{"开始流量切换10%", "开始流量切换至10%", "流量切换至5%", "流量切换至10%", "流量切换完成，当前10%", "流量切换10%完成：成功"}
	if len(lines) != len(want) {
		t.Fatalf("shift log = %q\nwant        %q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Fatalf("shift log = %q\nwant        %q", lines, want)
		}
	}
}
