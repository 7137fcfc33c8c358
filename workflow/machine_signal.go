package workflow

import "github.com/switchyard-io/switchyard"

// Allowed lists the signals st takes now, in Signals order: what the
// execution page offers and what the API accepts.
func Allowed(w *switchyard.Workflow, st *State) []string {
	out := []string{}
	for _, k := range Signals {
		if refusal(w, st, Signal{Kind: k}) == nil {
			out = append(out, k)
		}
	}
	return out
}

// refusal says why st does not take sig now (nil: it does).
func refusal(w *switchyard.Workflow, st *State, sig Signal) *switchyard.Error {
	cur := w.Step(st.Current)
	var ss *StepState
	if cur != nil {
		ss = st.step(cur.ID)
	}
	rollingBack := st.Rollback != nil && st.Rollback.Status == switchyard.StepRunning
	afterFailure := st.Status == switchyard.ExecPaused && st.Pause != nil && st.Pause.AfterFailure
	no := func(reason string, params ...string) *switchyard.Error {
		p := map[string]string{"signal": sig.Kind, "status": string(st.Status)}
		for i := 0; i+1 < len(params); i += 2 {
			p[params[i]] = params[i+1]
		}
		return switchyard.Errorf(switchyard.CodeConflict, "cannot %s: %s", sig.Kind, Render(Msg("refuse."+reason, flatten(p)...), "en")).
			WithReason("execution."+sig.Kind+".refused", p)
	}
	if st.Status.Finished() && !(sig.Kind == SigRetry && st.Status == switchyard.ExecFailed && ss != nil && ss.Status == switchyard.StepFailed) {
		return no("finished")
	}
	switch sig.Kind {
	case SigPause:
		if st.Status != switchyard.ExecRunning {
			return no("not_running")
		}
		if rollingBack {
			return no("rolling_back")
		}
	case SigResume:
		if st.Status != switchyard.ExecPaused {
			return no("not_paused")
		}
	case SigAbort:
	case SigRollback:
		if rollingBack {
			return no("rolling_back")
		}
	case SigRetry:
		if !(afterFailure || st.Status == switchyard.ExecFailed) || ss == nil || (ss.Status != switchyard.StepFailed && !(st.Rollback != nil && st.Rollback.Status == switchyard.StepFailed)) {
			return no("nothing_failed")
		}
	case SigSkip:
		if cur == nil || cur.Type == switchyard.StepStart || cur.Type == switchyard.StepEnd || cur.Type == switchyard.StepDecision || rollingBack {
			return no("not_skippable")
		}
		if !afterFailure && !(st.Status == switchyard.ExecRunning && ss != nil && ss.Status == switchyard.StepRunning) {
			return no("not_skippable")
		}
	case SigApprove, SigReject:
		if st.Status != switchyard.ExecRunning || cur == nil || cur.Type != switchyard.StepApproval || ss == nil || ss.Waiting != "approval" {
			return no("no_approval")
		}
	default:
		return switchyard.FieldErrorf("signal", "execution.signal", "signal %q must be one of pause, resume, abort, rollback, retry, skip, approve, reject", sig.Kind).
			WithReason("execution.signal", map[string]string{"signal": sig.Kind})
	}
	if sig.StepID != "" && sig.StepID != st.Current {
		return no("other_step", "step", sig.StepID)
	}
	return nil
}

func flatten(p map[string]string) []string {
	out := make([]string, 0, 2*len(p))
	for k, v := range p {
		out = append(out, k, v)
	}
	return out
}

