package workflow

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// shiftStep adds a TRAFFIC_SHIFT to weight (followed by a MONITOR when
// monitored) to e's workflow.
func shiftStep(e *actEnv, weight int, mode ShiftMode, monitored bool) *switchyard.Step {
	var next []string
	if monitored {
		e.step("monitor", switchyard.StepMonitor, MonitorConfig{})
		next = []string{"monitor"}
	}
	return e.step("shift", switchyard.StepTrafficShift, ShiftConfig{Weight: &weight, Mode: mode, Increment: 5, Interval: "5s"}, next...)
}

// basicWeight is the release's basic gray weight as published (-1: none).
func basicWeight(r *switchyard.Release) int {
	for _, g := range r.Spec.GrayConditions {
		if g.Expression == "" {
			return g.Weight
		}
	}
	return -1
}

// TestShiftGradualIsTheSeedsLog: from 35% to 50% in steps of 5 every 5 s,
// the log reads as the seed's, word for word, one line per increment at
// its time; every increment is one publish (one config version), the
// traffic record follows the share, and the final weight holds one
// interval before the step completes.
func TestShiftGradualIsTheSeedsLog(t *testing.T) {
	e := newActEnv(t)
	spec := withWeight(e.release().Spec, 35)
	e.execute(switchyard.OpRelease, &spec)
	s := shiftStep(e, 50, ShiftGradual, true)
	before := e.configVersions()
	start := e.now
	var published []int
	var outs []Outcome
	var progress json.RawMessage
	for range 10 {
		o := shift(t.Context(), e.tick(s, progress))
		outs = append(outs, o)
		published = append(published, basicWeight(e.release()))
		if o.Status != switchyard.StepRunning {
			break
		}
		if got := o.Next.Sub(e.now); got != 5*time.Second {
			t.Fatalf("tick %d waits %v, want 5s", len(outs), got)
		}
		progress, e.now = o.Progress, o.Next
	}
	want := []string{"开始流量切换至50%", "流量切换至40%", "流量切换至45%", "流量切换至50%", "流量切换完成，开始监控观察"}
	if got := actLogs("zh", outs...); !slices.Equal(got, want) {
		t.Fatalf("log = %q\nwant  %q", got, want)
	}
	if got := actLogs("en", outs...); got[0] != "Shifting traffic to 50%" || got[1] != "Traffic shifted to 40%" {
		t.Fatalf("English log = %q", got)
	}
	if !slices.Equal(published, []int{35, 40, 45, 50, 50}) {
		t.Fatalf("published weights per tick = %v", published)
	}
	if n := e.configVersions() - before; n != 3 {
		t.Fatalf("%d config versions written; want one per increment (3)", n)
	}
	last := outs[len(outs)-1]
	if last.Status != switchyard.StepCompleted || *last.Traffic != 50 || Render(last.Summary, "zh") != "成功" || e.now.Sub(start) != 20*time.Second {
		t.Fatalf("last outcome %s traffic %v after %v", last.Status, last.Traffic, e.now.Sub(start))
	}
	shifts := actRecords[switchyard.Shift]("traffic", outs...)
	var current []float64
	for _, sh := range shifts {
		if sh.From != 35 || sh.To != 50 {
			t.Fatalf("traffic record %+v", sh)
		}
		current = append(current, sh.Current)
	}
	if !slices.Equal(current, []float64{35, 40, 45, 50}) {
		t.Fatalf("traffic records' current = %v", current)
	}
	if r := e.release(); r.State != switchyard.StateReleased || r.Spec.GrayConditions[0].Weight != 30 {
		t.Fatalf("the release's other gray condition must stay: %+v", r.Spec.GrayConditions)
	}
}

// TestShiftRepeatedTickLandsOnce: a tick re-entered with the same key and
// progress (the process died after publishing, before the outcome was
// saved) publishes the same weight again, which writes no new config
// version, and the share never jumps past it.
func TestShiftRepeatedTickLandsOnce(t *testing.T) {
	e := newActEnv(t)
	s := shiftStep(e, 50, ShiftGradual, false)
	first := shift(t.Context(), e.tick(s, nil))
	e.now = first.Next
	progress := first.Progress
	o1 := shift(t.Context(), e.tick(s, progress))
	versions, history := e.configVersions(), len(e.history())
	o2 := shift(t.Context(), e.tick(s, progress)) // the same tick again
	if basicWeight(e.release()) != 5 || *o1.Traffic != 5 || *o2.Traffic != 5 {
		t.Fatalf("weight after the repeated tick = %d (%v, %v); want 5", basicWeight(e.release()), *o1.Traffic, *o2.Traffic)
	}
	if e.configVersions() != versions {
		t.Fatalf("the repeated tick wrote a config version: %d → %d", versions, e.configVersions())
	}
	if h := e.history(); len(h) != history+1 || h[len(h)-1] != switchyard.OpRelease {
		t.Fatalf("history = %v", h)
	}
	if string(o1.Progress) != string(o2.Progress) {
		t.Fatalf("progress differs: %s vs %s", o1.Progress, o2.Progress)
	}
}

