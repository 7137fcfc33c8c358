package workflow

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// shiftProgress is a TRAFFIC_SHIFT between ticks: where it started, where
// it goes and the weight it published last.
type shiftProgress struct {
	Started bool `json:"started"`
	From    int  `json:"from"`
	To      int  `json:"to"`
	// Current is the weight published last (From before the first move).
	Current       int   `json:"current"`
	ConfigVersion int64 `json:"configVersion,omitempty"`
	// Due is when the next move may happen: a tick before it (a resume
	// re-running the step early) waits instead of moving.
	Due time.Time `json:"due"`
}

// shift is TRAFFIC_SHIFT (流量切换): it publishes the release's gray weight
// through the release service's one publish path, as the execution's
// actor (bound by the release's lock, read back, audited). IMMEDIATE
// publishes the target in one tick; GRADUAL moves Increment points every
// Interval, one publish and one log line per move, as the seed's log has
// it: 开始流量切换至50% … 流量切换至40% … 流量切换至45% … 流量切换至50% … 流量切换完成，开始监控观察
// (each weight, the last one too, holds for one interval).
//
// Idempotency: each tick's weight is a function of the progress saved
// before it (the weight published last), never of a counter in memory. A
// tick repeated after a crash publishes the same weight again, which the
// publish path finds already in place and writes as unchanged (no new
// config version): the share never jumps. A tick before the move is due
// (a resume re-running the step early) moves nothing. Pausing is the
// engine's (it holds the wait); a retried attempt starts from the weight
// the release has published, read from the release itself.
func shift(ctx context.Context, t *Tick) Outcome {
	cfg := ConfigOf[ShiftConfig](t)
	if cfg.Weight == nil || *cfg.Weight < 0 || *cfg.Weight > 100 {
		return t.Fail(Msg("shift.weight"), nil)
	}
	immediate := cfg.Mode == ShiftImmediate
	interval := cfg.Interval.D(5 * time.Second)
	p := ProgressOf[shiftProgress](t)
	var recs []Record
	if !p.Started {
		rel, err := releaseNow(ctx, t)
		if err != nil {
			return t.Fail(Msg("shift.failed", "weight", strconv.Itoa(*cfg.Weight), "detail", errDetail(err)), nil)
		}
		from := publishedWeight(rel)
		p = shiftProgress{Started: true, From: from, To: *cfg.Weight, Current: from, ConfigVersion: rel.ConfigVersion}
		recs = append(recs, logRec(t.Step.ID, "info", Msg("shift.start", "to", strconv.Itoa(p.To))), p.traffic(t.Step.ID))
		if !immediate && p.Current != p.To {
			p.Due = t.Now.Add(interval)
			return withRecords(t.Again(p.Due, "timer", p), recs)
		}
	}
	if t.Now.Before(p.Due) {
		return t.Again(p.Due, "timer", p)
	}
	if p.Current != p.To {
		w := nextWeight(p.Current, p.To, cfg.Increment, immediate)
		res, err := publishWeight(ctx, t, w)
		if err != nil {
			return withRecords(t.Fail(Msg("shift.failed", "weight", strconv.Itoa(w), "detail", errDetail(err)), p.result(cfg)), recs)
		}
		p.Current, p.ConfigVersion = w, res.Version
		recs = append(recs, logRec(t.Step.ID, "info", Msg("shift.move", "weight", strconv.Itoa(w))), p.traffic(t.Step.ID))
		if !immediate {
			p.Due = t.Now.Add(interval)
			o := withRecords(t.Again(p.Due, "timer", p), recs)
			o.Traffic = ptr(float64(w))
			return o
		}
	}
	done := Msg("shift.done", "weight", strconv.Itoa(p.To))
	if nextIsMonitor(t) {
		done = Msg("shift.done.monitor")
	}
	recs = append(recs, logRec(t.Step.ID, "info", done))
	o := withRecords(t.Done(Msg("summary.succeeded"), p.result(cfg)), recs)
	o.Traffic = ptr(float64(p.To))
	return o
}

// traffic is the execution page's 当前流量 record: from, to and now.
func (p shiftProgress) traffic(stepID string) Record {
	return Record{Kind: "traffic", Data: switchyard.Shift{StepID: stepID, From: float64(p.From), To: float64(p.To), Current: float64(p.Current)}}
}

func (p shiftProgress) result(cfg ShiftConfig) map[string]any {
	mode := cfg.Mode
	if mode == "" {
		mode = ShiftGradual
	}
	return map[string]any{"from": p.From, "to": p.To, "weight": p.Current, "mode": mode, "configVersion": p.ConfigVersion}
}

// nextWeight is the weight after current on the way to target: the target
// itself for an immediate shift, else inc points closer (default 5).
func nextWeight(current, target, inc int, immediate bool) int {
	if inc <= 0 {
		inc = 5
	}
	switch {
	case immediate:
		return target
	case current < target:
		return min(current+inc, target)
	}
	return max(current-inc, target)
}

// publishedWeight is the new version's share the release has published:
// its basic gray condition's weight while it is RELEASED, else 0 (a new,
// fallen-back, rolled-back or ended release sends nothing to the new
// version by weight).
func publishedWeight(r *switchyard.Release) int {
	if r.State != switchyard.StateReleased || !r.Spec.GrayEnabled {
		return 0
	}
	for _, g := range r.Spec.GrayConditions {
		if strings.TrimSpace(g.Expression) == "" {
			return g.Weight
		}
	}
	return 0
}

// publishWeight executes 执行发布 with the release's saved form and its
// basic gray condition at w (added when missing; the other conditions as
// they are).
func publishWeight(ctx context.Context, t *Tick, w int) (*switchyard.OperationResult, error) {
	rel, err := releaseNow(ctx, t)
	if err != nil {
		return nil, err
	}
	spec := withWeight(rel.Spec, w)
	return t.Env.Releases.Execute(ctx, t.Actor(), rel.Name, switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: &spec})
}

// withWeight is a copy of s with gray enabled and its basic condition at w.
func withWeight(s switchyard.ReleaseSpec, w int) switchyard.ReleaseSpec {
	s.Services = slices.Clone(s.Services)
	s.Header = maps.Clone(s.Header)
	s.GrayConditions = slices.Clone(s.GrayConditions)
	s.GrayEnabled = true
	for i, g := range s.GrayConditions {
		if strings.TrimSpace(g.Expression) == "" {
			s.GrayConditions[i].Weight = w
			return s
		}
	}
	s.GrayConditions = append(s.GrayConditions, switchyard.GrayCondition{Weight: w})
	return s
}

// nextIsMonitor reports whether the step's plain edge leads to a MONITOR.
func nextIsMonitor(t *Tick) bool {
	for _, e := range t.Workflow.Edges {
		if e.From == t.Step.ID && e.When == "" {
			s := t.Workflow.Step(e.To)
			return s != nil && s.Type == switchyard.StepMonitor
		}
	}
	return false
}
