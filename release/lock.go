package release

import (
	"context"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The operating lock (seed 003: "同一时刻只能由一个人操作") belongs to one
// browser session or API token of one user, not to the account: the same
// user in a second browser is told the release is being operated in their
// other session. A system actor (a workflow execution, the reconciler) has
// no session and holds the lock by its name. An ended release holds no
// lock: ending it drops the lock (the store does, in the transaction that
// saves it), nobody takes one on it, and Get and List never show one.

type sessionKey struct{}

// WithSession returns ctx carrying the caller's session: "session/<id>" for
// a browser session, "token/<id>" for an API token (httpapi sets it for
// every call). The lock code reads it; system actors ignore it.
func WithSession(ctx context.Context, session string) context.Context {
	return context.WithValue(ctx, sessionKey{}, session)
}

// SessionOf returns the session WithSession put in ctx ("" if none).
func SessionOf(ctx context.Context) string {
	s, _ := ctx.Value(sessionKey{}).(string)
	return s
}

// holder is who takes or holds a lock: a user in one session, or a system
// actor by name.
type holder struct {
	name, session, shown string
}

func holderOf(ctx context.Context, actor *switchyard.User) holder {
	if actor == nil {
		return holder{}
	}
	h := holder{name: actor.Name, shown: actor.DisplayName}
	if !IsSystem(actor) {
		h.session = SessionOf(ctx)
	}
	return h
}

func (h holder) lock(name string, expires time.Time) *switchyard.ReleaseLock {
	return &switchyard.ReleaseLock{Release: name, Holder: h.name, HolderName: h.shown, Session: h.session, ExpiresAt: expires}
}

// ownLock reports whether l is the caller's own lock.
func ownLock(ctx context.Context, actor *switchyard.User, l *switchyard.ReleaseLock) bool {
	h := holderOf(ctx, actor)
	return actor != nil && l.HeldBy(h.name, h.session)
}

// notLockedByOther refuses while anyone but the caller's own session holds
// the lock (taking it, as the operations and Update do, or deleting or
// publishing under it).
func notLockedByOther(ctx context.Context, actor *switchyard.User, l *switchyard.ReleaseLock) error {
	if l == nil || ownLock(ctx, actor, l) {
		return nil
	}
	if actor != nil && l.Holder == actor.Name && !IsSystem(actor) {
		return lockedElsewhere(l)
	}
	return lockedBy(l)
}

// CheckLock is the lock check for code outside this package that acts on a
// release (starting a workflow execution): nil when l is nil or the
// caller's own (the same user in the same session, or the same system
// actor); otherwise the conflict the operations give (release.locked, or
// release.locked.session for the caller's other session).
func CheckLock(ctx context.Context, actor *switchyard.User, l *switchyard.ReleaseLock) error {
	return notLockedByOther(ctx, actor, l)
}

// lockedBy is the refusal of an operation while someone else holds the lock.
func lockedBy(l *switchyard.ReleaseLock) error {
	return switchyard.Errorf(switchyard.CodeConflict, "release %q is being operated by %s since %s (lock until %s); wait, or ask an admin to break the lock",
		l.Release, l.Holder, l.Since.Format(time.RFC3339), l.ExpiresAt.Format(time.RFC3339)).
		WithReason("release.locked", map[string]string{"holder": l.Shown(), "user": l.Holder, "since": l.Since.Format(time.RFC3339)})
}

// lockedElsewhere is the refusal when the caller holds the lock in another
// browser session or with an API token: one place operates a release.
func lockedElsewhere(l *switchyard.ReleaseLock) error {
	return switchyard.Errorf(switchyard.CodeConflict, "you are operating release %q in another session since %s (lock until %s); close it there, or wait until the lock expires",
		l.Release, l.Since.Format(time.RFC3339), l.ExpiresAt.Format(time.RFC3339)).
		WithReason("release.locked.session", map[string]string{"holder": l.Shown(), "user": l.Holder, "since": l.Since.Format(time.RFC3339)})
}

// ended is the refusal of anything but deletion on an ended release.
func ended(name string) error {
	return switchyard.Errorf(switchyard.CodeConflict, "release %q has ended; it can only be deleted", name).WithReason("release.ended", nil)
}

// hold takes or renews the lock for actor (in the caller's session) for
// ttl: operating a release needs it.
// A renewal never shortens the holder's own longer lease: an operation a
// workflow execution runs (renewing for LockTTL) leaves the lease its
// HoldFor took for the whole run.
func (s *Service) hold(ctx context.Context, actor *switchyard.User, name string, ttl time.Duration) (*switchyard.ReleaseLock, error) {
	now := s.Now()
	h := holderOf(ctx, actor)
	expires := now.Add(ttl)
	cur, err := s.Store.FindReleaseLock(ctx, name, now)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.HeldBy(h.name, h.session) && cur.ExpiresAt.After(expires) {
		expires = cur.ExpiresAt
	}
	l, err := s.Store.AcquireReleaseLock(ctx, h.lock(name, expires), now)
	if switchyard.IsCode(err, switchyard.CodeConflict) && l != nil {
		return nil, notLockedByOther(ctx, actor, l)
	}
	return l, err
}

// lockOf returns the lock of r as people see it: none on an ended release
// (a lease taken by a race with the end is left to expire, and binds
// nobody).
func (s *Service) lockOf(ctx context.Context, r *switchyard.Release) (*switchyard.ReleaseLock, error) {
	if r.State == switchyard.StateEnded {
		return nil, nil
	}
	return s.Store.FindReleaseLock(ctx, r.Name, s.Now())
}

// Lock takes or renews the operating lock (打开发布 renews it while the page
// is open) for the caller's session. Viewers cannot lock; members of the
// group and admins can; nobody locks an ended release.
func (s *Service) Lock(ctx context.Context, actor *switchyard.User, name string) (*switchyard.ReleaseLock, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return nil, err
	}
	if r.State == switchyard.StateEnded {
		return nil, ended(name)
	}
	return s.hold(ctx, actor, name, s.LockTTL)
}

