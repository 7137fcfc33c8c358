package release

import (
	"context"
	"time"

	"github.com/switchyard-io/switchyard"
)

// lockedBy is the refusal of an operation while someone else holds the lock.
func lockedBy(l *switchyard.ReleaseLock) error {
	return switchyard.Errorf(switchyard.CodeConflict, "release %q is being operated by %s since %s (lock until %s); wait, or ask an admin to break the lock",
		l.Release, l.Holder, l.Since.Format(time.RFC3339), l.ExpiresAt.Format(time.RFC3339)).
		WithReason("release.locked", map[string]string{"holder": l.Holder, "since": l.Since.Format(time.RFC3339)})
}

// hold takes or renews the lock for actor: operating a release needs it.
func (s *Service) hold(ctx context.Context, actor *switchyard.User, name string) (*switchyard.ReleaseLock, error) {
	now := s.Now()
	l, err := s.Store.AcquireReleaseLock(ctx, &switchyard.ReleaseLock{Release: name, Holder: actor.Name, ExpiresAt: now.Add(s.LockTTL)}, now)
	if switchyard.IsCode(err, switchyard.CodeConflict) && l != nil {
		return nil, lockedBy(l)
	}
	return l, err
}

// Lock takes or renews the operating lock (打开发布 renews it while the page
// is open). Viewers cannot lock; members of the group and admins can.
func (s *Service) Lock(ctx context.Context, actor *switchyard.User, name string) (*switchyard.ReleaseLock, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return nil, err
	}
	return s.hold(ctx, actor, name)
}

// Unlock gives the lock up (only its holder can).
func (s *Service) Unlock(ctx context.Context, actor *switchyard.User, name string) error {
	if _, err := s.Store.FindRelease(ctx, name); err != nil {
		return err
	}
	return s.Store.ReleaseReleaseLock(ctx, name, actor.Name)
}

// BreakLock removes anyone's lock (admins only; the API audits it) and
// returns the lock that was broken (nil if none).
func (s *Service) BreakLock(ctx context.Context, actor *switchyard.User, name string) (*switchyard.ReleaseLock, error) {
	if actor == nil || actor.Role != switchyard.RoleAdmin {
		return nil, switchyard.Errorf(switchyard.CodeForbidden, "only admins may break a release lock").WithReason("auth.role", map[string]string{"role": "admin"})
	}
	if _, err := s.Store.FindRelease(ctx, name); err != nil {
		return nil, err
	}
	l, err := s.Store.FindReleaseLock(ctx, name, s.Now())
	if err != nil {
		return nil, err
	}
	return l, s.Store.ReleaseReleaseLock(ctx, name, "")
}
