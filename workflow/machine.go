package workflow

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Event is what happens to an execution: Start, Wake, Outcome or Signal.
type Event interface{ event() }

// Start starts an execution.
type Start struct{ By string }

// Wake is the execution's time arriving (a wait ended, a deadline passed).
type Wake struct{}

// Outcome is what one tick of a step's activity found.
type Outcome struct {
	StepID  string
	Attempt int
	// Status: StepRunning (not done: tick again at Next), StepCompleted or
	// StepFailed.
	Status switchyard.StepStatus
	Next   time.Time
	// Waiting says what a running step waits for ("timer", "approval",
	// "instances").
	Waiting  string
	Progress json.RawMessage
	Result   json.RawMessage
	Summary  *switchyard.Message
	// Reason says why the step failed.
	Reason *switchyard.Message
	// Anomaly marks an analysis that found one (MONITOR, TEST): a failed
	// step leading to a DECISION takes its 是 branch instead of failing.
	Anomaly bool
	// Inconclusive marks an analysis that could not decide (too little
	// data): the execution pauses for a person, whatever the step's
	// failure policy says (Argo Rollouts' InconclusiveAnalysisRun).
	Inconclusive bool
	// Traffic, when set, is the new version's share the step published.
	Traffic *float64
	// Notify asks the notifiers to tell people (an approval requested, a
	// report made).
	Notify []Notify
	// Records are what the tick appends to the execution's log.
	Records []Record
}

// Signal is a person's request to the execution.
type Signal struct {
	Kind    string // pause, resume, abort, rollback, retry, skip, approve, reject
	StepID  string
	By      string
	Comment string
}

func (Start) event()   {}
func (Wake) event()    {}
func (Outcome) event() {}
func (Signal) event()  {}

// The signal kinds.
const (
	SigPause    = "pause"
	SigResume   = "resume"
	SigAbort    = "abort"
	SigRollback = "rollback"
	SigRetry    = "retry"
	SigSkip     = "skip"
	SigApprove  = "approve"
	SigReject   = "reject"
)

// Signals lists every signal kind.
var Signals = []string{SigPause, SigResume, SigAbort, SigRollback, SigRetry, SigSkip, SigApprove, SigReject}

// Command is what Decide asks the runner to carry out.
type Command interface{ command() }

// RunStep asks for one tick of a step's activity. Key is the step
// attempt's idempotency key: the same key after a crash means the same
// effect.
type RunStep struct {
	StepID   string
	Attempt  int
	Key      string
	Progress json.RawMessage
}

// Notify asks the notifiers to tell people.
type Notify struct {
	Event   string
	StepID  string
	Outcome string
	Key     string
	Message *switchyard.Message
}

func (RunStep) command() {}
func (Notify) command()  {}

// Record is one entry to append to the execution's log of events.
type Record struct {
	Kind string // step, log, action, status, traffic, metrics, alert
	Data any
}

// StepRecord is a step's status change.
type StepRecord struct {
	StepID  string                `json:"stepId"`
	Status  switchyard.StepStatus `json:"status"`
	Attempt int                   `json:"attempt"`
	Summary *switchyard.Message   `json:"summary,omitempty"`
}

// LogRecord is a line of the execution log.
type LogRecord struct {
	Message *switchyard.Message `json:"message"`
	StepID  string              `json:"stepId,omitempty"`
	Level   string              `json:"level"`
}

// ActionRecord is what a person or the engine did.
type ActionRecord struct {
	By     string `json:"by"`
	Action string `json:"action"`
	StepID string `json:"stepId,omitempty"`
}

// StatusRecord is an execution status change.
type StatusRecord struct {
	Status switchyard.ExecutionStatus `json:"status"`
	Reason *switchyard.Message        `json:"reason,omitempty"`
}

// Decision is what Decide returns besides the state it changed.
type Decision struct {
	Commands []Command
	Records  []Record
}

// machine is one call of Decide: the workflow, the state it changes, the
// time and what it collects.
type machine struct {
	w   *switchyard.Workflow
	g   *Graph
	st  *State
	now time.Time
	id  string // the execution, for idempotency keys
	out Decision
}

// Decide applies ev to st (changing it) for the execution id of workflow
// w at now, and returns the commands to carry out and the records to
// append. It does no I/O: the same inputs give the same outputs. An event
// the state does not allow (a stale outcome, a signal that does not apply)
// is refused with a *switchyard.Error of code conflict naming why, and st
// is left as it was.
func Decide(w *switchyard.Workflow, id string, st *State, ev Event, now time.Time) (Decision, error) {
	if st.Steps == nil {
		st.Steps = map[string]*StepState{}
	}
	if st.Traversals == nil {
		st.Traversals = map[string]int{}
	}
	m := &machine{w: w, g: NewGraph(w), st: st, now: now, id: id}
	var err error
	switch e := ev.(type) {
	case Start:
		m.start(e)
	case Wake:
		m.wakeUp()
	case Outcome:
		err = m.outcome(e)
	case Signal:
		err = m.signal(e)
	default:
		err = fmt.Errorf("workflow: unknown event %T", ev)
	}
	if err != nil {
		return Decision{}, err
	}
	st.wake()
	return m.out, nil
}

