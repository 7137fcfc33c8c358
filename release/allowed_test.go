package release_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// TestAllowedAgreesWithTheOperations walks the whole matrix of state × role
// × lock and, for every operation and action, asks Allowed and then makes
// the attempt the API would make: what Allowed offers succeeds, and what it
// refuses is refused with exactly the error (code, reason, params, message)
// it gave as the reason.
func TestAllowedAgreesWithTheOperations(t *testing.T) {
	e := newEnv(t)
	states := []switchyard.ReleaseState{switchyard.StateNew, switchyard.StateFallback, switchyard.StateReleased, switchyard.StateRolledBack, switchyard.StateEnded}
	actors := []*switchyard.User{admin, alice, carol, vera}
	locks := []string{"none", "own", "elsewhere", "other"}
	actions := []string{"fallback", "release", "rollback", "end", release.ActionEdit, release.ActionDelete, release.ActionLock, release.ActionBreakLock}
	n := 0
	for _, state := range states {
		for _, actor := range actors {
			for _, lock := range locks {
				for _, action := range actions {
					n++
					name := fmt.Sprintf("m-%03d", n)
					t.Run(fmt.Sprintf("%s/%s/lock-%s/%s", stateName(state), actor.Name, lock, action), func(t *testing.T) {
						holder, session := lockHolder(lock, actor)
						v := e.releaseIn(t, name, fmt.Sprintf("app-%03d", n), state, holder, session)
						ctx := release.WithSession(t.Context(), sessionOf(actor))
						got := release.Allowed(ctx, actor, &v.Release, v.Lock)
						if got.LockedByYou != (lock == "own" && state != switchyard.StateEnded) {
							t.Fatalf("lockedByYou = %v with lock %s", got.LockedByYou, lock)
						}
						err := e.attempt(ctx, actor, v, action)
						offered := mayDo(got, action)
						refusal, refused := got.Refusals[action]
						switch {
						case err == nil && !offered:
							t.Fatalf("refused (%+v), but the attempt succeeds", refusal)
						case err != nil && offered:
							t.Fatalf("offered, but the attempt fails: %v", err)
						case err == nil && refused:
							t.Fatalf("offered with a refusal %+v", refusal)
						case err != nil && !sameRefusal(refusal, err):
							t.Fatalf("refusal %+v, the attempt says %v (%s %v)", refusal, err, reasonOf(err), paramsOf(err))
						}
					})
				}
			}
		}
	}
}

// TestAllowedStateOperations: the state machine's operations are listed
// whoever asks; the caller's are a part of them (all of them for an admin
// with no one else's lock, none under someone else's lock).
func TestAllowedStateOperations(t *testing.T) {
	other := &switchyard.ReleaseLock{Release: "r", Holder: "bob", Since: time.Unix(0, 0), ExpiresAt: time.Unix(60, 0)}
	for _, tc := range []struct {
		state switchyard.ReleaseState
		want  []switchyard.Operation
	}{
		{switchyard.StateNew, []switchyard.Operation{"fallback", "release"}},
		{switchyard.StateFallback, []switchyard.Operation{"fallback", "release", "end"}},
		{switchyard.StateReleased, []switchyard.Operation{"fallback", "release", "rollback", "end"}},
		{switchyard.StateRolledBack, []switchyard.Operation{"fallback", "release", "end"}},
		{switchyard.StateEnded, []switchyard.Operation{}},
	} {
		t.Run(stateName(tc.state), func(t *testing.T) {
			r := &switchyard.Release{Name: "r", Group: group, State: tc.state}
			for _, actor := range []*switchyard.User{admin, alice, carol, vera} {
				a := release.Allowed(t.Context(), actor, r, nil)
				if !slices.Equal(a.StateOperations, tc.want) {
					t.Errorf("%s: state operations %v, want %v", actor.Name, a.StateOperations, tc.want)
				}
				for _, op := range a.AllowedOperations {
					if !slices.Contains(a.StateOperations, op) {
						t.Errorf("%s: %s allowed but not by the state", actor.Name, op)
					}
				}
			}
			if a := release.Allowed(t.Context(), admin, r, nil); !slices.Equal(a.AllowedOperations, tc.want) {
				t.Errorf("admin may %v, want %v", a.AllowedOperations, tc.want)
			}
			if a := release.Allowed(t.Context(), admin, r, other); tc.state != switchyard.StateEnded && (len(a.AllowedOperations) != 0 || a.MayEdit || a.MayDelete || a.MayLock || !a.MayBreakLock) {
				t.Errorf("admin under bob's lock: %+v", a)
			}
			if a := release.Allowed(t.Context(), nil, r, nil); len(a.AllowedOperations) != 0 || a.MayEdit || a.MayBreakLock || a.Refusals[release.ActionEdit].Reason != "auth.role" {
				t.Errorf("nobody: %+v", a)
			}
		})
	}
}

