package workflow

import (
	"context"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// approvalProgress is an APPROVAL between ticks.
type approvalProgress struct {
	Requested time.Time `json:"requested"`
}

// approval is APPROVAL (人工审批): the first tick asks the notifiers to
// tell the approvers (event approval.requested) and logs 等待 … 审批; the
// step then waits for the approve or reject signal, which the engine
// applies (machine_signal.go) — it is not ticked while it waits, and a
// tick that comes anyway (a resume) keeps waiting without asking again.
//
// Idempotency: the request's notification carries the tick's key, so a
// first tick repeated after a crash sends the same news under the same key
// and a receiver drops the second.
func approval(_ context.Context, t *Tick) Outcome {
	p := ProgressOf[approvalProgress](t)
	if !p.Requested.IsZero() {
		return t.Again(t.Now.Add(farFuture), "approval", p)
	}
	cfg := ConfigOf[ApprovalConfig](t)
	p.Requested = t.Now
	approvers := Msg("reason.internal", "detail", strings.Join(cfg.Approvers, ", "))
	if len(cfg.Approvers) == 0 {
		approvers = Msg("approval.anyone", "group", t.Release.Group)
	}
	o := t.Again(t.Now.Add(farFuture), "approval", p)
	Log(&o, "info", Nest("approval.waiting", "approvers", approvers))
	msg := msgWith("approval.requested", map[string]*switchyard.Message{"approvers": approvers}, "step", t.Step.Name, "release", t.Release.Name)
	if cfg.Message != "" {
		msg = Msg("notify.text", "text", cfg.Message)
	}
	o.Notify = []Notify{{Event: "approval.requested", StepID: t.Step.ID, Outcome: string(switchyard.StepRunning), Key: t.Key + "/approval.requested", Message: msg}}
	return o
}
