package workflow

import (
	"encoding/json"
	"time"

	"github.com/switchyard-io/switchyard"
)

// State is an execution's engine state: where it is, what each step did
// and when it wants to run next. The store keeps it as JSON with every
// transition; nothing else about a running execution lives in memory.
type State struct {
	Status switchyard.ExecutionStatus `json:"status"`
	// Current is the step being run ("" before the start and at the end).
	Current string                `json:"current,omitempty"`
	Steps   map[string]*StepState `json:"steps"`
	// Traversals counts how often each edge ("from>to") was taken.
	Traversals map[string]int `json:"traversals,omitempty"`
	// Entries counts step entries: a bound against a runaway loop.
	Entries int `json:"entries"`
	// Healthy and Tested are the 前置条件 健康检查通过 / 自动化测试通过: the last
	// HEALTH_CHECK and TEST passed.
	Healthy bool `json:"healthy,omitempty"`
	Tested  bool `json:"tested,omitempty"`
	// Verdict is the last analysis a DECISION branches on.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Traffic is the new version's share the engine last published.
	Traffic float64 `json:"traffic"`
	// Rollback is a rollback the engine runs on its own (a person's 回滚, a
	// step's 自动回滚), outside the graph.
	Rollback *StepState `json:"rollback,omitempty"`
	Pause    *Pause     `json:"pause,omitempty"`
	// Reason says why the execution ended or paused.
	Reason *switchyard.Message `json:"reason,omitempty"`
	// WakeAt is when the execution wants to run next (nil: only a signal
	// wakes it).
	WakeAt *time.Time `json:"wakeAt,omitempty"`
	Ended  *time.Time `json:"ended,omitempty"`
	// Outbox holds the notifications saved but not yet sent (runner.go).
	Outbox []Outgoing `json:"outbox,omitempty"`
}

// StepState is what one step of an execution did (its last entry).
type StepState struct {
	Status  switchyard.StepStatus `json:"status"`
	Attempt int                   `json:"attempt"`
	Started *time.Time            `json:"started,omitempty"`
	Ended   *time.Time            `json:"ended,omitempty"`
	// Deadline is when the step times out (超时时间).
	Deadline *time.Time `json:"deadline,omitempty"`
	// WaitUntil is when the step's activity wants its next tick; Waiting
	// says for what ("timer", "approval", "instances", "retry").
	WaitUntil *time.Time `json:"waitUntil,omitempty"`
	Waiting   string     `json:"waiting,omitempty"`
	// Progress is the activity's own state between ticks (a gradual
	// shift's current weight, a monitor's measurements so far).
	Progress json.RawMessage     `json:"progress,omitempty"`
	Result   json.RawMessage     `json:"result,omitempty"`
	Summary  *switchyard.Message `json:"summary,omitempty"`
	// Retries counts the retries a RETRY policy used.
	Retries int `json:"retries,omitempty"`
}

// Verdict is an analysis outcome: whether the step it came from saw an
// anomaly (异常).
type Verdict struct {
	StepID  string `json:"stepId"`
	Anomaly bool   `json:"anomaly"`
}

// Pause is a paused execution: who paused it, and the waits it held, to be
// re-armed on resume (pausing stops the clock).
type Pause struct {
	At     time.Time           `json:"at"`
	By     string              `json:"by"`
	Reason *switchyard.Message `json:"reason,omitempty"`
	// AfterFailure: a PAUSE failure policy paused it; resume retries the
	// failed step.
	AfterFailure bool `json:"afterFailure,omitempty"`
	// Wait and Deadline are what was left of the step's wait and timeout.
	Wait     *time.Duration `json:"wait,omitempty"`
	Deadline *time.Duration `json:"deadline,omitempty"`
}

// RollbackStep names the engine's own rollback in records and commands (step
// ids cannot start with "_").
const RollbackStep = "_rollback"

// maxEntries bounds the steps one execution may enter.
const maxEntries = 1000

// NewState is the state of an execution about to start.
func NewState(w *switchyard.Workflow) *State {
	st := &State{Status: switchyard.ExecRunning, Steps: map[string]*StepState{}, Traversals: map[string]int{}}
	for _, s := range w.Steps {
		st.Steps[s.ID] = &StepState{Status: switchyard.StepPending}
	}
	return st
}

// step returns the state of step id (rollback: the engine's rollback).
func (st *State) step(id string) *StepState {
	if id == RollbackStep {
		return st.Rollback
	}
	ss := st.Steps[id]
	if ss == nil {
		ss = &StepState{Status: switchyard.StepPending}
		st.Steps[id] = ss
	}
	return ss
}

// wake sets WakeAt to the earliest of the current step's wait and deadline.
func (st *State) wake() {
	st.WakeAt = nil
	if st.Status != switchyard.ExecRunning {
		return
	}
	id := st.Current
	if st.Rollback != nil && st.Rollback.Status == switchyard.StepRunning {
		id = RollbackStep
	}
	if id == "" {
		return
	}
	ss := st.step(id)
	if ss == nil || ss.Status != switchyard.StepRunning {
		return
	}
	st.WakeAt = earliest(ss.WaitUntil, ss.Deadline)
}

func earliest(a, b *time.Time) *time.Time {
	switch {
	case a == nil:
		return b
	case b == nil || a.Before(*b):
		return a
	}
	return b
}

func at(t time.Time) *time.Time { return &t }
