package workflow

import (
	"context"
	"strconv"

	"github.com/switchyard-io/switchyard"
)

// rollback is ROLLBACK (执行回滚), the graph's step and the engine's own
// (Step.ID RollbackStep): all traffic back to the old versions through the
// one publish path. A RELEASED release is rolled back (回滚); a release that
// never published is fallen back (兜底: the old versions pinned, so nothing
// reaches the new one); one already FALLBACK or ROLLED_BACK is where a
// rollback leads, which is success without a write.
//
// Idempotency: the operation is chosen from the release's state read now,
// so a tick repeated after its publish landed finds the release rolled
// back and writes nothing.
func rollback(ctx context.Context, t *Tick) Outcome {
	rel, err := releaseNow(ctx, t)
	if err != nil {
		return t.Fail(Msg("rollback.failed", "detail", errDetail(err)), nil)
	}
	var op switchyard.Operation
	switch rel.State {
	case switchyard.StateReleased:
		op = switchyard.OpRollback
	case switchyard.StateNew:
		op = switchyard.OpFallback
	case switchyard.StateFallback, switchyard.StateRolledBack:
		o := t.Done(Msg("summary.succeeded"), map[string]any{"state": rel.State, "configVersion": rel.ConfigVersion, "operation": ""})
		Log(&o, "info", Msg("rollback.already", "state", string(rel.State), "version", strconv.FormatInt(rel.ConfigVersion, 10)))
		o.Traffic = ptr(0.0)
		return o
	default:
		return t.Fail(Msg("rollback.ended", "state", string(rel.State)), map[string]any{"state": rel.State})
	}
	res, err := t.Env.Releases.Execute(ctx, t.Actor(), rel.Name, switchyard.OperationRequest{Operation: op})
	if err != nil {
		return t.Fail(Msg("rollback.failed", "detail", errDetail(err)), map[string]any{"state": rel.State, "operation": op})
	}
	o := t.Done(Msg("summary.succeeded"), map[string]any{"state": res.Release.State, "configVersion": res.Version, "operation": op})
	Log(&o, "info", Msg("rollback.done", "state", string(res.Release.State), "version", strconv.FormatInt(res.Version, 10)))
	o.Traffic = ptr(0.0)
	return o
}
