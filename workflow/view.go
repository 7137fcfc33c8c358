package workflow

import (
	"encoding/json"
	"time"

	"github.com/switchyard-io/switchyard"
)

// View builds document 000's execution JSON (extended) from the record,
// its engine state and its events, with every message rendered in lang.
func View(rec *switchyard.ExecutionRecord, w *switchyard.Workflow, events []*switchyard.ExecutionEvent, lang string, now time.Time) (*switchyard.Execution, error) {
	st := &State{}
	if err := json.Unmarshal(rec.State, st); err != nil {
		return nil, err
	}
	x := &switchyard.Execution{ID: rec.ID, WorkflowID: rec.WorkflowID, WorkflowVersion: rec.WorkflowVersion, ReleaseID: rec.ReleaseID,
		StartTime: rec.StartedAt, EndTime: st.Ended, CurrentStepID: st.Current, Status: st.Status, StartedBy: rec.StartedBy,
		Steps: []switchyard.StepRun{}, Logs: []switchyard.LogLine{}, Alerts: []switchyard.Alert{}, Actions: []switchyard.ExecutionAction{},
		Allowed: Allowed(w, st), Seq: rec.Seq}
	if s := w.Step(st.Current); s != nil {
		x.CurrentStep = s.Name
	}
	if st.Reason != nil {
		x.Reason = rendered(st.Reason, lang)
	}
	end := now
	if st.Ended != nil {
		end = *st.Ended
	}
	x.Elapsed = end.Sub(rec.StartedAt).Seconds()
	g := NewGraph(w)
	for _, s := range w.Steps {
		ss := st.Steps[s.ID]
		if ss == nil {
			ss = &StepState{Status: switchyard.StepPending}
		}
		run := switchyard.StepRun{StepID: s.ID, Name: s.Name, Type: s.Type, Status: ss.Status, StartTime: ss.Started, EndTime: ss.Ended,
			Result: ss.Result, Attempt: ss.Attempt, Waiting: ss.Waiting, Estimate: Estimate(&s).Seconds()}
		if ss.Summary != nil {
			run.Summary = rendered(ss.Summary, lang)
		}
		if st.Status == switchyard.ExecPaused && s.ID == st.Current && ss.Status == switchyard.StepRunning {
			run.Waiting = "person"
		}
		x.Steps = append(x.Steps, run)
	}
	if st.Rollback != nil {
		run := switchyard.StepRun{StepID: RollbackStep, Name: "回滚", Type: switchyard.StepRollback, Status: st.Rollback.Status,
			StartTime: st.Rollback.Started, EndTime: st.Rollback.Ended, Result: st.Rollback.Result, Attempt: st.Rollback.Attempt}
		if st.Rollback.Summary != nil {
			run.Summary = rendered(st.Rollback.Summary, lang)
		}
		x.Steps = append(x.Steps, run)
	}
	if !st.Status.Finished() {
		x.EstimatedRemaining = remaining(w, g, st, now).Seconds()
	}
	for _, ev := range events {
		applyEvent(x, ev, lang)
	}
	// The shift in progress is shown while its step runs (its last hold
	// included), not after.
	if x.Traffic != nil {
		if ss := st.Steps[x.Traffic.StepID]; ss == nil || ss.Status != switchyard.StepRunning || x.Traffic.StepID != st.Current {
			x.Traffic = nil
		}
	}
	x.Metrics.BlueEnv.Traffic, x.Metrics.GreenEnv.Traffic = st.Traffic, 100-st.Traffic
	return x, nil
}

// applyEvent folds one event into the view.
func applyEvent(x *switchyard.Execution, ev *switchyard.ExecutionEvent, lang string) {
	switch d := EventData(ev, lang).(type) {
	case switchyard.LogLine:
		x.Logs = append(x.Logs, d)
	case switchyard.ExecutionAction:
		x.Actions = append(x.Actions, d)
	case switchyard.ExecutionMetrics:
		x.Metrics = d
	case switchyard.Alert:
		x.Alerts = append(x.Alerts, d)
	case switchyard.Shift:
		x.Traffic = &d
	}
}