// signal applies a person's signal.
func (m *machine) signal(sig Signal) error {
	st := m.st
	if err := refusal(m.w, st, sig); err != nil {
		return err
	}
	cur := m.w.Step(st.Current)
	m.record("action", ActionRecord{By: sig.By, Action: sig.Kind, StepID: st.Current})
	switch sig.Kind {
	case SigPause:
		m.pause(sig.By)
	case SigResume:
		if st.Pause != nil && st.Pause.AfterFailure {
			m.retry(sig.By)
			return nil
		}
		m.resume(sig.By)
	case SigAbort:
		st.Status, st.Ended, st.Pause, st.WakeAt = switchyard.ExecAborted, at(m.now), nil, nil
		st.Reason = Msg("exec.aborted", "by", sig.By)
		m.record("status", StatusRecord{Status: switchyard.ExecAborted, Reason: st.Reason})
		m.log("", "warn", st.Reason)
		m.notify("execution.aborted", "", string(switchyard.ExecAborted), st.Reason)
	case SigRollback:
		m.log(st.Current, "warn", Msg("signal.rollback", "by", sig.By))
		if cur != nil {
			if ss := st.step(cur.ID); ss.Status == switchyard.StepRunning {
				ss.Status, ss.Ended, ss.Summary = switchyard.StepSkipped, at(m.now), Msg("summary.skipped")
				m.record("step", StepRecord{StepID: cur.ID, Status: switchyard.StepSkipped, Attempt: ss.Attempt, Summary: ss.Summary})
			}
		}
		m.startRollback(Msg("reason.by", "by", sig.By))
	case SigRetry:
		m.retry(sig.By)
	case SigSkip:
		ss := st.step(cur.ID)
		ss.Status, ss.Ended, ss.Summary, ss.WaitUntil, ss.Waiting = switchyard.StepSkipped, at(m.now), Msg("summary.skipped"), nil, ""
		st.Status, st.Pause = switchyard.ExecRunning, nil
		m.record("step", StepRecord{StepID: cur.ID, Status: switchyard.StepSkipped, Attempt: ss.Attempt, Summary: ss.Summary})
		m.log(cur.ID, "warn", Msg("signal.skip", "by", sig.By, "step", cur.Name))
		m.follow(cur, "")
	case SigApprove:
		ss := st.step(cur.ID)
		m.log(cur.ID, "info", Msg("signal.approve", "by", sig.By, "step", cur.Name))
		m.complete(cur, ss, Msg("summary.approved", "by", sig.By), nil)
	case SigReject:
		ss := st.step(cur.ID)
		comment := ""
		if sig.Comment != "" {
			comment = ": " + sig.Comment
		}
		m.log(cur.ID, "warn", Msg("signal.reject", "by", sig.By, "step", cur.Name))
		m.failStep(cur, ss, Msg("reason.rejected", "by", sig.By, "comment", comment), false)
	}
	return nil
}

// pause holds the execution where it is: the wait and the deadline left
// are kept and re-armed on resume.
func (m *machine) pause(by string) {
	st := m.st
	p := &Pause{At: m.now, By: by}
	if cur := st.Steps[st.Current]; cur != nil && cur.Status == switchyard.StepRunning {
		if cur.WaitUntil != nil {
			w := max(cur.WaitUntil.Sub(m.now), 0)
			p.Wait, cur.WaitUntil = &w, nil
		}
		if cur.Deadline != nil {
			d := max(cur.Deadline.Sub(m.now), 0)
			p.Deadline, cur.Deadline = &d, nil
		}
	}
	st.Status, st.Pause = switchyard.ExecPaused, p
	m.record("status", StatusRecord{Status: switchyard.ExecPaused, Reason: Msg("exec.paused", "by", by)})
	m.log(st.Current, "info", Msg("exec.paused", "by", by))
	m.notify("execution.paused", "", string(switchyard.ExecPaused), Msg("exec.paused", "by", by))
}

// resume re-arms what pause held; a step whose tick was due ticks now.
func (m *machine) resume(by string) {
	st := m.st
	p := st.Pause
	st.Status, st.Pause = switchyard.ExecRunning, nil
	m.record("status", StatusRecord{Status: switchyard.ExecRunning})
	m.log(st.Current, "info", Msg("exec.resumed", "by", by))
	cur := st.Steps[st.Current]
	if cur == nil || cur.Status != switchyard.StepRunning {
		return
	}
	if p != nil && p.Deadline != nil {
		cur.Deadline = at(m.now.Add(*p.Deadline))
	}
	if p != nil && p.Wait != nil {
		cur.WaitUntil = at(m.now.Add(*p.Wait))
		return
	}
	if cur.Waiting != "approval" {
		m.run(st.Current, cur)
	}
}

// retry runs the failed step (or the failed rollback) again as a new attempt.
func (m *machine) retry(by string) {
	st := m.st
	st.Status, st.Pause, st.Reason, st.Ended = switchyard.ExecRunning, nil, nil, nil
	m.record("status", StatusRecord{Status: switchyard.ExecRunning})
	if st.Rollback != nil && st.Rollback.Status == switchyard.StepFailed {
		m.startRollback(st.Rollback.Summary)
		return
	}
	cur := m.w.Step(st.Current)
	m.log(cur.ID, "info", Msg("signal.retry", "by", by, "step", cur.Name))
	ss := st.step(cur.ID)
	ss.Status = switchyard.StepRunning // enter counts the attempt on
	m.enter(cur.ID)
	st.Entries-- // a retry is not a new visit of the graph
}
