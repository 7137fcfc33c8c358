package workflow

import (
	"context"
	"time"

	"github.com/switchyard-io/switchyard"
)

// preCheckItem is one check of a PRE_CHECK and what it found.
type preCheckItem struct {
	Check  string              `json:"check"`
	Name   *switchyard.Message `json:"name"`
	OK     bool                `json:"ok"`
	Detail *switchyard.Message `json:"detail,omitempty"`
}

// preCheck is PRE_CHECK (发布前检查): the release exists and has not ended,
// lists its services, each has an instance online, the rule at its key
// reads, and its lock is free or held by this execution. Every check runs
// and is in the result; the step fails naming the first that failed.
//
// Idempotency: it only reads.
func preCheck(ctx context.Context, t *Tick) Outcome {
	var items []preCheckItem
	add := func(check string, name, failed *switchyard.Message) {
		items = append(items, preCheckItem{Check: check, Name: name, OK: failed == nil, Detail: failed})
	}
	view, err := t.Env.Releases.Get(ctx, t.Release.Name)
	switch {
	case err != nil:
		add("release", Msg("precheck.release"), Msg("reason.internal", "detail", errDetail(err)))
	case view.State == switchyard.StateEnded:
		add("release", Msg("precheck.release"), Msg("precheck.ended"))
	default:
		add("release", Msg("precheck.release"), nil)
	}
	if view != nil {
		rel := &view.Release
		add("services", Msg("precheck.services"), servicesListed(rel))
		add("instances", Msg("precheck.instances"), instancesOnline(ctx, t, rel.Spec.Services))
		var ruleErr *switchyard.Message
		if _, err := t.Env.Releases.StoredRule(ctx, rel.Key()); err != nil {
			ruleErr = Msg("reason.internal", "detail", errDetail(err))
		}
		add("rule", Msg("precheck.rule", "key", rel.Key().String()), ruleErr)
		var lockErr *switchyard.Message
		if l := view.Lock; l != nil && l.Holder != t.Actor().Name {
			lockErr = Msg("precheck.locked", "holder", l.Holder, "until", l.ExpiresAt.Format(time.RFC3339))
		}
		add("lock", Msg("precheck.lock"), lockErr)
	}
	res := map[string]any{"checks": items}
	for _, it := range items {
		if !it.OK {
			return t.Fail(msgWith("precheck.failed", map[string]*switchyard.Message{"check": it.Name, "detail": it.Detail}), res)
		}
	}
	return t.Done(Msg("summary.passed"), res)
}

func servicesListed(r *switchyard.Release) *switchyard.Message {
	if len(r.Spec.Services) == 0 {
		return Msg("precheck.no_services")
	}
	return nil
}

// instancesOnline names the first service without an instance online.
func instancesOnline(ctx context.Context, t *Tick, services []string) *switchyard.Message {
	for _, svc := range services {
		list, err := t.Env.Registry.Instances(ctx, svc)
		if err != nil {
			return Msg("reason.internal", "detail", errDetail(err))
		}
		if len(list) == 0 {
			return Msg("precheck.offline", "service", svc)
		}
	}
	return nil
}
