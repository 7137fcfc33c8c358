package release_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// crash is what a simulated kill -9 panics with.
type crash struct{}

// crashingConfig stops the process (panics) at one point of a publish.
type crashingConfig struct {
	switchyard.ConfigCenter
	beforePut, afterPut bool
}

func (c *crashingConfig) Put(ctx context.Context, k switchyard.ConfigKey, content, format, by string, v int64) (*switchyard.ConfigEntry, error) {
	if c.beforePut {
		panic(crash{})
	}
	e, err := c.ConfigCenter.Put(ctx, k, content, format, by, v)
	if c.afterPut {
		panic(crash{})
	}
	return e, err
}

// crashingStore stops the process when the release would be saved.
type crashingStore struct {
	switchyard.Store
}

func (s *crashingStore) FinishPublishIntent(ctx context.Context, id string, r *switchyard.Release, h *switchyard.ReleaseHistory) error {
	if r != nil {
		panic(crash{})
	}
	return s.Store.FinishPublishIntent(ctx, id, r, h)
}

// killed runs fn and reports whether it "crashed".
func killed(fn func()) (died bool) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(crash); !ok {
				panic(v)
			}
			died = true
		}
	}()
	fn()
	return false
}

// restarted is a new service on the same store and config center, as a
// server started after the crash.
func (e *env) restarted() *release.Service {
	s := release.New(e.store, e.cc, e.reg, nil)
	s.Now = e.clock.now
	return s
}

// TestCrashMidOperationIsReconciledOnStart: a server killed at any point of
// an operation leaves the release and the config center in step after the
// next start — the operation is finished if its rule had landed, reported as
// interrupted if not — and the history and the audit log say so.
func TestCrashMidOperationIsReconciledOnStart(t *testing.T) {
	tests := []struct {
		name      string
		at        func(e *env)
		landed    bool
		wantState switchyard.ReleaseState
		detail    string
	}{
		{"before the write", func(e *env) { e.svc.Config = &crashingConfig{ConfigCenter: e.cc, beforePut: true} }, false, switchyard.StateFallback, "interrupted"},
		{"after the write", func(e *env) { e.svc.Config = &crashingConfig{ConfigCenter: e.cc, afterPut: true} }, true, switchyard.StateReleased, "completed on restart"},
		{"while saving the release", func(e *env) { e.svc.Store = &crashingStore{Store: e.store} }, true, switchyard.StateReleased, "completed on restart"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.create(t, "r", alice)
			if _, err := e.run(t, alice, "r", switchyard.OpFallback); err != nil {
				t.Fatal(err)
			}
			fallback := e.stored(t)
			tt.at(e)
			if !killed(func() { _, _ = e.run(t, alice, "r", switchyard.OpRelease) }) {
				t.Fatal("the operation did not reach the crash point")
			}
			e.clock.advance(time.Second)

			svc := e.restarted()
			done, err := svc.Reconcile(t.Context(), 0)
			if err != nil || len(done) != 1 {
				t.Fatalf("Reconcile = %+v, %v; want one intent reconciled", done, err)
			}
			if again, _ := svc.Reconcile(t.Context(), 0); len(again) != 0 {
				t.Fatalf("a second Reconcile found %d intents", len(again))
			}
			got, _ := svc.Get(t.Context(), "r")
			cur, _ := e.cc.Get(t.Context(), got.Key())
			if got.State != tt.wantState || got.ConfigVersion != cur.Version {
				t.Fatalf("release %s at config version %d; the key is at %d", got.State, got.ConfigVersion, cur.Version)
			}
			if landed := cur.Content != fallback; landed != tt.landed {
				t.Fatalf("the rule landed = %v, want %v", landed, tt.landed)
			}
			hist, _ := svc.History(t.Context(), "r", 10)
			if len(hist) != 2 || !strings.Contains(hist[0].Detail, tt.detail) || hist[0].By != "system/reconciler" || hist[0].ConfigVersion != cur.Version {
				t.Fatalf("history[0] = %+v; want a reconciler entry saying %q", hist[0], tt.detail)
			}
			audit, _ := e.store.FindAudit(t.Context(), switchyard.AuditFilter{Action: "release.reconcile"})
			if len(audit) != 1 || audit[0].Via != "system" || audit[0].Resource != "release/r" || audit[0].Outcome != "ok" {
				t.Fatalf("audit = %+v", audit)
			}
			// The release is operable again, by the person who holds its lock.
			if _, err := svc.Execute(t.Context(), alice, "r", switchyard.OperationRequest{Operation: switchyard.OpRelease}); err != nil {
				t.Fatalf("operating after the reconcile: %v", err)
			}
		})
	}
}

// TestCrashedConfigWriteIsReconciled: a config write through Publish that
// landed before the crash is finished and audited; one that did not is
// dropped; a landed write that someone changed since is still recognised.
func TestCrashedConfigWriteIsReconciled(t *testing.T) {
	e := newEnv(t)
	key := switchyard.ConfigKey{Group: group, DataID: svcA}
	text := `<rule><strategy><version>{"` + svcA + `":"1.0"}</version></strategy></rule>`
	put := func(svc *release.Service, content string) (*release.Published, error) {
		return svc.Publish(t.Context(), alice, release.Change{Key: key, Action: "config.put", IfVersion: -1,
			Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Content: content}, nil }})
	}
	e.svc.Config = &crashingConfig{ConfigCenter: e.cc, afterPut: true}
	if !killed(func() { _, _ = put(e.svc, text) }) {
		t.Fatal("no crash")
	}
	e.svc.Config = &crashingConfig{ConfigCenter: e.cc, beforePut: true}
	if !killed(func() { _, _ = put(e.svc, "<rule/>") }) {
		t.Fatal("no crash")
	}
	// Someone else writes after the first, landed write.
	if _, err := put(e.restarted(), `<rule><strategy><version>{"`+svcA+`":"1.1"}</version></strategy></rule>`); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Second)
	done, err := e.restarted().Reconcile(t.Context(), 0)
	if err != nil || len(done) != 2 || done[0].Outcome != "finished" || done[1].Outcome != "undone" {
		t.Fatalf("Reconcile = %+v, %v", done, err)
	}
	audit, _ := e.store.FindAudit(t.Context(), switchyard.AuditFilter{Action: "config.reconcile"})
	if len(audit) != 2 || !strings.Contains(audit[1].Detail, "had landed (version 1)") || !strings.Contains(audit[0].Detail, "nothing changed") {
		t.Fatalf("audit = %+v", audit)
	}
}

// TestReconcileLeavesRecentIntents: replicas sharing a store reconcile only
// intents older than a publish can take, never another replica's publish in
// flight.
func TestReconcileLeavesRecentIntents(t *testing.T) {
	e := newEnv(t)
	e.create(t, "r", alice)
	e.svc.Config = &crashingConfig{ConfigCenter: e.cc, afterPut: true}
	killed(func() { _, _ = e.run(t, alice, "r", switchyard.OpFallback) })
	e.clock.advance(5 * time.Second)
	if done, err := e.restarted().Reconcile(t.Context(), 30*time.Second); err != nil || len(done) != 0 {
		t.Fatalf("a 5 s old intent was reconciled: %+v, %v", done, err)
	}
	e.clock.advance(30 * time.Second)
	if done, err := e.restarted().Reconcile(t.Context(), 30*time.Second); err != nil || len(done) != 1 {
		t.Fatalf("a 35 s old intent was not reconciled: %+v, %v", done, err)
	}
}

// TestHostileRuleIsRefusedBeforeAnythingIsStored: the publish path compiles
// with the data plane's compiler; a rule every gateway would refuse is
// refused with the located reason and no intent or version is left.
func TestHostileRuleIsRefusedBeforeAnythingIsStored(t *testing.T) {
	e := newEnv(t)
	key := switchyard.ConfigKey{Group: group, DataID: gwID}
	hostile := `<rule><strategy-release><conditions type="gray"><condition id="c" expression="T(java.lang.Runtime).getRuntime().exec('id') != null" version-id="route-0=100"/></conditions>` +
		`<routes><route id="route-0" type="version">{"` + svcA + `":"1.0"}</route></routes></strategy-release></rule>`
	_, err := e.svc.Publish(t.Context(), alice, release.Change{Key: key, Action: "config.put", IfVersion: -1,
		Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Content: hostile}, nil }})
	ee := switchyard.AsError(err)
	if ee == nil || ee.Code != switchyard.CodeInvalid || ee.Field != "content" || !strings.Contains(ee.Message, "refused by the data plane") || !strings.Contains(ee.Message, "condition") {
		t.Fatalf("hostile rule: %v", err)
	}
	if cur, _ := e.cc.Get(t.Context(), key); cur.Version != 0 {
		t.Fatalf("the hostile rule was stored: version %d", cur.Version)
	}
	if list, _ := e.store.PublishIntents(t.Context(), e.clock.now().Add(time.Hour)); len(list) != 0 {
		t.Fatalf("%d intents left by a refused change", len(list))
	}
}

// TestPublishRespectsAReleaseLock: a config write to the key of a release
// someone else is operating is refused with who holds it; the holder may.
func TestPublishRespectsAReleaseLock(t *testing.T) {
	e := newEnv(t)
	r := e.create(t, "r", alice)
	if _, err := e.svc.Lock(t.Context(), alice, "r"); err != nil {
		t.Fatal(err)
	}
	write := func(actor *switchyard.User) error {
		_, err := e.svc.Publish(t.Context(), actor, release.Change{Key: r.Key(), Action: "config.put", IfVersion: -1,
			Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Content: "<rule/>"}, nil }})
		return err
	}
	if err := write(bob); code(err) != switchyard.CodeConflict || !strings.Contains(err.Error(), "being operated by alice") {
		t.Fatalf("bob writing alice's release key: %v", err)
	}
	if err := write(alice); err != nil {
		t.Fatalf("the lock holder: %v", err)
	}
	if err := write(carol); code(err) != switchyard.CodeForbidden {
		t.Fatalf("an operator of another group: %v", err)
	}
}
