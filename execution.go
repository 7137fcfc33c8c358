package switchyard

import (
	"context"
	"encoding/json"
	"time"
)

// ExecutionStatus is where an execution is (document 000's status).
type ExecutionStatus string

// The execution statuses: the seed's five and ABORTED (a person stopped it).
const (
	ExecRunning    ExecutionStatus = "RUNNING"
	ExecPaused     ExecutionStatus = "PAUSED"
	ExecCompleted  ExecutionStatus = "COMPLETED"
	ExecFailed     ExecutionStatus = "FAILED"
	ExecRolledBack ExecutionStatus = "ROLLED_BACK"
	ExecAborted    ExecutionStatus = "ABORTED"
)

// Finished reports whether the execution can change no more.
func (s ExecutionStatus) Finished() bool {
	return s == ExecCompleted || s == ExecFailed || s == ExecRolledBack || s == ExecAborted
}

// StepStatus is where one step of an execution is.
type StepStatus string

// The step statuses: the seed's four and SKIPPED (a person skipped it, or
// the graph took another branch).
const (
	StepPending   StepStatus = "PENDING"
	StepRunning   StepStatus = "RUNNING"
	StepCompleted StepStatus = "COMPLETED"
	StepFailed    StepStatus = "FAILED"
	StepSkipped   StepStatus = "SKIPPED"
)

// StepRun is one step of an execution as the seed's JSON has it, plus the
// attempt, the reason a step waits and what it found.
type StepRun struct {
	StepID    string     `json:"stepId"`
	Name      string     `json:"name"`
	Type      StepType   `json:"type"`
	Status    StepStatus `json:"status" enum:"PENDING,RUNNING,COMPLETED,FAILED,SKIPPED"`
	StartTime *time.Time `json:"startTime,omitempty"`
	EndTime   *time.Time `json:"endTime,omitempty"`
	// Result is the step's outcome: its verdict, measurements, instances…
	Result json.RawMessage `json:"result,omitempty"`
	// Summary is the result in a word the execution page shows (通过, 成功,
	// 正常, or why it failed), as a message key with parameters.
	Summary *Message `json:"summary,omitempty"`
	Attempt int      `json:"attempt,omitempty"`
	// Waiting says what a running step waits for: "timer", "approval",
	// "instances", "person" (paused after a failure).
	Waiting string `json:"waiting,omitempty"`
	// Estimate is how long the step is expected to take, in seconds (from
	// its config), for the remaining-time estimate.
	Estimate float64 `json:"estimate,omitempty"`
}

// Message is a text in the reader's language: a key with parameters, some
// of which may be messages themselves (rendered in the same language), and
// its English rendering.
type Message struct {
	Key    string              `json:"key"`
	Params map[string]string   `json:"params,omitempty"`
	Nested map[string]*Message `json:"nested,omitempty" doc:"parameters that are messages"`
	Text   string              `json:"text" doc:"the English rendering"`
}

// EnvMetrics is one side of the blue/green comparison (蓝环境, 绿环境).
type EnvMetrics struct {
	Version string `json:"version"`
	// Traffic is the share of requests this side gets, in percent.
	Traffic float64 `json:"traffic"`
	// SuccessRate in percent; ResponseTime (average) and P99 in ms.
	SuccessRate  float64 `json:"successRate"`
	ResponseTime float64 `json:"responseTime"`
	P99          float64 `json:"p99"`
	Requests     int64   `json:"requests"`
	Errors       int64   `json:"errors"`
	// CPU in percent of one core, Memory in bytes (resident), summed over
	// the side's instances.
	CPU    float64 `json:"cpu"`
	Memory float64 `json:"memory"`
}

// ExecutionMetrics is document 000's metrics.blueEnv/greenEnv (blue = the
// new version, green = the old).
type ExecutionMetrics struct {
	BlueEnv  EnvMetrics `json:"blueEnv"`
	GreenEnv EnvMetrics `json:"greenEnv"`
	At       time.Time  `json:"at"`
}