func stateName(s switchyard.ReleaseState) string {
	if s == switchyard.StateNew {
		return "NEW"
	}
	return string(s)
}

// sessionOf is the browser session actor calls from in the tests.
func sessionOf(actor *switchyard.User) string { return "session/" + actor.Name + "-1" }

// lockHolder is who holds the lock: none, the actor in the session it calls
// from, the actor in another session, or bob.
func lockHolder(lock string, actor *switchyard.User) (string, string) {
	switch lock {
	case "own":
		return actor.Name, sessionOf(actor)
	case "elsewhere":
		return actor.Name, "session/" + actor.Name + "-2"
	case "other":
		return bob.Name, sessionOf(bob)
	}
	return "", ""
}

// releaseIn creates a release in state, locked by holder in session (""
// none), each on its own app so that their rules do not meet. The lock row
// is written after the state, so an ended release gets one too — as a lease
// racing with the end could leave — and must still hold none.
func (e *env) releaseIn(t *testing.T, name, app string, state switchyard.ReleaseState, holder, session string) *switchyard.ReleaseView {
	t.Helper()
	r, err := e.svc.Create(t.Context(), admin, switchyard.NewRelease{Name: name, Subscription: switchyard.Partial, Group: group, App: app, Spec: spec()})
	if err != nil {
		t.Fatal(err)
	}
	if state != switchyard.StateNew {
		r.State = state
		if err := e.store.UpdateRelease(t.Context(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
	if holder != "" {
		now := e.clock.now()
		if _, err := e.store.AcquireReleaseLock(t.Context(), &switchyard.ReleaseLock{Release: name, Holder: holder, Session: session, ExpiresAt: now.Add(time.Minute)}, now); err != nil {
			t.Fatal(err)
		}
	}
	v, err := e.svc.Get(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != state || (holder != "" && state != switchyard.StateEnded) != (v.Lock != nil) {
		t.Fatalf("set up %s locked by %q: %+v", stateName(state), holder, v)
	}
	return v
}

// attempt makes the call the API makes for action: the route's role check
// (httpapi answers it before the service: operator for every change of a
// release, admin for breaking a lock), then the service.
func (e *env) attempt(ctx context.Context, actor *switchyard.User, v *switchyard.ReleaseView, action string) error {
	need := switchyard.RoleOperator
	if action == release.ActionBreakLock {
		need = switchyard.RoleAdmin
	}
	if !actor.Role.AtLeast(need) {
		return switchyard.Errorf(switchyard.CodeForbidden, "needs the %s role", need).WithReason("auth.role", map[string]string{"role": string(need)})
	}
	switch action {
	case release.ActionEdit:
		_, err := e.svc.Update(ctx, actor, v.Name, switchyard.ReleaseUpdate{Revision: v.Revision})
		return err
	case release.ActionDelete:
		return e.svc.Delete(ctx, actor, v.Name, v.Revision)
	case release.ActionLock:
		_, err := e.svc.Lock(ctx, actor, v.Name)
		return err
	case release.ActionBreakLock:
		_, err := e.svc.BreakLock(ctx, actor, v.Name)
		return err
	}
	_, err := e.svc.Execute(ctx, actor, v.Name, switchyard.OperationRequest{Operation: switchyard.Operation(action), Revision: v.Revision})
	return err
}

func mayDo(a switchyard.ReleaseAccess, action string) bool {
	switch action {
	case release.ActionEdit:
		return a.MayEdit
	case release.ActionDelete:
		return a.MayDelete
	case release.ActionLock:
		return a.MayLock
	case release.ActionBreakLock:
		return a.MayBreakLock
	}
	return slices.Contains(a.AllowedOperations, switchyard.Operation(action))
}

// sameRefusal reports whether r is the error err: same code, reason and
// params, and (from the service) the same message.
func sameRefusal(r switchyard.Refusal, err error) bool {
	var e *switchyard.Error
	if !errors.As(err, &e) || r.Code != e.Code || r.Reason != e.Reason || !maps.Equal(r.Params, e.Params) {
		return false
	}
	return e.Reason == "auth.role" || r.Message == e.Message // the route's wording is httpapi's
}

func reasonOf(err error) string {
	var e *switchyard.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

func paramsOf(err error) map[string]string {
	var e *switchyard.Error
	if errors.As(err, &e) {
		return e.Params
	}
	return nil
}
