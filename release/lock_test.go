package release_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// in is ctx for a call made from session (a browser session or a token).
func in(t *testing.T, session string) context.Context {
	return release.WithSession(t.Context(), session)
}

func reasonIs(t *testing.T, what string, err error, reason string, params map[string]string) {
	t.Helper()
	se := switchyard.AsError(err)
	if se == nil || se.Code != switchyard.CodeConflict || se.Reason != reason {
		t.Fatalf("%s: %v; want a conflict %s", what, err, reason)
	}
	for k, v := range params {
		if se.Params[k] != v {
			t.Fatalf("%s: params %v; want %s=%q", what, se.Params, k, v)
		}
	}
}

// TestLockBelongsToOneSession: the lock is one browser session's (or one
// API token's) of one user. The same user in a second browser, or with the
// CLI's token, is told they operate the release in another session — for
// taking the lock, saving, every operation, config writes to its key,
// giving it up and deleting — and may once the first session lets go.
func TestLockBelongsToOneSession(t *testing.T) {
	e := newEnv(t)
	zhang := &switchyard.User{Name: "zhangsan", DisplayName: "张三", Role: switchyard.RoleOperator, Groups: []string{group}}
	r := e.create(t, "r", zhang)
	first, second, cli := in(t, "session/zs-1"), in(t, "session/zs-2"), in(t, "token/zs-cli")
	l, err := e.svc.Lock(first, zhang, "r")
	if err != nil || l.Holder != "zhangsan" || l.HolderName != "张三" {
		t.Fatalf("lock: %+v, %v", l, err)
	}
	if l, err := e.svc.Lock(first, zhang, "r"); err != nil || !l.Since.Equal(e.clock.now()) {
		t.Fatalf("the same session renews: %+v, %v", l, err)
	}
	since := e.clock.now().Format(time.RFC3339)
	elsewhere := map[string]string{"holder": "张三", "user": "zhangsan", "since": since}
	for _, other := range []context.Context{second, cli, t.Context()} {
		_, err := e.svc.Lock(other, zhang, "r")
		reasonIs(t, "lock from another session", err, "release.locked.session", elsewhere)
		if !strings.Contains(err.Error(), "in another session since "+since) {
			t.Fatalf("the message must say where: %v", err)
		}
		_, err = e.svc.Update(other, zhang, "r", switchyard.ReleaseUpdate{Revision: r.Revision})
		reasonIs(t, "save from another session", err, "release.locked.session", elsewhere)
		_, err = e.svc.Execute(other, zhang, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback})
		reasonIs(t, "fallback from another session", err, "release.locked.session", elsewhere)
		_, err = e.svc.Publish(other, zhang, release.Change{Key: r.Key(), Action: "config.put", IfVersion: -1,
			Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Content: "<rule/>"}, nil }})
		reasonIs(t, "a config write from another session", err, "release.locked.session", elsewhere)
		reasonIs(t, "unlock from another session", e.svc.Unlock(other, zhang, "r"), "release.locked.session", elsewhere)
		reasonIs(t, "delete from another session", e.svc.Delete(other, zhang, "r", 0), "release.locked.session", elsewhere)
		if a := release.Allowed(other, zhang, r, l); a.LockedByYou || a.MayEdit || a.MayLock || len(a.AllowedOperations) != 0 || a.Refusals["edit"].Reason != "release.locked.session" {
			t.Fatalf("Allowed from another session: %+v", a)
		}
	}
	if err := release.CheckLock(first, zhang, l); err != nil {
		t.Fatalf("CheckLock for the holding session: %v", err)
	}
	reasonIs(t, "CheckLock from another session", release.CheckLock(second, zhang, l), "release.locked.session", elsewhere)
	if a := release.Allowed(first, zhang, r, l); !a.LockedByYou || !a.MayEdit || !a.MayLock {
		t.Fatalf("Allowed for the holding session: %+v", a)
	}
	// Someone else is told who, by display name.
	_, err = e.svc.Lock(in(t, "session/bob-1"), bob, "r")
	reasonIs(t, "bob", err, "release.locked", map[string]string{"holder": "张三", "user": "zhangsan"})
	if st, err := e.svc.Status(second, zhang, "r"); err != nil || st.LockedByYou || st.Lock == nil || st.Lock.Holder != "zhangsan" || st.Revision != r.Revision {
		t.Fatalf("status from another session: %+v, %v", st, err)
	}
	if st, _ := e.svc.Status(first, zhang, "r"); !st.LockedByYou {
		t.Fatalf("status from the holding session: %+v", st)
	}
	// The holding session operates and lets go; then the other may.
	if _, err := e.svc.Execute(first, zhang, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Unlock(first, zhang, "r"); err != nil {
		t.Fatal(err)
	}
	if l, err := e.svc.Lock(second, zhang, "r"); err != nil || l.Session != "session/zs-2" {
		t.Fatalf("the second session after the first let go: %+v, %v", l, err)
	}
	reasonIs(t, "the first session now", func() error { _, err := e.svc.Lock(first, zhang, "r"); return err }(), "release.locked.session", nil)
}