// HoldFor takes or renews the operating lock for actor for ttl: a workflow
// execution holds its release's lock for its whole run, renewing it at
// every advance, so nobody operates the release under it. A system actor
// holds it by name. An ended release holds no lock: HoldFor takes none and
// returns (nil, nil), since there is nothing left to operate.
func (s *Service) HoldFor(ctx context.Context, actor *switchyard.User, name string, ttl time.Duration) (*switchyard.ReleaseLock, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return nil, err
	}
	if r.State == switchyard.StateEnded {
		return nil, nil
	}
	return s.hold(ctx, actor, name, ttl)
}

// Unlock gives the lock up. Only its holder can, from the session that
// holds it: someone else's lock (or the caller's own from another session)
// is a conflict naming the holder (an admin breaks it instead); no lock at
// all, or an ended release, is nothing to do.
func (s *Service) Unlock(ctx context.Context, actor *switchyard.User, name string) error {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return err
	}
	h := holderOf(ctx, actor)
	if r.State == switchyard.StateEnded {
		return s.Store.ReleaseReleaseLock(ctx, name, h.name, h.session)
	}
	l, err := s.Store.FindReleaseLock(ctx, name, s.Now())
	if err != nil {
		return err
	}
	if err := notLockedByOther(ctx, actor, l); err != nil {
		return err
	}
	return s.Store.ReleaseReleaseLock(ctx, name, h.name, h.session)
}

// BreakLock removes anyone's lock (admins only; the API audits it) and
// returns the lock that was broken (nil if none).
func (s *Service) BreakLock(ctx context.Context, actor *switchyard.User, name string) (*switchyard.ReleaseLock, error) {
	if err := mayBreakLocks(actor); err != nil {
		return nil, err
	}
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	l, err := s.lockOf(ctx, r)
	if err != nil {
		return nil, err
	}
	return l, s.Store.ReleaseReleaseLock(ctx, name, "", "")
}

// Status is what an open release page polls: the revision, the state and
// the lock, and whether the lock is the caller's own.
func (s *Service) Status(ctx context.Context, actor *switchyard.User, name string) (*switchyard.ReleaseStatus, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	l, err := s.lockOf(ctx, r)
	if err != nil {
		return nil, err
	}
	return &switchyard.ReleaseStatus{Name: r.Name, Revision: r.Revision, State: r.State, Lock: l, LockedByYou: l != nil && ownLock(ctx, actor, l),
		Rollout: s.Rollouts.progressOf(r.Name)}, nil
}
