package release

import (
	"context"
	"errors"
	"maps"

	"github.com/switchyard-io/switchyard"
)

// The actions of a release besides its operations, as keys of
// ReleaseAccess.Refusals.
const (
	ActionEdit      = "edit"      // Update: save the form
	ActionDelete    = "delete"    // Delete
	ActionLock      = "lock"      // Lock: take or renew the operating lock
	ActionBreakLock = "breakLock" // BreakLock
)

// Operations are the operations in the order of the console's buttons
// (执行兜底, 执行发布, 执行回滚, 结束发布).
var Operations = []switchyard.Operation{switchyard.OpFallback, switchyard.OpRelease, switchyard.OpRollback, switchyard.OpEnd}

// Allowed works out what actor, calling in the session ctx carries
// (WithSession), may do with release r now, given its lock (nil: none, or
// expired), so the console offers what the API accepts and says why it
// refuses the rest. It asks the checks the operations themselves make, in
// their order — the caller's role as the API routes check it, then the
// group (mayOperate), the state (Next, ended, deletable) and the lock
// (lockedBy, or lockedElsewhere for the caller's own other session) — and
// keeps each refusal as the error the attempt would get.
func Allowed(ctx context.Context, actor *switchyard.User, r *switchyard.Release, lock *switchyard.ReleaseLock) switchyard.ReleaseAccess {
	a := switchyard.ReleaseAccess{StateOperations: []switchyard.Operation{}, AllowedOperations: []switchyard.Operation{}, Refusals: map[string]switchyard.Refusal{}}
	// first records the first of errs (the checks in the order the action
	// makes them) as the refusal of action and reports whether there is none.
	first := func(action string, errs ...error) bool {
		for _, err := range errs {
			if err != nil {
				a.Refusals[action] = refusalOf(err)
				return false
			}
		}
		return true
	}
	if r.State == switchyard.StateEnded {
		lock = nil // an ended release holds no lock
	}
	role := permitted(actor, r.Group)
	free := notLockedByOther(ctx, actor, lock)
	a.LockedByYou = lock != nil && free == nil
	for _, op := range Operations {
		_, transition := Next(r.State, op)
		if transition == nil {
			a.StateOperations = append(a.StateOperations, op)
		}
		if first(string(op), role, free, transition) {
			a.AllowedOperations = append(a.AllowedOperations, op)
		}
	}
	a.MayEdit = first(ActionEdit, role, editable(r), free)
	a.MayDelete = first(ActionDelete, role, deletable(r), free)
	a.MayLock = first(ActionLock, role, editable(r), free)
	a.MayBreakLock = first(ActionBreakLock, mayBreakLocks(actor))
	return a
}

// permitted is the permission check of a change to a release of group as
// the API makes it: the route's role first (operator; httpapi answers
// auth.role before the service runs), then the group (mayOperate).
func permitted(actor *switchyard.User, group string) error {
	if actor == nil || !actor.Role.AtLeast(switchyard.RoleOperator) {
		role := switchyard.Role("nobody")
		if actor != nil {
			role = actor.Role
		}
		return switchyard.Errorf(switchyard.CodeForbidden, "changing a release needs the operator role; you are %s", role).
			WithReason("auth.role", map[string]string{"role": string(switchyard.RoleOperator)})
	}
	return mayOperate(actor, group)
}

// mayBreakLocks is BreakLock's check: admins only.
func mayBreakLocks(actor *switchyard.User) error {
	if actor == nil || actor.Role != switchyard.RoleAdmin {
		return switchyard.Errorf(switchyard.CodeForbidden, "only admins may break a release lock").WithReason("auth.role", map[string]string{"role": "admin"})
	}
	return nil
}

// editable is Update's state check: an ended release can only be deleted.
func editable(r *switchyard.Release) error {
	if r.State == switchyard.StateEnded {
		return ended(r.Name)
	}
	return nil
}

// deletable is Delete's state check: only a release that ended or never
// executed (nothing of it is live).
func deletable(r *switchyard.Release) error {
	if r.State != switchyard.StateEnded && r.State != switchyard.StateNew {
		return switchyard.Errorf(switchyard.CodeConflict, "release %q is in state %s; only an ended (结束) or never executed release can be deleted", r.Name, r.State).
			WithReason("release.delete.state", map[string]string{"state": string(r.State)})
	}
	return nil
}

// refusalOf is the refusal an error of the checks above makes.
func refusalOf(err error) switchyard.Refusal {
	var e *switchyard.Error
	if !errors.As(err, &e) { // the checks above return *switchyard.Error; keep the enum of Refusal.Code
		return switchyard.Refusal{Code: switchyard.CodeConflict, Message: err.Error()}
	}
	return switchyard.Refusal{Code: e.Code, Message: e.Message, Reason: e.Reason, Params: maps.Clone(e.Params)}
}