// TestSystemActorsHoldTheLockByName: a workflow execution has no session; it
// holds, renews and gives up the lock by its name whatever context it
// calls from, and people are refused while it holds it.
func TestSystemActorsHoldTheLockByName(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	wf := release.SystemActor("workflow/EXE-001", group)
	l, err := e.svc.HoldFor(t.Context(), wf, "r", 10*time.Minute)
	if err != nil || l.Holder != "workflow/EXE-001" || l.Session != "" || !l.ExpiresAt.Equal(e.clock.now().Add(10*time.Minute)) {
		t.Fatalf("HoldFor: %+v, %v", l, err)
	}
	// A context that happens to carry a session changes nothing for it.
	if _, err := e.svc.Execute(in(t, "session/whatever"), wf, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback}); err != nil {
		t.Fatalf("the workflow operates under its lock: %v", err)
	}
	// The operation renewed for LockTTL but kept the longer lease.
	if v, _ := e.svc.Get(t.Context(), "r"); v.Lock == nil || !v.Lock.ExpiresAt.Equal(e.clock.now().Add(10*time.Minute)) {
		t.Fatalf("an operation shortened the workflow's lease: %+v", v.Lock)
	}
	if _, err := e.svc.HoldFor(t.Context(), wf, "r", 10*time.Minute); err != nil {
		t.Fatalf("renew: %v", err)
	}
	_, err = e.svc.Execute(in(t, "session/alice-1"), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpRelease})
	reasonIs(t, "alice under the workflow's lock", err, "release.locked", map[string]string{"holder": "workflow/EXE-001", "user": "workflow/EXE-001"})
	other := release.SystemActor("workflow/EXE-002", group)
	_, err = e.svc.HoldFor(t.Context(), other, "r", time.Minute)
	reasonIs(t, "another execution", err, "release.locked", map[string]string{"holder": "workflow/EXE-001"})
	if err := e.svc.Unlock(in(t, "session/x"), wf, "r"); err != nil {
		t.Fatalf("unlock by name: %v", err)
	}
	if v, _ := e.svc.Get(t.Context(), "r"); v.Lock != nil {
		t.Fatalf("after unlock: %+v", v.Lock)
	}
}