func (m *machine) record(kind string, data any) {
	m.out.Records = append(m.out.Records, Record{Kind: kind, Data: data})
}

func (m *machine) log(stepID, level string, msg *switchyard.Message) {
	m.record("log", LogRecord{Message: msg, StepID: stepID, Level: level})
}

func (m *machine) start(e Start) {
	m.st.Status = switchyard.ExecRunning
	m.record("action", ActionRecord{By: e.By, Action: "start"})
	m.log("", "info", Msg("exec.started", "by", e.By, "workflow", m.w.ID, "version", strconv.Itoa(m.w.Version)))
	m.notify("execution.started", "", string(switchyard.ExecRunning), Msg("exec.started", "by", e.By, "workflow", m.w.ID, "version", strconv.Itoa(m.w.Version)))
	m.enter(m.g.Start())
}

// enter starts step id: preconditions, attempt, deadline; pure steps (START,
// END, DECISION) complete at once, the others get a RunStep.
func (m *machine) enter(id string) {
	st := m.st
	s := m.w.Step(id)
	if s == nil {
		m.finish(switchyard.ExecFailed, Msg("reason.internal", "detail", "no step "+id))
		return
	}
	st.Entries++
	if st.Entries > maxEntries {
		m.finish(switchyard.ExecFailed, Msg("exec.loop", "max", strconv.Itoa(maxEntries)))
		return
	}
	st.Current = id
	prev := st.Steps[id]
	// Attempts count on across entries (a retry, a second pass through a
	// loop): each has an idempotency key of its own, and effects keyed by
	// an earlier one are never mistaken for this one's.
	ss := &StepState{Status: switchyard.StepRunning, Attempt: 1, Started: at(m.now)}
	if prev != nil && prev.Attempt > 0 {
		ss.Attempt = prev.Attempt + 1
	}
	st.Steps[id] = ss
	if s.Timeout > 0 {
		ss.Deadline = at(m.now.Add(minutes(s.Timeout)))
	}
	m.record("step", StepRecord{StepID: id, Status: switchyard.StepRunning, Attempt: ss.Attempt})
	if s.Type != switchyard.StepStart && s.Type != switchyard.StepEnd && s.Type != switchyard.StepDecision {
		m.log(id, "info", Msg("step.started", "step", s.Name))
	}
	if pc := m.unmet(s); pc != "" {
		m.log(id, "warn", Msg("step.precondition", "step", s.Name, "precondition", pc))
		m.failStep(s, ss, Msg("step.precondition", "step", s.Name, "precondition", pc), false)
		return
	}
	switch s.Type {
	case switchyard.StepStart:
		m.complete(s, ss, Msg("summary.succeeded"), nil)
	case switchyard.StepEnd:
		m.complete(s, ss, Msg("summary.succeeded"), nil)
	case switchyard.StepDecision:
		m.decide(s, ss)
	default:
		m.run(id, ss)
	}
}

// unmet returns the first precondition of s that does not hold, or "".
func (m *machine) unmet(s *switchyard.Step) string {
	for _, pc := range s.Preconditions {
		switch {
		case pc == switchyard.PreconditionHealthy && !m.st.Healthy,
			pc == switchyard.PreconditionTested && !m.st.Tested:
			return pc
		case strings.HasPrefix(pc, "step:"):
			if ps := m.st.Steps[strings.TrimPrefix(pc, "step:")]; ps == nil || ps.Status != switchyard.StepCompleted {
				return pc
			}
		}
	}
	return ""
}

func (m *machine) run(id string, ss *StepState) {
	ss.WaitUntil, ss.Waiting = nil, ""
	m.out.Commands = append(m.out.Commands, RunStep{StepID: id, Attempt: ss.Attempt, Key: m.key(id, ss.Attempt), Progress: ss.Progress})
}

// key is the idempotency key of a step attempt.
func (m *machine) key(stepID string, attempt int) string {
	return m.id + "/" + stepID + "/" + strconv.Itoa(attempt)
}

// decide takes a DECISION's branch: 是 when the verdict it reads found an
// anomaly.
func (m *machine) decide(s *switchyard.Step, ss *StepState) {
	v := m.st.Verdict
	cfg := decisionConfig(s)
	if cfg.Step != "" && (v == nil || v.StepID != cfg.Step) {
		v = nil
		if ps := m.st.Steps[cfg.Step]; ps != nil && ps.Status == switchyard.StepFailed {
			v = &Verdict{StepID: cfg.Step, Anomaly: true}
		}
	}
	branch, msg := "no", Msg("decision.no", "step", s.Name)
	if v != nil && v.Anomaly {
		from := v.StepID
		if fs := m.w.Step(v.StepID); fs != nil {
			from = fs.Name
		}
		branch, msg = "yes", Msg("decision.yes", "step", s.Name, "from", from)
	}
	m.log(s.ID, "info", msg)
	ss.Status, ss.Ended = switchyard.StepCompleted, at(m.now)
	ss.Summary = Msg("summary.normal")
	if branch == "yes" {
		ss.Summary = Msg("summary.anomaly", "detail", v.StepID)
	}
	ss.Result, _ = json.Marshal(map[string]string{"branch": branch})
	m.record("step", StepRecord{StepID: s.ID, Status: switchyard.StepCompleted, Attempt: ss.Attempt, Summary: ss.Summary})
	m.follow(s, branch)
}