// EventData is one event as the view and the live stream show it, its
// messages rendered in lang: a switchyard.LogLine, ExecutionAction,
// ExecutionMetrics, Alert or Shift, a StepRecord or a StatusRecord; nil
// for an event it cannot read.
func EventData(ev *switchyard.ExecutionEvent, lang string) any {
	switch ev.Kind {
	case "log":
		var r LogRecord
		if json.Unmarshal(ev.Data, &r) == nil && r.Message != nil {
			return switchyard.LogLine{Time: ev.Time, Message: Render(r.Message, lang), Key: r.Message.Key, Params: r.Message.Params, StepID: r.StepID, Level: r.Level}
		}
	case "action":
		var r ActionRecord
		if json.Unmarshal(ev.Data, &r) == nil {
			return switchyard.ExecutionAction{Time: ev.Time, By: r.By, Action: r.Action, StepID: r.StepID}
		}
	case "metrics":
		var m switchyard.ExecutionMetrics
		if json.Unmarshal(ev.Data, &m) == nil {
			return m
		}
	case "alert":
		var a switchyard.Alert
		if json.Unmarshal(ev.Data, &a) == nil {
			if a.Message != nil {
				a.Message = rendered(a.Message, lang)
			}
			return a
		}
	case "traffic":
		var s switchyard.Shift
		if json.Unmarshal(ev.Data, &s) == nil {
			return s
		}
	case "step":
		var r StepRecord
		if json.Unmarshal(ev.Data, &r) == nil {
			if r.Summary != nil {
				r.Summary = rendered(r.Summary, lang)
			}
			return r
		}
	case "status":
		var r StatusRecord
		if json.Unmarshal(ev.Data, &r) == nil {
			if r.Reason != nil {
				r.Reason = rendered(r.Reason, lang)
			}
			return r
		}
	}
	return nil
}

// rendered is m with its Text in lang.
func rendered(m *switchyard.Message, lang string) *switchyard.Message {
	c := *m
	c.Text = Render(m, lang)
	return &c
}

// remaining estimates the time left (预计剩余): what is left of the
// current step and the estimates of the steps the plan still holds.
func remaining(w *switchyard.Workflow, g *Graph, st *State, now time.Time) time.Duration {
	var left time.Duration
	if s := w.Step(st.Current); s != nil {
		est := Estimate(s)
		if ss := st.Steps[s.ID]; ss != nil && ss.Started != nil {
			est -= now.Sub(*ss.Started)
		}
		left += max(est, 0)
		for _, id := range g.Path(s.ID) {
			if next := w.Step(id); next != nil {
				left += Estimate(next)
			}
		}
	}
	return left
}

// Estimate is how long a step is expected to take, from its config: the
// monitor's duration, the wait's, a gradual shift's moves; a few seconds
// for the others.
func Estimate(s *switchyard.Step) time.Duration {
	switch s.Type {
	case switchyard.StepMonitor:
		return configOf[MonitorConfig](s).Duration.D(5 * time.Minute)
	case switchyard.StepWait:
		return configOf[WaitConfig](s).Duration.D(0)
	case switchyard.StepTrafficShift:
		c := configOf[ShiftConfig](s)
		if c.Mode == ShiftImmediate || c.Weight == nil {
			return time.Second
		}
		inc := max(c.Increment, 1)
		if c.Increment == 0 {
			inc = 5
		}
		// At most the whole way: the start is not known before it runs.
		// One interval after the start comes the first move, and the last
		// weight holds one interval before the step completes.
		moves := (*c.Weight + inc - 1) / inc
		return time.Duration(moves+1) * c.Interval.D(5*time.Second)
	case switchyard.StepDeploy:
		return 15 * time.Second
	case switchyard.StepHealthCheck:
		return 10 * time.Second
	case switchyard.StepTest:
		return 5 * time.Second
	case switchyard.StepOffline:
		return 10 * time.Second
	case switchyard.StepStart, switchyard.StepEnd, switchyard.StepDecision:
		return 0
	}
	return time.Second
}