// LogLine is one line of the execution log, in the reader's language.
type LogLine struct {
	Time    time.Time         `json:"time"`
	Message string            `json:"message" doc:"rendered in the reader's language (Accept-Language or lang=)"`
	Key     string            `json:"key"`
	Params  map[string]string `json:"params,omitempty"`
	StepID  string            `json:"stepId,omitempty"`
	Level   string            `json:"level" enum:"info,warn,error"`
}

// Alert is a threshold breach seen while monitoring (告警).
type Alert struct {
	Time      time.Time `json:"time"`
	StepID    string    `json:"stepId"`
	Metric    string    `json:"metric"`
	Threshold string    `json:"threshold" doc:"e.g. >= 99% or <= 1.2x green"`
	Value     float64   `json:"value"`
	Message   *Message  `json:"message"`
}

// Shift is the traffic during a TRAFFIC_SHIFT: from where to where, and
// where it is now (当前流量: 35% → 50%).
type Shift struct {
	StepID  string  `json:"stepId"`
	From    float64 `json:"from"`
	To      float64 `json:"to"`
	Current float64 `json:"current"`
}

// ExecutionAction is something a person (or the engine) did to an
// execution: started, paused, resumed, rolled back, …
type ExecutionAction struct {
	Time   time.Time `json:"time"`
	By     string    `json:"by"`
	Action string    `json:"action"`
	StepID string    `json:"stepId,omitempty"`
}

// Execution is document 000's WorkflowExecution, extended with what the
// execution page needs.
type Execution struct {
	ID              string          `json:"id" doc:"EXE-001, EXE-002, …"`
	WorkflowID      string          `json:"workflowId"`
	WorkflowVersion int             `json:"workflowVersion"`
	ReleaseID       string          `json:"releaseId"`
	StartTime       time.Time       `json:"startTime"`
	EndTime         *time.Time      `json:"endTime,omitempty"`
	CurrentStep     string          `json:"currentStep" doc:"the current step's name, as the seed shows it"`
	CurrentStepID   string          `json:"currentStepId"`
	Status          ExecutionStatus `json:"status" enum:"RUNNING,PAUSED,COMPLETED,FAILED,ROLLED_BACK,ABORTED"`
	// Reason says why the execution ended or paused.
	Reason    *Message          `json:"reason,omitempty"`
	Steps     []StepRun         `json:"steps"`
	Metrics   ExecutionMetrics  `json:"metrics"`
	Logs      []LogLine         `json:"logs"`
	Traffic   *Shift            `json:"traffic,omitempty" doc:"the shift in progress"`
	Alerts    []Alert           `json:"alerts"`
	Actions   []ExecutionAction `json:"actions"`
	StartedBy string            `json:"startedBy"`
	// Elapsed and EstimatedRemaining are in seconds (已耗时, 预计剩余).
	Elapsed            float64 `json:"elapsed"`
	EstimatedRemaining float64 `json:"estimatedRemaining"`
	// Allowed lists the signals the execution takes now (pause, resume,
	// abort, rollback, retry, skip, approve, reject).
	Allowed []string `json:"allowed"`
	// Seq is the sequence number of the last event the view includes.
	Seq int64 `json:"seq"`
}

// ExecutionRecord is an execution as the store keeps it: the engine's
// state (opaque to the store), the lease of the replica advancing it and
// the time it next wants to run.
type ExecutionRecord struct {
	ID              string          `json:"id"`
	WorkflowID      string          `json:"workflowId"`
	WorkflowVersion int             `json:"workflowVersion"`
	ReleaseID       string          `json:"releaseId"`
	Status          ExecutionStatus `json:"status"`
	CurrentStep     string          `json:"currentStep"`
	StartedAt       time.Time       `json:"startedAt"`
	StartedBy       string          `json:"startedBy"`
	EndedAt         *time.Time      `json:"endedAt,omitempty"`
	// State is the engine's state, JSON.
	State json.RawMessage `json:"state"`
	// WakeAt is when the engine wants to advance the execution next (nil:
	// only a signal wakes it).
	WakeAt *time.Time `json:"wakeAt,omitempty"`
	// Epoch grows with every claim: a write names the epoch it claimed, so
	// a replica that lost its lease cannot write.
	Epoch      int64     `json:"epoch"`
	LeaseOwner string    `json:"leaseOwner"`
	LeaseUntil time.Time `json:"leaseUntil"`
	// Seq is the sequence number of the last event appended.
	Seq int64 `json:"seq"`
}