// TestShiftImmediateFromANewRelease: one tick publishes the target, adds
// the basic condition next to the existing one, and ends with the plain
// completion line when no MONITOR follows.
func TestShiftImmediateFromANewRelease(t *testing.T) {
	e := newActEnv(t)
	s := shiftStep(e, 100, ShiftImmediate, false)
	outs := e.run(shift, s, 3)
	if len(outs) != 1 || outs[0].Status != switchyard.StepCompleted || *outs[0].Traffic != 100 {
		t.Fatalf("outcomes = %+v", outs)
	}
	if got := strings.Join(actLogs("zh", outs...), "|"); got != "开始流量切换至100%|流量切换至100%|流量切换完成，当前100%" {
		t.Fatalf("log = %s", got)
	}
	r := e.release()
	if r.State != switchyard.StateReleased || !r.Spec.GrayEnabled || len(r.Spec.GrayConditions) != 2 || basicWeight(r) != 100 {
		t.Fatalf("release = %s %+v", r.State, r.Spec.GrayConditions)
	}
	if h := e.history(); len(h) != 1 || r.ExecutedBy != "workflow/EXE-001" {
		t.Fatalf("history %v by %s", h, r.ExecutedBy)
	}
}

// TestShiftStartsFromThePublishedWeight: a retried attempt (no progress)
// reads where the release is, so a shift down from 60% goes 55, 50 — it
// never falls back to 0 first.
func TestShiftStartsFromThePublishedWeight(t *testing.T) {
	e := newActEnv(t)
	spec := withWeight(e.release().Spec, 60)
	e.execute(switchyard.OpRelease, &spec)
	s := shiftStep(e, 50, ShiftGradual, false)
	outs := e.run(shift, s, 10)
	if got := strings.Join(actLogs("zh", outs...), "|"); got != "开始流量切换至50%|流量切换至55%|流量切换至50%|流量切换完成，当前50%" {
		t.Fatalf("log = %s", got)
	}
}

// TestShiftFailures: the release service's refusals are the step's
// reason, naming what refused.
func TestShiftFailures(t *testing.T) {
	t.Run("locked by a person", func(t *testing.T) {
		e := newActEnv(t)
		if _, err := e.svc.Lock(t.Context(), opAlice, guideRelease); err != nil {
			t.Fatal(err)
		}
		s := shiftStep(e, 10, ShiftImmediate, false)
		o := shift(t.Context(), e.tick(s, nil))
		if o.Status != switchyard.StepFailed || basicWeight(e.release()) != -1 {
			t.Fatalf("outcome %s, weight %d", o.Status, basicWeight(e.release()))
		}
		wantContains(t, "reason", actReason(o, "zh"), "流量切换至10%失败", "being operated by alice")
	})
	t.Run("ended release", func(t *testing.T) {
		e := newActEnv(t)
		spec := withWeight(e.release().Spec, 10)
		e.execute(switchyard.OpRelease, &spec)
		e.execute(switchyard.OpEnd, nil)
		s := shiftStep(e, 20, ShiftImmediate, false)
		o := shift(t.Context(), e.tick(s, nil))
		wantContains(t, "reason", actReason(o, "en"), "cannot release a release in state ENDED")
	})
	t.Run("no weight", func(t *testing.T) {
		e := newActEnv(t)
		s := e.step("shift", switchyard.StepTrafficShift, map[string]any{})
		if o := shift(t.Context(), e.tick(s, nil)); o.Status != switchyard.StepFailed || o.Reason.Key != "shift.weight" {
			t.Fatalf("outcome %+v", o)
		}
	})
}

func TestNextWeight(t *testing.T) {
	for _, tc := range []struct {
		current, target, inc int
		immediate            bool
		want                 int
	}{
		{0, 10, 5, false, 5}, {5, 10, 5, false, 10}, {8, 10, 5, false, 10}, {35, 50, 0, false, 40},
		{60, 50, 5, false, 55}, {52, 50, 5, false, 50}, {0, 100, 5, true, 100}, {100, 0, 5, true, 0},
	} {
		if got := nextWeight(tc.current, tc.target, tc.inc, tc.immediate); got != tc.want {
			t.Errorf("nextWeight(%d → %d by %d, immediate %v) = %d, want %d", tc.current, tc.target, tc.inc, tc.immediate, got, tc.want)
		}
	}
}

// TestShiftEarlyTickMovesNothing: a tick before the next move is due (the
// engine re-running the step at once on a resume) publishes nothing and
// waits for the due time.
func TestShiftEarlyTickMovesNothing(t *testing.T) {
	e := newActEnv(t)
	s := shiftStep(e, 50, ShiftGradual, false)
	first := shift(t.Context(), e.tick(s, nil))
	e.now = first.Next
	move := shift(t.Context(), e.tick(s, first.Progress)) // 5%
	versions := e.configVersions()
	e.now = e.now.Add(2 * time.Second)
	early := shift(t.Context(), e.tick(s, move.Progress))
	if early.Status != switchyard.StepRunning || !early.Next.Equal(move.Next) || e.configVersions() != versions || basicWeight(e.release()) != 5 || len(early.Records) != 0 {
		t.Fatalf("early tick: %s until %v, weight %d, %d new versions", early.Status, early.Next, basicWeight(e.release()), e.configVersions()-versions)
	}
}
