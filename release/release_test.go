package release_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// TestOperationsPublishWhatTheDocsSay walks 兜底 → 发布 → 回滚 → 发布 → 结束 and
// checks the rule each publishes (docs/releases.md) and the release saved.
func TestOperationsPublishWhatTheDocsSay(t *testing.T) {
	e := newEnv(t)
	e.create(t, "V2.1.0", alice)

	res, err := e.run(t, alice, "V2.1.0", switchyard.OpFallback)
	if err != nil {
		t.Fatal(err)
	}
	old := `{"` + svcA + `":"1.0","` + svcB + `":"1.0"}`
	if !strings.Contains(res.XML, "<version>"+old+"</version>") || strings.Contains(res.XML, "strategy-release") {
		t.Fatalf("fallback must pin the old versions and nothing else:\n%s", res.XML)
	}
	if res.Release.State != switchyard.StateFallback || res.Release.ExecutedBy != "alice" || res.Version != 1 || e.stored(t) != res.XML {
		t.Fatalf("after fallback: %+v", res.Release)
	}

	res, err = e.run(t, alice, "V2.1.0", switchyard.OpRelease)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<version>" + old + "</version>",
		`<condition id="condition-0" expression="#H['user'] == 'staff'" version-id="route-0"/>`,
		`<condition id="condition-1" expression="#H['user'] == 'vip'" version-id="route-1"/>`,
		`<condition id="condition-0" expression="#H['region'] == 'north'" version-id="route-0=50;route-1=50"/>`,
		`<condition id="condition-1" version-id="route-0=90;route-1=10"/>`,
		`<route id="route-1" type="version">{"` + svcA + `":"1.1","` + svcB + `":"1.1"}</route>`,
	} {
		if !strings.Contains(res.XML, want) {
			t.Errorf("release rule lacks %s:\n%s", want, res.XML)
		}
	}
	if res.Release.Type != switchyard.Mixed || res.Release.State != switchyard.StateReleased || !strings.Contains(res.History.YAML, "weight:") {
		t.Fatalf("after release: %+v %+v", res.Release, res.History)
	}

	_, err = e.run(t, bob, "V2.1.0", switchyard.OpRollback)
	if code(err) != switchyard.CodeConflict || !strings.Contains(err.Error(), "being operated by alice") {
		t.Fatalf("bob while alice holds the lock: %v", err)
	}
	res, err = e.run(t, alice, "V2.1.0", switchyard.OpRollback)
	if err != nil || res.Release.State != switchyard.StateRolledBack || strings.Contains(res.XML, "strategy-release") || !strings.Contains(res.XML, old) {
		t.Fatalf("rollback = fallback: %v\n%v", err, res)
	}

	if _, err := e.run(t, alice, "V2.1.0", switchyard.OpRelease); err != nil {
		t.Fatal(err)
	}
	res, err = e.run(t, alice, "V2.1.0", switchyard.OpEnd)
	newer := `{"` + svcA + `":"1.1","` + svcB + `":"1.1"}`
	if err != nil || res.Release.State != switchyard.StateEnded || !strings.Contains(res.XML, "<version>"+newer+"</version>") || strings.Contains(res.XML, "strategy-release") {
		t.Fatalf("end with the old versions online pins the new ones: %v\n%v", err, res)
	}
	if _, err := e.run(t, alice, "V2.1.0", switchyard.OpRelease); code(err) != switchyard.CodeConflict {
		t.Fatalf("an ended release cannot be operated: %v", err)
	}
	hist, _ := e.svc.History(t.Context(), "V2.1.0", 10)
	if len(hist) != 5 || hist[0].Operation != switchyard.OpEnd || hist[4].Operation != switchyard.OpFallback || hist[0].By != "alice" {
		t.Fatalf("history = %d entries", len(hist))
	}
	if err := e.svc.Delete(t.Context(), alice, "V2.1.0", 0); err != nil {
		t.Fatalf("an ended release can be deleted: %v", err)
	}
}

func TestEndClearsTheRuleOnceOldVersionsAreOffline(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	if _, err := e.run(t, alice, "r", switchyard.OpRelease); err != nil {
		t.Fatal(err)
	}
	e.reg.Deregister(t.Context(), e.ids["A1"])
	e.reg.Deregister(t.Context(), e.ids["B1"])
	res, err := e.run(t, alice, "r", switchyard.OpEnd)
	if err != nil || strings.Contains(res.XML, "<strategy>") || strings.Contains(res.XML, "strategy-release") {
		t.Fatalf("end without old instances clears the release rule: %v\n%v", err, res)
	}
}

