package workflow

import (
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// outcome applies what a step's tick found.
func (m *machine) outcome(o Outcome) error {
	st := m.st
	if st.Status.Finished() {
		return stale("the execution has ended")
	}
	ss := st.step(o.StepID)
	if ss == nil || ss.Status != switchyard.StepRunning || ss.Attempt != o.Attempt || (o.StepID != RollbackStep && o.StepID != st.Current) {
		return stale("step " + o.StepID + " attempt " + strconv.Itoa(o.Attempt) + " is not running")
	}
	m.out.Records = append(m.out.Records, o.Records...)
	for _, n := range o.Notify {
		if n.Key == "" {
			n.Key = m.key(o.StepID, o.Attempt) + "/" + n.Event
		}
		if n.StepID == "" {
			n.StepID = o.StepID
		}
		m.out.Commands = append(m.out.Commands, n)
	}
	if o.Progress != nil {
		ss.Progress = o.Progress
	}
	if o.Traffic != nil {
		st.Traffic = *o.Traffic
	}
	if o.StepID == RollbackStep {
		return m.rollbackOutcome(o, ss)
	}
	s := m.w.Step(o.StepID)
	switch o.Status {
	case switchyard.StepRunning:
		next := o.Next
		if next.Before(m.now) {
			next = m.now
		}
		ss.WaitUntil, ss.Waiting = at(next), o.Waiting
		if st.Status == switchyard.ExecPaused {
			// A tick that was under way when the pause came: its wait is
			// held until resume.
			wait := next.Sub(m.now)
			st.Pause.Wait, ss.WaitUntil = &wait, nil
		}
	case switchyard.StepCompleted:
		summary := o.Summary
		if summary == nil {
			summary = Msg("summary.succeeded")
		}
		m.complete(s, ss, summary, o.Result)
	case switchyard.StepFailed:
		if o.Result != nil {
			ss.Result = o.Result
		}
		reason := o.Reason
		if reason == nil {
			reason = Msg("reason.internal", "detail", "failed")
		}
		if o.Inconclusive {
			m.pauseInconclusive(s, ss, reason)
			return nil
		}
		if o.Anomaly && m.g.LeadsToDecision(s.ID) {
			// 异常? decides: the anomaly is the answer, not a failure of the
			// step's own.
			st.Verdict = &Verdict{StepID: s.ID, Anomaly: true}
			ss.Status, ss.Ended, ss.Summary = switchyard.StepFailed, at(m.now), Nest("summary.anomaly", "detail", reason)
			m.record("step", StepRecord{StepID: s.ID, Status: switchyard.StepFailed, Attempt: ss.Attempt, Summary: ss.Summary})
			m.log(s.ID, "warn", Nest("step.failed", "cause", reason, "step", s.Name))
			m.postActions(s, "FAILED", ss.Summary)
			m.follow(s, "")
			return nil
		}
		m.failStep(s, ss, reason, false)
	}
	return nil
}

// failStep applies s's failure policy (its timeout policy when timedOut).
func (m *machine) failStep(s *switchyard.Step, ss *StepState, reason *switchyard.Message, timedOut bool) {
	p := policyOf(s, timedOut)
	action := p.Action
	if action == switchyard.OnFailureRetry {
		if ss.Retries < p.Retries {
			ss.Retries++
			wait := backoff(p, ss.Retries)
			ss.WaitUntil, ss.Waiting, ss.Progress = at(m.now.Add(wait)), "retry", nil
			m.log(s.ID, "warn", Nest("step.retrying", "cause", reason, "step", s.Name, "attempt", strconv.Itoa(ss.Retries),
				"retries", strconv.Itoa(p.Retries), "wait", wait.String()))
			return
		}
		action = p.Then
		if action == "" || action == switchyard.OnFailureRetry {
			action = switchyard.OnFailurePause
		}
	}
	ss.Status, ss.Ended, ss.WaitUntil, ss.Waiting = switchyard.StepFailed, at(m.now), nil, ""
	ss.Summary = Nest("summary.failed", "cause", reason)
	m.record("step", StepRecord{StepID: s.ID, Status: switchyard.StepFailed, Attempt: ss.Attempt, Summary: ss.Summary})
	if action != switchyard.OnFailureIgnore {
		m.log(s.ID, "error", Nest("step.failed", "cause", reason, "step", s.Name))
	}
	m.postActions(s, "FAILED", ss.Summary)
	cause := Nest("reason.step", "detail", reason, "failedStep", s.Name)
	switch action {
	case switchyard.OnFailureIgnore:
		m.log(s.ID, "warn", Nest("step.ignored", "cause", reason, "step", s.Name))
		m.follow(s, "")
	case switchyard.OnFailureFail:
		m.finish(switchyard.ExecFailed, cause)
	case switchyard.OnFailureRollback:
		m.startRollback(cause)
	default: // PAUSE
		m.st.Status = switchyard.ExecPaused
		m.st.Pause = &Pause{At: m.now, By: "engine", Reason: cause, AfterFailure: true}
		m.record("status", StatusRecord{Status: switchyard.ExecPaused, Reason: cause})
		m.log(s.ID, "warn", Nest("exec.paused.failure", "cause", reason, "step", s.Name))
		m.notify("execution.paused", s.ID, string(switchyard.ExecPaused), Nest("exec.paused.failure", "cause", reason, "step", s.Name))
	}
}

// pauseInconclusive pauses for a person after an analysis that could not
// decide: retry measures again, skip goes on, rollback rolls back.
func (m *machine) pauseInconclusive(s *switchyard.Step, ss *StepState, reason *switchyard.Message) {
	ss.Status, ss.Ended, ss.Summary = switchyard.StepFailed, at(m.now), Nest("summary.failed", "cause", reason)
	m.record("step", StepRecord{StepID: s.ID, Status: switchyard.StepFailed, Attempt: ss.Attempt, Summary: ss.Summary})
	m.st.Status = switchyard.ExecPaused
	m.st.Pause = &Pause{At: m.now, By: "engine", Reason: reason, AfterFailure: true}
	m.record("status", StatusRecord{Status: switchyard.ExecPaused, Reason: reason})
	m.log(s.ID, "warn", Nest("exec.paused.failure", "cause", reason, "step", s.Name))
	m.notify("execution.paused", s.ID, string(switchyard.ExecPaused), Nest("exec.paused.failure", "cause", reason, "step", s.Name))
}

// policyOf is s's failure (or timeout) policy, with the defaults: traffic
// and monitor steps roll back, the others pause for a person.
func policyOf(s *switchyard.Step, timedOut bool) switchyard.FailurePolicy {
	if timedOut && s.OnTimeout != nil {
		return *s.OnTimeout
	}
	if s.OnFailure != nil {
		return *s.OnFailure
	}
	switch s.Type {
	case switchyard.StepTrafficShift, switchyard.StepMonitor:
		return switchyard.FailurePolicy{Action: switchyard.OnFailureRollback}
	case switchyard.StepNotify, switchyard.StepReport:
		return switchyard.FailurePolicy{Action: switchyard.OnFailureIgnore}
	}
	return switchyard.FailurePolicy{Action: switchyard.OnFailurePause}
}

// backoff is the wait before retry n (1-based): Backoff doubled each time,
// at most 10 minutes.
func backoff(p switchyard.FailurePolicy, n int) time.Duration {
	d, err := time.ParseDuration(p.Backoff)
	if err != nil || d <= 0 {
		d = 5 * time.Second
	}
	for i := 1; i < n && d < 10*time.Minute; i++ {
		d *= 2
	}
	return min(d, 10*time.Minute)
}

// startRollback runs the engine's own rollback: all traffic back to the
// old versions; the execution ends ROLLED_BACK when it is done.
func (m *machine) startRollback(cause *switchyard.Message) {
	st := m.st
	attempt := 1
	if st.Rollback != nil {
		attempt = st.Rollback.Attempt + 1
	}
	st.Status, st.Pause = switchyard.ExecRunning, nil
	st.Rollback = &StepState{Status: switchyard.StepRunning, Attempt: attempt, Started: at(m.now), Summary: cause}
	m.record("step", StepRecord{StepID: RollbackStep, Status: switchyard.StepRunning, Attempt: attempt})
	m.log(RollbackStep, "warn", Nest("rollback.started", "cause", cause))
	m.out.Commands = append(m.out.Commands, RunStep{StepID: RollbackStep, Attempt: attempt, Key: m.key(RollbackStep, attempt)})
}

func (m *machine) rollbackOutcome(o Outcome, ss *StepState) error {
	switch o.Status {
	case switchyard.StepRunning:
		ss.WaitUntil, ss.Waiting = at(o.Next), o.Waiting
	case switchyard.StepCompleted:
		cause := ss.Summary
		ss.Status, ss.Ended, ss.Summary, ss.Result = switchyard.StepCompleted, at(m.now), o.Summary, o.Result
		m.record("step", StepRecord{StepID: RollbackStep, Status: switchyard.StepCompleted, Attempt: ss.Attempt, Summary: o.Summary})
		m.st.Traffic = 0
		m.finish(switchyard.ExecRolledBack, cause)
	case switchyard.StepFailed:
		ss.Status, ss.Ended = switchyard.StepFailed, at(m.now)
		m.record("step", StepRecord{StepID: RollbackStep, Status: switchyard.StepFailed, Attempt: ss.Attempt, Summary: o.Reason})
		// A rollback that fails needs a person: pause, so they can retry it.
		reason := Nest("reason.rollback", "detail", o.Reason)
		m.st.Status = switchyard.ExecPaused
		m.st.Pause = &Pause{At: m.now, By: "engine", Reason: reason, AfterFailure: true}
		m.record("status", StatusRecord{Status: switchyard.ExecPaused, Reason: reason})
		m.log(RollbackStep, "error", reason)
		m.notify("execution.paused", RollbackStep, "FAILED", reason)
	}
	return nil
}

// rollbackReason is why a ROLLBACK step of the graph ends the execution:
// the verdict that led there.
func (m *machine) rollbackReason() *switchyard.Message {
	v := m.st.Verdict
	if v == nil {
		return Msg("summary.anomaly", "detail", "")
	}
	ss := m.st.Steps[v.StepID]
	name := v.StepID
	if s := m.w.Step(v.StepID); s != nil {
		name = s.Name
	}
	if ss != nil && ss.Summary != nil {
		return Nest("reason.step", "detail", ss.Summary, "failedStep", name)
	}
	return Msg("reason.step", "failedStep", name, "detail", "anomaly")
}

// wakeUp handles the execution's time: a deadline that passed, a retry or
// a wait that ended.
func (m *machine) wakeUp() {
	st := m.st
	if st.Status != switchyard.ExecRunning {
		return
	}
	if st.Rollback != nil && st.Rollback.Status == switchyard.StepRunning {
		r := st.Rollback
		if r.WaitUntil == nil || !m.now.Before(*r.WaitUntil) {
			m.out.Commands = append(m.out.Commands, RunStep{StepID: RollbackStep, Attempt: r.Attempt, Key: m.key(RollbackStep, r.Attempt), Progress: r.Progress})
		}
		return
	}
	if st.Current == "" {
		return
	}
	s, ss := m.w.Step(st.Current), st.step(st.Current)
	if s == nil || ss.Status != switchyard.StepRunning {
		return
	}
	if ss.Deadline != nil && !m.now.Before(*ss.Deadline) {
		reason := Msg("reason.timeout", "minutes", strconv.FormatFloat(s.Timeout, 'f', -1, 64))
		m.log(s.ID, "warn", Msg("step.timeout", "step", s.Name, "minutes", strconv.FormatFloat(s.Timeout, 'f', -1, 64)))
		m.failStep(s, ss, reason, true)
		return
	}
	if ss.WaitUntil != nil && m.now.Before(*ss.WaitUntil) {
		return
	}
	if ss.Waiting == "approval" {
		return // only approve or reject moves it on
	}
	if ss.Waiting == "retry" {
		ss.Attempt++
		ss.Progress = nil
		m.record("step", StepRecord{StepID: s.ID, Status: switchyard.StepRunning, Attempt: ss.Attempt})
	}
	m.run(s.ID, ss)
}

func stale(why string) error {
	return switchyard.Errorf(switchyard.CodeConflict, "%s", why).WithReason("execution.stale", nil)
}
