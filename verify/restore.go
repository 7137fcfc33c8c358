package verify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// The rule before a simulation and the release locks it holds.
//
// The rule at the key is recorded in the run (Original) before anything is
// changed, and put back at the end through the same publish path, whatever
// ended the run: the last phase, a failed assertion, an error, an abort, a
// server shutting down, or the next server recovering the run of a dead
// one. If someone else changed the key after the simulation's last change
// (the config center's current version is neither the simulation's last
// write nor written by its actor), their change is newer intent: it is left
// as it is and the restore is "skipped", naming who changed it. A change by
// someone else between two phases makes the next phase's compare-and-set
// fail, so the simulation stops there.

// snapshot records the rule at key now.
func (s *Service) snapshot(ctx context.Context, key switchyard.ConfigKey) (*switchyard.RuleSnapshot, error) {
	e, err := s.Releases.Config.Get(ctx, key)
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot read the rule at %s before the simulation: %v; nothing was changed", key, err).WithCause(err)
	}
	return &switchyard.RuleSnapshot{Key: key, Content: e.Content, Format: e.Format, Version: e.Version, Deleted: e.Deleted}, nil
}

// restore puts the original rule back (see above).
func (s *Service) restore(ctx context.Context, actor *switchyard.User, sim *switchyard.SimulationRun) *switchyard.RestoreOutcome {
	orig := sim.Original
	out := func(status string, version int64, key, format string, args ...any) *switchyard.RestoreOutcome {
		return &switchyard.RestoreOutcome{Status: status, Version: version, At: s.now(),
			Message: &switchyard.Message{Key: "verify.restore." + key, Params: map[string]string{"key": orig.Key.String(), "version": strconv.FormatInt(version, 10)},
				Text: fmt.Sprintf(format, args...)}}
	}
	cur, err := s.Releases.Config.Get(ctx, orig.Key)
	if err != nil {
		return out("failed", 0, "failed", "cannot read the rule at %s to put the previous one back: %v; it may still be the simulation's (version %d) — check it", orig.Key, err, sim.Written)
	}
	absent := func(deleted bool, version int64) bool { return deleted || version == 0 }
	if cur.Version == orig.Version || absent(cur.Deleted, cur.Version) && absent(orig.Deleted, orig.Version) ||
		!absent(cur.Deleted, cur.Version) && !absent(orig.Deleted, orig.Version) && cur.Content == orig.Content {
		return out("unchanged", cur.Version, "unchanged", "the rule at %s is the one in effect before the simulation (version %d)", orig.Key, cur.Version)
	}
	ours := sim.Written > 0 && cur.Version == sim.Written || cur.UpdatedBy == actor.Name
	if !ours {
		o := out("skipped", cur.Version, "skipped", "the rule at %s was changed by %s (version %d) after the simulation's last change; their change was kept, the rule before the simulation (version %d) was not put back",
			orig.Key, cur.UpdatedBy, cur.Version, orig.Version)
		o.Message.Params["user"] = cur.UpdatedBy
		return o
	}
	text := &release.Text{Content: orig.Content, Format: orig.Format}
	if absent(orig.Deleted, orig.Version) {
		text = &release.Text{Delete: true}
	}
	pub, err := s.Releases.Publish(ctx, actor, release.Change{Key: orig.Key, Action: "verify.simulation.restore", IfVersion: cur.Version,
		Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return text, nil }})
	if err != nil {
		s.Logger.ErrorContext(ctx, "put the rule back after a simulation", "key", orig.Key.String(), "err", err)
		return out("failed", cur.Version, "failed", "the rule before the simulation (version %d) could not be put back at %s: %v; version %d is the simulation's — check it",
			orig.Version, orig.Key, err, cur.Version)
	}
	return out("restored", pub.Version, "restored", "the rule in effect before the simulation (version %d) is back at %s as version %d", orig.Version, orig.Key, pub.Version)
}

// lockHolder is the simulation's lock on a release.
func (r *run) lockHolder(name string, now time.Time) *switchyard.ReleaseLock {
	return &switchyard.ReleaseLock{Release: name, Holder: r.actor.Name, HolderName: r.actor.DisplayName, ExpiresAt: now.Add(r.s.LeaseTTL * 2)}
}

// keyReleases are the releases (not ended) whose rule is at key.
func (s *Service) keyReleases(ctx context.Context, key switchyard.ConfigKey) ([]*switchyard.Release, error) {
	list, err := s.Store.FindReleases(ctx, switchyard.ReleaseFilter{Group: key.Group})
	if err != nil {
		return nil, err
	}
	var out []*switchyard.Release
	for _, r := range list {
		if r.Key() == key && r.State != switchyard.StateEnded {
			out = append(out, r)
		}
	}
	return out, nil
}

// refuseOperated refuses a simulation of key while someone operates a
// release of that key (its lock is held): the simulation would change the
// rule under their hands.
func (s *Service) refuseOperated(ctx context.Context, key switchyard.ConfigKey, actor *switchyard.User) error {
	rels, err := s.keyReleases(ctx, key)
	if err != nil {
		return err
	}
	for _, rel := range rels {
		l, err := s.Store.FindReleaseLock(ctx, rel.Name, s.now())
		if err != nil {
			return err
		}
		if l != nil && l.Holder != actor.Name {
			return lockedRelease(rel.Name, l, key)
		}
	}
	return nil
}

func lockedRelease(name string, l *switchyard.ReleaseLock, key switchyard.ConfigKey) error {
	return switchyard.Errorf(switchyard.CodeConflict, "release %q is being operated by %s since %s; a simulation of %s would change its rule — wait until they are done",
		name, l.Shown(), l.Since.Format(time.RFC3339), key).
		WithReason("verify.release.locked", map[string]string{"release": name, "holder": l.Shown(), "user": l.Holder, "since": l.Since.Format(time.RFC3339)})
}

// holdLocks takes (or renews) the operating lock of every release of the
// simulation's key, so nobody operates them while the simulation changes
// their rule. It returns the refusal when someone else holds one.
func (r *run) holdLocks(ctx context.Context) error {
	now := r.s.now()
	for _, name := range r.sim.Locks {
		if l, err := r.s.Store.AcquireReleaseLock(ctx, r.lockHolder(name, now), now); err != nil {
			if switchyard.IsCode(err, switchyard.CodeConflict) && l != nil {
				return lockedRelease(name, l, r.sim.Original.Key)
			}
			r.s.Logger.WarnContext(ctx, "renew a release lock for a simulation", "release", name, "err", err)
		}
	}
	return nil
}

// releaseLocks lets the releases' locks go.
func (r *run) releaseLocks(ctx context.Context) {
	for _, name := range r.sim.Locks {
		if err := r.s.Store.ReleaseReleaseLock(ctx, name, r.actor.Name, ""); err != nil && !switchyard.IsCode(err, switchyard.CodeNotFound) {
			r.s.Logger.WarnContext(ctx, "release a release lock after a simulation", "release", name, "err", err)
		}
	}
}
