package release

import (
	"context"
	"fmt"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Reconciled is what Reconcile did with one intent left by a process that
// stopped mid-publish.
type Reconciled struct {
	Intent  *switchyard.PublishIntent
	Outcome string // "finished": the write had landed; "undone": it had not
	Version int64  // the config version the key is at
}

// Reconcile finishes or undoes every publish intent recorded before
// olderThan ago. An intent is left when a process stopped between
// recording it and completing it:
//   - the write landed (the key holds what the intent wrote): the change is
//     finished — the release is saved with its history entry saying it was
//     completed on restart;
//   - the write did not land (or was put back): nothing took effect; a
//     release gets a history entry saying the operation was interrupted and
//     nothing changed.
//
// Either way the release and the config center agree afterwards, and the
// audit log has a system entry. A single server (SQLite, which locks its
// data directory) reconciles everything at start (olderThan 0); replicas
// sharing PostgreSQL reconcile intents older than a publish can take.
func (s *Service) Reconcile(ctx context.Context, olderThan time.Duration) ([]Reconciled, error) {
	list, err := s.Store.PublishIntents(ctx, s.Now().Add(-olderThan+time.Millisecond))
	if err != nil {
		return nil, err
	}
	var out []Reconciled
	for _, in := range list {
		r, err := s.reconcile(ctx, in)
		if err != nil {
			return out, fmt.Errorf("reconcile publish %s of %s: %w", in.ID, in.Key, err)
		}
		out = append(out, *r)
		s.Logger.WarnContext(ctx, "publish reconciled after a restart", "key", in.Key.String(), "action", in.Action, "actor", in.Actor, "outcome", r.Outcome, "version", r.Version)
	}
	return out, nil
}

// RunReconciler reconciles intents older than olderThan every interval
// until ctx ends: replicas sharing a store finish what a dead one left.
func (s *Service) RunReconciler(ctx context.Context, every, olderThan time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Reconcile(ctx, olderThan); err != nil && ctx.Err() == nil {
				s.Logger.WarnContext(ctx, "reconcile interrupted publishes", "err", err)
			}
		}
	}
}

// reconcileActor is who the reconciler's history and audit entries name.
const reconcileActor = "system/reconciler"

func (s *Service) reconcile(ctx context.Context, in *switchyard.PublishIntent) (*Reconciled, error) {
	cur, err := s.Config.Get(ctx, in.Key)
	if err != nil {
		return nil, unavailable("read the rule at "+in.Key.String(), err)
	}
	landed, err := s.landed(ctx, in, cur)
	if err != nil {
		return nil, err
	}
	out := &Reconciled{Intent: in, Outcome: "undone", Version: cur.Version}
	if landed > 0 {
		out.Outcome = "finished"
	}
	actor := SystemActor(reconcileActor)
	detail := fmt.Sprintf("%s by %s at %s: ", in.Action, in.Actor, in.At.Format(time.RFC3339))
	if in.Release == nil {
		if landed > 0 {
			detail += fmt.Sprintf("the write had landed (version %d); the server stopped before completing it", landed)
		} else {
			detail += "interrupted before the write landed; nothing changed"
		}
		err := s.Store.FinishPublishIntent(ctx, in.ID, nil, nil)
		s.auditSystem(ctx, actor, "config.reconcile", "config/"+in.Key.String(), detail, err)
		return out, err
	}
	rel, h, err := s.reconciledRelease(ctx, in, cur, landed)
	if err != nil {
		return nil, err
	}
	err = s.Store.FinishPublishIntent(ctx, in.ID, rel, h)
	s.auditSystem(ctx, actor, "release.reconcile", "release/"+in.Release.Name, detail+h.Detail, err)
	return out, err
}

// landed returns the config version at which the intent's write landed, or
// 0 if it did not: the key holds what the intent wrote at a version after
// the one it was based on. A later writer may have changed the key since;
// then the history tells whether the intent's own version is there.
func (s *Service) landed(ctx context.Context, in *switchyard.PublishIntent, cur *switchyard.ConfigEntry) (int64, error) {
	if cur.Version <= in.Before.Version {
		return 0, nil
	}
	holds := func(e *switchyard.ConfigEntry) bool {
		if in.Delete {
			return e.Deleted
		}
		return !e.Deleted && e.Content == in.Content
	}
	if cur.Version == in.Before.Version+1 {
		if holds(cur) {
			return cur.Version, nil
		}
		return 0, nil
	}
	hist, err := s.Config.History(ctx, in.Key, int(min(cur.Version-in.Before.Version, 1000)))
	if err != nil {
		return 0, unavailable("read the history of "+in.Key.String(), err)
	}
	for _, e := range hist {
		if e.Version == in.Before.Version+1 && holds(e) {
			return e.Version, nil
		}
	}
	return 0, nil
}

// reconciledRelease is the release and history entry that bring a release
// in step with its key after an interrupted operation.
func (s *Service) reconciledRelease(ctx context.Context, in *switchyard.PublishIntent, cur *switchyard.ConfigEntry, landed int64) (*switchyard.Release, *switchyard.ReleaseHistory, error) {
	stored, err := s.Store.FindRelease(ctx, in.Release.Name)
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	h := *in.History
	h.ID, h.At, h.By = "", now, reconcileActor
	if landed > 0 {
		rel := *in.Release
		rel.Revision = stored.Revision
		rel.ConfigVersion, h.ConfigVersion, h.XML = landed, landed, in.Content
		h.Detail = fmt.Sprintf("completed on restart: %s's operation had published version %d when the server stopped, before the release was saved", in.Actor, landed)
		if cur.Version != landed {
			h.Detail += fmt.Sprintf("; the key has changed since (now version %d)", cur.Version)
		}
		return &rel, &h, nil
	}
	rel := *stored
	if cur.Version != rel.ConfigVersion && sameContent(cur, &in.Before) {
		// A put-back wrote the previous text again as a new version.
		rel.ConfigVersion = cur.Version
	}
	h.StateBefore, h.StateAfter, h.Type, h.XML, h.ConfigVersion = stored.State, stored.State, stored.Type, cur.Content, cur.Version
	h.Detail = fmt.Sprintf("interrupted: the server stopped before %s's operation published; nothing changed", in.Actor)
	return &rel, &h, nil
}

func sameContent(a, b *switchyard.ConfigEntry) bool {
	if a.Deleted || a.Version == 0 {
		return b.Deleted || b.Version == 0
	}
	return !b.Deleted && b.Version > 0 && a.Content == b.Content
}