// complete ends step s successfully and goes on along its edge.
func (m *machine) complete(s *switchyard.Step, ss *StepState, summary *switchyard.Message, result json.RawMessage) {
	ss.Status, ss.Ended, ss.Summary, ss.WaitUntil, ss.Waiting = switchyard.StepCompleted, at(m.now), summary, nil, ""
	if result != nil {
		ss.Result = result
	}
	switch s.Type {
	case switchyard.StepHealthCheck:
		m.st.Healthy = true
	case switchyard.StepTest:
		m.st.Tested = true
		m.st.Verdict = &Verdict{StepID: s.ID}
	case switchyard.StepMonitor:
		m.st.Verdict = &Verdict{StepID: s.ID}
	}
	m.record("step", StepRecord{StepID: s.ID, Status: switchyard.StepCompleted, Attempt: ss.Attempt, Summary: summary})
	if s.Type != switchyard.StepStart && s.Type != switchyard.StepEnd {
		m.log(s.ID, "info", Nest("step.completed", "summary", summary, "step", s.Name))
	}
	m.postActions(s, "COMPLETED", summary)
	if s.Type == switchyard.StepEnd {
		m.finish(switchyard.ExecCompleted, nil)
		return
	}
	if s.Type == switchyard.StepRollback {
		m.st.Traffic = 0
	}
	m.follow(s, "")
}

// follow takes the edge out of s for branch ("" for plain steps): the first
// edge whose bound allows it. No edge ends the execution: ROLLED_BACK
// after a ROLLBACK step, COMPLETED otherwise.
func (m *machine) follow(s *switchyard.Step, branch string) {
	for _, e := range m.g.Out(s.ID) {
		if e.When != branch {
			continue
		}
		k := EdgeKey(e)
		if m.g.ClosesLoop(e) {
			limit := 0
			if e.MaxTraversals != nil {
				limit = *e.MaxTraversals
			}
			if m.st.Traversals[k] >= limit {
				to := e.To
				if ts := m.w.Step(e.To); ts != nil {
					to = ts.Name
				}
				m.log(s.ID, "info", Msg("loop.exhausted", "step", to, "max", strconv.Itoa(limit)))
				continue
			}
		}
		m.st.Traversals[k]++
		m.enter(e.To)
		return
	}
	if s.Type == switchyard.StepRollback {
		m.finish(switchyard.ExecRolledBack, m.rollbackReason())
		return
	}
	m.finish(switchyard.ExecCompleted, nil)
}

// postActions runs a step's 后置动作 after it ended.
func (m *machine) postActions(s *switchyard.Step, outcome string, summary *switchyard.Message) {
	for _, a := range s.PostActions {
		switch a {
		case switchyard.PostActionLog:
			m.log(s.ID, "info", Nest("post.log", "outcome", summary, "step", s.Name))
		case switchyard.PostActionNotify:
			ev := "step.completed"
			if outcome == "FAILED" {
				ev = "step.failed"
			}
			m.notify(ev, s.ID, outcome, Nest("step.completed", "summary", summary, "step", s.Name))
		}
	}
}

func (m *machine) notify(event, stepID, outcome string, msg *switchyard.Message) {
	attempt := 0
	if stepID != "" {
		if ss := m.st.step(stepID); ss != nil {
			attempt = ss.Attempt
		}
	}
	key := m.id + "/" + event
	if stepID != "" {
		key = m.key(stepID, attempt) + "/" + outcome
	}
	m.out.Commands = append(m.out.Commands, Notify{Event: event, StepID: stepID, Outcome: outcome, Key: key, Message: msg})
}

// finish ends the execution.
func (m *machine) finish(status switchyard.ExecutionStatus, reason *switchyard.Message) {
	st := m.st
	st.Status, st.Reason, st.Ended, st.WakeAt, st.Pause = status, reason, at(m.now), nil, nil
	m.record("status", StatusRecord{Status: status, Reason: reason})
	switch status {
	case switchyard.ExecCompleted:
		m.log("", "info", Msg("exec.completed"))
		m.notify("execution.completed", "", string(status), Msg("exec.completed"))
	case switchyard.ExecFailed:
		m.log("", "error", Nest("exec.failed", "cause", reason))
		m.notify("execution.failed", "", string(status), Nest("exec.failed", "cause", reason))
	case switchyard.ExecRolledBack:
		m.log("", "warn", Nest("exec.rolled_back", "cause", reason))
		m.notify("execution.rolled_back", "", string(status), Nest("exec.rolled_back", "cause", reason))
	}
}

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }
