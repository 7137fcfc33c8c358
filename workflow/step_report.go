package workflow

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// releaseReport is what REPORT makes (发布报告).
type releaseReport struct {
	Execution       string    `json:"execution"`
	Workflow        string    `json:"workflow"`
	WorkflowVersion int       `json:"workflowVersion"`
	Release         string    `json:"release"`
	StartedAt       time.Time `json:"startedAt"`
	StartedBy       string    `json:"startedBy"`
	At              time.Time `json:"at"`
	Seconds         float64   `json:"seconds" doc:"from the start to the report"`
	// Traffic is the new version's share at the report.
	Traffic float64 `json:"traffic"`
	// Metrics is the last measurement of the last MONITOR, if any.
	Metrics   *switchyard.ExecutionMetrics `json:"metrics,omitempty"`
	Steps     []reportStep                 `json:"steps"`
	Completed int                          `json:"completed"`
	Failed    int                          `json:"failed"`
	Skipped   int                          `json:"skipped"`
	Pending   int                          `json:"pending"`
}

// reportStep is one step in the report.
type reportStep struct {
	StepID  string                `json:"stepId"`
	Name    string                `json:"name"`
	Type    switchyard.StepType   `json:"type"`
	Status  switchyard.StepStatus `json:"status"`
	Attempt int                   `json:"attempt,omitempty"`
	Start   *time.Time            `json:"startTime,omitempty"`
	End     *time.Time            `json:"endTime,omitempty"`
	Seconds float64               `json:"seconds,omitempty"`
	Summary *switchyard.Message   `json:"summary,omitempty"`
}

// report is REPORT (发布报告): every step's status, start and end,
// duration and summary, the traffic now and the last metrics, as its
// result, a log line and a notification (event report).
//
// Idempotency: it only reads the execution's state; its notification
// carries the tick's key.
func report(_ context.Context, t *Tick) Outcome {
	r := buildReport(t)
	msg := Msg("report.done", "completed", strconv.Itoa(r.Completed), "total", strconv.Itoa(len(r.Steps)), "failed", strconv.Itoa(r.Failed),
		"traffic", strconv.FormatFloat(r.Traffic, 'f', -1, 64))
	o := t.Done(Msg("summary.succeeded"), r)
	Log(&o, "info", msg)
	o.Notify = []Notify{{Event: "report", StepID: t.Step.ID, Outcome: string(switchyard.StepCompleted), Key: t.Key + "/report", Message: msg}}
	return o
}

func buildReport(t *Tick) *releaseReport {
	x := t.Execution
	r := &releaseReport{Execution: x.ID, Workflow: t.Workflow.ID, WorkflowVersion: t.Workflow.Version, Release: t.Release.Name,
		StartedAt: x.StartedAt, StartedBy: x.StartedBy, At: t.Now, Seconds: t.Now.Sub(x.StartedAt).Seconds(), Traffic: t.State.Traffic,
		Steps: []reportStep{}}
	var lastMonitor *time.Time
	for _, s := range t.Workflow.Steps {
		ss := t.State.Steps[s.ID]
		if ss == nil {
			ss = &StepState{Status: switchyard.StepPending}
		}
		rs := reportStep{StepID: s.ID, Name: s.Name, Type: s.Type, Status: ss.Status, Attempt: ss.Attempt, Start: ss.Started, End: ss.Ended, Summary: ss.Summary}
		if ss.Started != nil && ss.Ended != nil {
			rs.Seconds = ss.Ended.Sub(*ss.Started).Seconds()
		}
		r.Steps = append(r.Steps, rs)
		switch ss.Status {
		case switchyard.StepCompleted:
			r.Completed++
		case switchyard.StepFailed:
			r.Failed++
		case switchyard.StepSkipped:
			r.Skipped++
		case switchyard.StepPending:
			r.Pending++
		}
		if s.Type == switchyard.StepMonitor && ss.Ended != nil && (lastMonitor == nil || ss.Ended.After(*lastMonitor)) {
			if m := lastMetrics(ss.Result); m != nil {
				r.Metrics, lastMonitor = m, ss.Ended
			}
		}
	}
	return r
}

// lastMetrics is the last measurement with data in a MONITOR's result.
func lastMetrics(result json.RawMessage) *switchyard.ExecutionMetrics {
	var res struct {
		Measurements []measurement `json:"measurements"`
	}
	if len(result) == 0 || json.Unmarshal(result, &res) != nil {
		return nil
	}
	for i := len(res.Measurements) - 1; i >= 0; i-- {
		if m := res.Measurements[i]; m.Blue != nil && m.Green != nil {
			return &switchyard.ExecutionMetrics{BlueEnv: *m.Blue, GreenEnv: *m.Green, At: m.At}
		}
	}
	return nil
}