func TestStateMachine(t *testing.T) {
	states := []switchyard.ReleaseState{switchyard.StateNew, switchyard.StateFallback, switchyard.StateReleased, switchyard.StateRolledBack, switchyard.StateEnded}
	ops := []switchyard.Operation{switchyard.OpFallback, switchyard.OpRelease, switchyard.OpRollback, switchyard.OpEnd}
	want := map[switchyard.ReleaseState]map[switchyard.Operation]switchyard.ReleaseState{
		switchyard.StateNew:        {switchyard.OpFallback: switchyard.StateFallback, switchyard.OpRelease: switchyard.StateReleased},
		switchyard.StateFallback:   {switchyard.OpFallback: switchyard.StateFallback, switchyard.OpRelease: switchyard.StateReleased, switchyard.OpEnd: switchyard.StateEnded},
		switchyard.StateReleased:   {switchyard.OpFallback: switchyard.StateFallback, switchyard.OpRelease: switchyard.StateReleased, switchyard.OpRollback: switchyard.StateRolledBack, switchyard.OpEnd: switchyard.StateEnded},
		switchyard.StateRolledBack: {switchyard.OpFallback: switchyard.StateFallback, switchyard.OpRelease: switchyard.StateReleased, switchyard.OpEnd: switchyard.StateEnded},
		switchyard.StateEnded:      {},
	}
	for _, st := range states {
		for _, op := range ops {
			got, err := release.Next(st, op)
			exp, allowed := want[st][op]
			switch {
			case allowed && (err != nil || got != exp):
				t.Errorf("%q + %s = %q, %v; want %q", st, op, got, err, exp)
			case !allowed && (err == nil || code(err) != switchyard.CodeConflict || switchyard.AsError(err).Reason != "release.transition"):
				t.Errorf("%q + %s must be refused, got %q, %v", st, op, got, err)
			}
		}
	}
	if _, err := release.Next(switchyard.StateNew, "deploy"); code(err) != switchyard.CodeInvalid {
		t.Errorf("unknown operation: %v", err)
	}
}

func TestDeleteOnlyWhenEndedOrNeverExecuted(t *testing.T) {
	e := newEnv(t)
	e.create(t, "fresh", alice)
	if err := e.svc.Delete(t.Context(), alice, "fresh", 0); err != nil {
		t.Fatalf("a never executed release can be deleted: %v", err)
	}
	e.create(t, "live", alice)
	e.run(t, alice, "live", switchyard.OpFallback)
	err := e.svc.Delete(t.Context(), alice, "live", 0)
	if code(err) != switchyard.CodeConflict || switchyard.AsError(err).Reason != "release.delete.state" {
		t.Fatalf("deleting a live release: %v", err)
	}
}

func TestLockExpiryAndBreak(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	if _, err := e.svc.Lock(t.Context(), alice, "r"); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Lock(t.Context(), bob, "r")
	if code(err) != switchyard.CodeConflict || switchyard.AsError(err).Params["holder"] != "alice" {
		t.Fatalf("bob: %v; want a conflict naming alice", err)
	}
	if err := e.svc.Unlock(t.Context(), bob, "r"); code(err) != switchyard.CodeConflict || !strings.Contains(err.Error(), "alice") {
		t.Fatalf("bob giving up alice's lock: %v; want a conflict naming alice", err)
	}
	e.clock.advance(2 * time.Minute) // alice closed her page: the lease runs out
	if err := e.svc.Unlock(t.Context(), alice, "r"); err != nil {
		t.Fatalf("giving up an expired lock is nothing to do: %v", err)
	}
	if l, err := e.svc.Lock(t.Context(), bob, "r"); err != nil || l.Holder != "bob" {
		t.Fatalf("after expiry: %+v, %v", l, err)
	}
	if _, err := e.svc.BreakLock(t.Context(), alice, "r"); code(err) != switchyard.CodeForbidden {
		t.Fatalf("an operator breaking a lock: %v", err)
	}
	broken, err := e.svc.BreakLock(t.Context(), admin, "r")
	if err != nil || broken == nil || broken.Holder != "bob" {
		t.Fatalf("admin break: %+v, %v", broken, err)
	}
	if _, err := e.run(t, alice, "r", switchyard.OpFallback); err != nil {
		t.Fatalf("after the break alice can operate: %v", err)
	}
}

// TestGroupPermissions: members of the release's group and admins may act;
// members of other groups and viewers may not.
func TestGroupPermissions(t *testing.T) {
	e := newEnv(t)
	actors := []struct {
		user    *switchyard.User
		allowed bool
	}{{admin, true}, {alice, true}, {carol, false}, {vera, false}}
	for _, a := range actors {
		t.Run(a.user.Name, func(t *testing.T) {
			name := "r-" + a.user.Name
			_, err := e.svc.Create(t.Context(), a.user, switchyard.NewRelease{Name: name, Subscription: switchyard.Partial, Group: group, App: "app-" + a.user.Name, Spec: spec()})
			if a.allowed != (err == nil) || (!a.allowed && code(err) != switchyard.CodeForbidden) {
				t.Fatalf("create: %v", err)
			}
			if !a.allowed {
				e.svc.Create(t.Context(), admin, switchyard.NewRelease{Name: name, Subscription: switchyard.Partial, Group: group, App: "app-" + a.user.Name, Spec: spec()})
			}
			checks := map[string]error{}
			_, checks["lock"] = e.svc.Lock(t.Context(), a.user, name)
			e.store.ReleaseReleaseLock(t.Context(), name, "", "")
			_, checks["update"] = e.svc.Update(t.Context(), a.user, name, switchyard.ReleaseUpdate{})
			e.store.ReleaseReleaseLock(t.Context(), name, "", "")
			_, checks["fallback"] = e.run(t, a.user, name, switchyard.OpFallback)
			e.store.ReleaseReleaseLock(t.Context(), name, "", "")
			for what, err := range checks {
				if a.allowed && code(err) == switchyard.CodeForbidden || !a.allowed && code(err) != switchyard.CodeForbidden {
					t.Errorf("%s by %s: %v", what, a.user.Name, err)
				}
			}
			if _, err := e.svc.Get(t.Context(), name); err != nil {
				t.Errorf("everyone reads: %v", err)
			}
		})
	}
}

// TestConfigCenterFailureChangesNothing: the config center failing at any
// point of an operation leaves the release, its history and the config
// center as they were.
func TestConfigCenterFailureChangesNothing(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(*flakyConfig)
	}{
		{"unreachable on write", func(f *flakyConfig) { f.failPut.Store(true) }},
		{"unreachable on read-back", func(f *flakyConfig) { f.failGetAfterPut.Store(true) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.create(t, "r", alice)
			if _, err := e.run(t, alice, "r", switchyard.OpFallback); err != nil {
				t.Fatal(err)
			}
			before, _ := e.svc.Get(t.Context(), "r")
			stored := e.stored(t)
			tt.break_(e.cc)
			_, err := e.run(t, alice, "r", switchyard.OpRelease)
			if code(err) != switchyard.CodeUnavailable || !strings.Contains(err.Error(), "config center is unavailable") {
				t.Fatalf("err = %v", err)
			}
			e.cc.failPut.Store(false)
			e.cc.failGetAfterPut.Store(false)
			e.cc.failGet.Store(false)
			after, _ := e.svc.Get(t.Context(), "r")
			if after.State != before.State || after.Revision != before.Revision || after.ConfigVersion != before.ConfigVersion {
				t.Fatalf("release changed: %+v → %+v", before.Release, after.Release)
			}
			if h, _ := e.svc.History(t.Context(), "r", 10); len(h) != 1 {
				t.Fatalf("history has %d entries; the failed operation must add none", len(h))
			}
			if got := e.stored(t); got != stored {
				t.Fatalf("the config center was left changed:\n%s", got)
			}
			if _, err := e.run(t, alice, "r", switchyard.OpRelease); err != nil {
				t.Fatalf("retry after recovery: %v", err)
			}
		})
	}
}

// TestStoreFailureAfterPublishReverts: when saving the release fails after
// the rule was published, the publish is reverted.
func TestStoreFailureAfterPublishReverts(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	if _, err := e.run(t, alice, "r", switchyard.OpFallback); err != nil {
		t.Fatal(err)
	}
	stored := e.stored(t)
	fs := &failingStore{Store: e.store}
	e.svc.Store = fs
	fs.fail = true
	if _, err := e.run(t, alice, "r", switchyard.OpRelease); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if got := e.stored(t); got != stored {
		t.Fatalf("the publish was not reverted:\n%s", got)
	}
	fs.fail = false
	if r, _ := e.svc.Get(t.Context(), "r"); r.State != switchyard.StateFallback {
		t.Fatalf("state = %s", r.State)
	}
}

type failingStore struct {
	switchyard.Store
	fail bool
}

func (f *failingStore) UpdateRelease(ctx context.Context, r *switchyard.Release, h *switchyard.ReleaseHistory) error {
	if f.fail {
		return errors.New("sqlite: disk full")
	}
	return f.Store.UpdateRelease(ctx, r, h)
}

// FinishPublishIntent fails when it would save a release (the write of an
// operation's outcome), not when it only drops an intent.
func (f *failingStore) FinishPublishIntent(ctx context.Context, id string, r *switchyard.Release, h *switchyard.ReleaseHistory) error {
	if f.fail && r != nil {
		return errors.New("sqlite: disk full")
	}
	return f.Store.FinishPublishIntent(ctx, id, r, h)
}

// TestStaleReleaseRevisionIsRefusedBeforePublishing: an operation based on
// an old form is refused before anything is published.
func TestStaleReleaseRevisionIsRefusedBeforePublishing(t *testing.T) {
	e := newEnv(t)
	r := e.create(t, "r", alice)
	if _, err := e.svc.Update(t.Context(), alice, "r", switchyard.ReleaseUpdate{Revision: r.Revision, Description: ptr("first")}); err != nil {
		t.Fatal(err)
	}
	puts := e.cc.puts.Load()
	_, err := e.svc.Execute(t.Context(), alice, "r", switchyard.OpRequest(switchyard.OpFallback, r.Revision))
	if code(err) != switchyard.CodeConflict || e.cc.puts.Load() != puts {
		t.Fatalf("stale revision: %v (puts %d → %d)", err, puts, e.cc.puts.Load())
	}
}

func ptr[T any](v T) *T { return &v }