// ExecutionEvent is one appended record of an execution: a step change, a
// log line, a metrics sample, an alert, an action. Seq numbers an
// execution's events from 1, in order.
type ExecutionEvent struct {
	ExecutionID string          `json:"executionId"`
	Seq         int64           `json:"seq"`
	Time        time.Time       `json:"time"`
	Kind        string          `json:"kind" enum:"step,log,metrics,alert,action,status,traffic"`
	Data        json.RawMessage `json:"data"`
}

// ExecutionSignal is a person's request to an execution (pause, resume,
// abort, rollback, retry, skip, approve, reject), kept until the replica
// advancing the execution takes it at the next step boundary or tick.
type ExecutionSignal struct {
	ID          string     `json:"id"`
	ExecutionID string     `json:"executionId"`
	Kind        string     `json:"kind" enum:"pause,resume,abort,rollback,retry,skip,approve,reject"`
	StepID      string     `json:"stepId,omitempty"`
	By          string     `json:"by"`
	At          time.Time  `json:"at"`
	Comment     string     `json:"comment,omitempty"`
	ConsumedAt  *time.Time `json:"consumedAt,omitempty"`
}

// ExecutionFilter narrows FindExecutions. Limit defaults to 100, at most 1000.
type ExecutionFilter struct {
	WorkflowID string
	ReleaseID  string
	Status     ExecutionStatus
	StartedBy  string
	Since      time.Time
	Until      time.Time
	Limit      int
}

// ExecutionStore keeps executions, their events and their signals.
type ExecutionStore interface {
	// CreateExecution stores a new execution with the next EXE-NNN id (set
	// on e), its first events, epoch 0 and no lease.
	CreateExecution(ctx context.Context, e *ExecutionRecord, events []*ExecutionEvent) error
	// FindExecution returns an execution; CodeNotFound if none.
	FindExecution(ctx context.Context, id string) (*ExecutionRecord, error)
	// FindExecutions lists executions, newest first.
	FindExecutions(ctx context.Context, f ExecutionFilter) ([]*ExecutionRecord, error)
	// DueExecutions lists executions whose lease is free or expired at now
	// and that are due: WakeAt at or before now (the engine sets it only
	// when there is something to do: a wait that ends, a notification to
	// send), or a signal not yet consumed. Oldest wake first, at most
	// limit.
	DueExecutions(ctx context.Context, now time.Time, limit int) ([]string, error)
	// ClaimExecution takes the lease of id for owner until until if it is
	// free, expired at now or already owner's, and increments the epoch;
	// CodeConflict if another owner holds it.
	ClaimExecution(ctx context.Context, id, owner string, now, until time.Time) (*ExecutionRecord, error)
	// SaveExecution writes e's status, current step, state, wake time,
	// end time and lease (LeaseUntil zero releases it), appends events
	// (their Seq set by the caller, continuing e.Seq) and marks the signals
	// consumed, in one transaction, if e.Epoch is still the execution's
	// epoch; CodeConflict if it is not (the lease was lost).
	SaveExecution(ctx context.Context, e *ExecutionRecord, events []*ExecutionEvent, consumed []string) error
	// RenewLease extends the lease of id to until if epoch is still its
	// epoch (a long step tick keeps its claim); CodeConflict if not.
	RenewLease(ctx context.Context, id string, epoch int64, until time.Time) error
	// ExecutionEvents lists the events of id with Seq > after, in order, at
	// most limit (default 1000).
	ExecutionEvents(ctx context.Context, id string, after int64, limit int) ([]*ExecutionEvent, error)
	// AddSignal stores a signal (ID set by the caller).
	AddSignal(ctx context.Context, s *ExecutionSignal) error
	// PendingSignals lists the signals of id not yet consumed, oldest first.
	PendingSignals(ctx context.Context, id string) ([]*ExecutionSignal, error)
}
