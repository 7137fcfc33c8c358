package storetest

import (
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func newRelease(name, app string) *switchyard.Release {
	return &switchyard.Release{Name: name, Type: switchyard.BlueGreen, Subscription: switchyard.Partial, Group: "order-group", App: app, CreatedBy: "alice",
		Spec: switchyard.ReleaseSpec{Services: []string{"svc-a", "svc-b"}, Sort: "version", BlueGreenEnabled: true, GreenExpression: "#H['a'] == '1'", BlueExpression: "#H['a'] == '2'",
			GrayConditions: []switchyard.GrayCondition{{Weight: 10}}, Header: map[string]string{"a": "1"}}}
}

func testReleaseLifecycle(t *testing.T, s switchyard.Store) {
	r := newRelease("v2.1.0", "gateway")
	if err := s.CreateRelease(ctx(t), r); err != nil || r.Revision != 1 || r.CreatedAt.IsZero() {
		t.Fatalf("CreateRelease: %v %+v", err, r)
	}
	mustCode(t, s.CreateRelease(ctx(t), newRelease("v2.1.0", "other")), switchyard.CodeInvalid)
	err := s.CreateRelease(ctx(t), newRelease("v2.2.0", "gateway"))
	if e := switchyard.AsError(err); e == nil || e.Field != "app" || e.Reason != "release.app.taken" {
		t.Fatalf("same group + app: %v", err)
	}
	g := newRelease("global", "")
	g.Subscription = switchyard.Global
	if err := s.CreateRelease(ctx(t), g); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindRelease(ctx(t), "v2.1.0")
	if err != nil || got.Spec.GreenExpression != "#H['a'] == '1'" || got.Spec.Header["a"] != "1" || got.State != switchyard.StateNew || got.Executed() {
		t.Fatalf("FindRelease = %+v, %v", got, err)
	}
	stale := *got
	at := time.Now().Truncate(time.Millisecond)
	got.State, got.ExecutedAt, got.ExecutedBy, got.ConfigVersion = switchyard.StateFallback, &at, "alice", 7
	h := &switchyard.ReleaseHistory{Operation: switchyard.OpFallback, StateAfter: switchyard.StateFallback, Type: switchyard.BlueGreen, YAML: "service: [svc-a]", XML: "<rule/>",
		ConfigKey: got.Key(), ConfigVersion: 7, By: "alice", At: at}
	if err := s.UpdateRelease(ctx(t), got, h); err != nil || got.Revision != 2 {
		t.Fatalf("UpdateRelease: %v rev %d", err, got.Revision)
	}
	stale.State = switchyard.StateReleased
	mustCode(t, s.UpdateRelease(ctx(t), &stale, &switchyard.ReleaseHistory{Operation: switchyard.OpRelease, At: at}), switchyard.CodeConflict)
	hist, err := s.ReleaseHistory(ctx(t), "v2.1.0", 10)
	if err != nil || len(hist) != 1 || hist[0].ConfigVersion != 7 || hist[0].ConfigKey.DataID != "gateway" || hist[0].YAML == "" {
		t.Fatalf("history after a stale update = %+v, %v; the refused update must add nothing", hist, err)
	}
	again, _ := s.FindRelease(ctx(t), "v2.1.0")
	if again.State != switchyard.StateFallback || again.ExecutedAt == nil || !again.ExecutedAt.Equal(at) || again.ConfigVersion != 7 {
		t.Fatalf("after update = %+v", again)
	}
	list, _ := s.FindReleases(ctx(t), switchyard.ReleaseFilter{Groups: []string{"order-group"}})
	if len(list) != 2 {
		t.Fatalf("FindReleases = %d", len(list))
	}
	if none, _ := s.FindReleases(ctx(t), switchyard.ReleaseFilter{Groups: []string{}}); len(none) != 0 {
		t.Fatalf("an empty group list must match nothing: %d", len(none))
	}
	mustCode(t, s.DeleteRelease(ctx(t), "v2.1.0", 1), switchyard.CodeConflict)
	if err := s.DeleteRelease(ctx(t), "v2.1.0", again.Revision); err != nil {
		t.Fatal(err)
	}
	_, err = s.FindRelease(ctx(t), "v2.1.0")
	mustCode(t, err, switchyard.CodeNotFound)
	if h, _ := s.ReleaseHistory(ctx(t), "v2.1.0", 10); len(h) != 0 {
		t.Fatal("history survived its release")
	}
	if err := s.CreateRelease(ctx(t), newRelease("v2.2.0", "gateway")); err != nil {
		t.Fatalf("the app is free again after delete: %v", err)
	}
}

func testReleaseLock(t *testing.T, s switchyard.Store) {
	if err := s.CreateRelease(ctx(t), newRelease("r", "gw")); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	lease := func(who string, at time.Time) (*switchyard.ReleaseLock, error) {
		return s.AcquireReleaseLock(ctx(t), &switchyard.ReleaseLock{Release: "r", Holder: who, ExpiresAt: at.Add(time.Minute)}, at)
	}
	l, err := lease("alice", now)
	if err != nil || l.Holder != "alice" || !l.Since.Equal(now) {
		t.Fatalf("acquire: %+v, %v", l, err)
	}
	l, err = lease("alice", now.Add(30*time.Second))
	if err != nil || !l.Since.Equal(now) || !l.ExpiresAt.Equal(now.Add(90*time.Second)) {
		t.Fatalf("renew keeps since and moves expiry: %+v, %v", l, err)
	}
	l, err = lease("bob", now.Add(40*time.Second))
	if switchyard.ErrorCode(err) != switchyard.CodeConflict || l == nil || l.Holder != "alice" {
		t.Fatalf("bob while alice holds it: %+v, %v", l, err)
	}
	if e := switchyard.AsError(err); e.Params["holder"] != "alice" {
		t.Fatalf("the refusal must name the holder: %+v", e)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(80*time.Second)); cur == nil || cur.Holder != "alice" {
		t.Fatalf("FindReleaseLock = %+v", cur)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(2*time.Minute)); cur != nil {
		t.Fatalf("expired lock still found: %+v", cur)
	}
	l, err = lease("bob", now.Add(2*time.Minute))
	if err != nil || l.Holder != "bob" || !l.Since.Equal(now.Add(2*time.Minute)) {
		t.Fatalf("bob after expiry: %+v, %v", l, err)
	}
	if err := s.ReleaseReleaseLock(ctx(t), "r", "alice"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(2*time.Minute)); cur == nil || cur.Holder != "bob" {
		t.Fatal("alice's unlock removed bob's lock")
	}
	if err := s.ReleaseReleaseLock(ctx(t), "r", ""); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(2*time.Minute)); cur != nil {
		t.Fatal("a break must remove any holder's lock")
	}
	// Concurrent takers of a free lock: exactly one wins.
	const n = 8
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			_, err := lease(string(rune('a'+i)), now.Add(10*time.Minute))
			errs <- err
		}(i)
	}
	wins := 0
	for i := 0; i < n; i++ {
		if err := <-errs; err == nil {
			wins++
		} else if switchyard.ErrorCode(err) != switchyard.CodeConflict {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent takers won the lock; want 1", wins)
	}
}
