package workflow

import (
	"context"
	"strconv"

	"github.com/switchyard-io/switchyard"
)

// notifyStep is NOTIFY (发送通知): the notifiers are asked to tell people
// the step's message (default: where the execution is and the new
// version's share), event "notify".
//
// Idempotency: the notification carries the tick's key, so a tick repeated
// after a crash sends it under the same key and a receiver drops the
// second.
func notifyStep(_ context.Context, t *Tick) Outcome {
	cfg := ConfigOf[NotifyConfig](t)
	msg := Msg("notify.default", "release", t.Release.Name, "execution", t.Execution.ID, "step", t.Step.Name,
		"traffic", strconv.FormatFloat(t.State.Traffic, 'f', -1, 64))
	if cfg.Message != "" {
		msg = Msg("notify.text", "text", cfg.Message)
	}
	o := t.Done(Msg("summary.succeeded"), map[string]any{"message": msg})
	Log(&o, "info", Nest("notify.step", "message", msg))
	o.Notify = []Notify{{Event: "notify", StepID: t.Step.ID, Outcome: string(switchyard.StepCompleted), Key: t.Key + "/notify", Message: msg}}
	return o
}