// TestEndedReleaseHoldsNoLock: ending a release drops its lock, so the table
// shows no holder and anyone of the group may delete it at once; nobody
// takes a lock on it (a page renewing its lease learns it ended), a
// workflow's HoldFor takes none, and a lease left by a race with the end
// binds nobody.
func TestEndedReleaseHoldsNoLock(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	if _, err := e.svc.Create(t.Context(), alice, switchyard.NewRelease{Name: "other", Subscription: switchyard.Partial, Group: group, App: "other-app", Spec: spec()}); err != nil {
		t.Fatal(err)
	}
	a1 := in(t, "session/alice-1")
	for _, op := range []switchyard.Operation{switchyard.OpFallback, switchyard.OpRelease, switchyard.OpRollback} {
		if _, err := e.svc.Execute(a1, alice, "r", switchyard.OperationRequest{Operation: op}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Lock(a1, alice, "other"); err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.Execute(a1, alice, "r", switchyard.OperationRequest{Operation: switchyard.OpEnd})
	if err != nil || res.Release.State != switchyard.StateEnded || res.Version != 4 {
		t.Fatalf("end: %+v, %v", res, err)
	}
	if l, _ := e.store.FindReleaseLock(t.Context(), "r", e.clock.now()); l != nil {
		t.Fatalf("the ended release still holds %+v", l)
	}
	list, _ := e.svc.List(t.Context(), switchyard.ReleaseFilter{})
	for _, v := range list {
		if (v.Lock != nil) != (v.Name == "other") {
			t.Fatalf("list: %s has lock %+v", v.Name, v.Lock)
		}
	}
	_, err = e.svc.Lock(a1, alice, "r")
	reasonIs(t, "locking an ended release", err, "release.ended", nil)
	if l, err := e.svc.HoldFor(t.Context(), release.SystemActor("workflow/EXE-001", group), "r", time.Minute); err != nil || l != nil {
		t.Fatalf("HoldFor on an ended release: %+v, %v; want nothing held", l, err)
	}
	// A lease that raced with the end (written after it) is shown to nobody
	// and binds nobody.
	now := e.clock.now()
	if _, err := e.store.AcquireReleaseLock(t.Context(), &switchyard.ReleaseLock{Release: "r", Holder: "alice", Session: "session/alice-1", ExpiresAt: now.Add(time.Minute)}, now); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.svc.Get(t.Context(), "r"); v.Lock != nil {
		t.Fatalf("Get shows a lock on an ended release: %+v", v.Lock)
	}
	if st, _ := e.svc.Status(a1, alice, "r"); st.Lock != nil || st.LockedByYou || st.State != switchyard.StateEnded {
		t.Fatalf("Status: %+v", st)
	}
	if a := release.Allowed(in(t, "session/bob-1"), bob, res.Release, nil); !a.MayDelete || a.MayLock || a.Refusals["lock"].Reason != "release.ended" {
		t.Fatalf("Allowed for bob on the ended release: %+v", a)
	}
	if err := e.svc.Delete(in(t, "session/bob-1"), bob, "r", 0); err != nil {
		t.Fatalf("bob deletes the ended release alice operated: %v", err)
	}
}

// TestDisplayNamesInViews: the table shows 张三, not zhangsan, for the
// creator, the executor and the lock holder; unknown users and system
// actors by their names.
func TestDisplayNamesInViews(t *testing.T) {
	e := newEnv(t)
	zhang := &switchyard.User{Name: "zhangsan", DisplayName: "张三", Role: switchyard.RoleOperator, Groups: []string{group}}
	if err := e.store.CreateUser(t.Context(), &switchyard.User{Name: zhang.Name, DisplayName: zhang.DisplayName, Role: zhang.Role}); err != nil {
		t.Fatal(err)
	}
	e.create(t, "r", zhang)
	if _, err := e.svc.Execute(in(t, "session/zs-1"), zhang, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Create(t.Context(), alice, switchyard.NewRelease{Name: "w", Subscription: switchyard.Partial, Group: group, App: "w-app", Spec: spec()}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Execute(t.Context(), release.SystemActor("workflow/EXE-001", group), "w", switchyard.OperationRequest{Operation: switchyard.OpFallback}); err != nil {
		t.Fatal(err)
	}
	v, _ := e.svc.Get(t.Context(), "r")
	if v.CreatedByName != "张三" || v.ExecutedByName != "张三" || v.Lock == nil || v.Lock.HolderName != "张三" || v.Lock.Holder != "zhangsan" {
		t.Fatalf("view of r: %+v lock %+v", v, v.Lock)
	}
	// Three people in the table: its names come from one read of the users.
	list, _ := e.svc.List(t.Context(), switchyard.ReleaseFilter{})
	for _, v := range list {
		if v.Name == "w" && (v.CreatedByName != "alice" || v.ExecutedByName != "workflow/EXE-001" || v.Lock.HolderName != "workflow/EXE-001") {
			t.Fatalf("view of w: %+v lock %+v", v, v.Lock)
		}
		if v.Name == "r" && (v.CreatedByName != "张三" || v.ExecutedByName != "张三") {
			t.Fatalf("row of r: %+v", v)
		}
	}
}

// TestNoDeleteUnderARunningExecution: an ended release holds no lock, but
// while a workflow execution of it still runs (its report, its end) it is
// not deleted under it.
func TestNoDeleteUnderARunningExecution(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	now := e.clock.now()
	if err := e.store.CreateWorkflow(t.Context(), &switchyard.Workflow{ReleaseID: "r", Name: "w", Template: switchyard.TemplateCustom, CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	ws, _ := e.store.FindWorkflows(t.Context(), switchyard.WorkflowFilter{ReleaseID: "r"})
	rec := &switchyard.ExecutionRecord{WorkflowID: ws[0].ID, WorkflowVersion: 1, ReleaseID: "r", Status: switchyard.ExecRunning, StartedAt: now, StartedBy: "alice", State: []byte(`{}`), WakeAt: &now}
	if err := e.store.CreateExecution(t.Context(), rec, nil); err != nil {
		t.Fatal(err)
	}
	err := e.svc.Delete(in(t, "session/alice-1"), alice, "r", 0)
	reasonIs(t, "delete under a running execution", err, "release.execution", map[string]string{"id": rec.ID, "status": "RUNNING"})
	if _, err := e.store.FindRelease(t.Context(), "r"); err != nil {
		t.Fatalf("the release went: %v", err)
	}
}
