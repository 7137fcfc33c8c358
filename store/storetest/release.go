package storetest

import (
	"strings"
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
	mustCode(t, s.CreateRelease(ctx(t), newRelease("v2.1.0", "other")), switchyard.CodeConflict)
	err := s.CreateRelease(ctx(t), newRelease("v2.2.0", "gateway"))
	if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeConflict || e.Field != "app" || e.Reason != "release.app.taken" {
		t.Fatalf("same group + app: %v", err)
	}
	g := newRelease("global", "")
	g.Subscription = switchyard.Global
	if err := s.CreateRelease(ctx(t), g); err != nil {
		t.Fatal(err)
	}
	g2 := newRelease("global-2", "")
	g2.Subscription = switchyard.Global
	err = s.CreateRelease(ctx(t), g2)
	if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeConflict || e.Field != "subscription" || e.Reason != "release.global.taken" || e.Params["group"] != "order-group" || strings.Contains(e.Message, `""`) {
		t.Fatalf("a second global release of the group: %v; want release.global.taken naming the group, not an empty app", err)
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
	// lease takes the lock for who in alice's first browser session, the
	// way a person's page does.
	leaseIn := func(who, session string, at time.Time) (*switchyard.ReleaseLock, error) {
		return s.AcquireReleaseLock(ctx(t), &switchyard.ReleaseLock{Release: "r", Holder: who, HolderName: "Name of " + who, Session: session, ExpiresAt: at.Add(time.Minute)}, at)
	}
	lease := func(who string, at time.Time) (*switchyard.ReleaseLock, error) {
		return leaseIn(who, "session/"+who+"-1", at)
	}
	l, err := lease("alice", now)
	if err != nil || l.Holder != "alice" || !l.Since.Equal(now) || l.HolderName != "Name of alice" || l.Session != "session/alice-1" {
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
	// The lock is one session's, not the account's: alice in another
	// browser, or with an API token, is refused like anyone else.
	for _, other := range []string{"session/alice-2", "token/alice-cli", ""} {
		l, err = leaseIn("alice", other, now.Add(45*time.Second))
		if switchyard.ErrorCode(err) != switchyard.CodeConflict || l == nil || l.Session != "session/alice-1" || !l.Since.Equal(now) {
			t.Fatalf("alice in %q while her first session holds it: %+v, %v", other, l, err)
		}
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(80*time.Second)); cur == nil || cur.Holder != "alice" || cur.Session != "session/alice-1" || cur.HolderName != "Name of alice" {
		t.Fatalf("FindReleaseLock = %+v", cur)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(2*time.Minute)); cur != nil {
		t.Fatalf("expired lock still found: %+v", cur)
	}
	if all, err := s.ReleaseLocks(ctx(t), now.Add(80*time.Second), nil); err != nil || len(all) != 1 || all[0].Release != "r" || all[0].Holder != "alice" || all[0].Session != "session/alice-1" || all[0].HolderName != "Name of alice" {
		t.Fatalf("ReleaseLocks = %+v, %v", all, err)
	}
	if named, err := s.ReleaseLocks(ctx(t), now.Add(80*time.Second), []string{"r", "other"}); err != nil || len(named) != 1 || named[0].Release != "r" {
		t.Fatalf("locks of r and other = %+v, %v", named, err)
	}
	if none, err := s.ReleaseLocks(ctx(t), now.Add(80*time.Second), []string{"other"}); err != nil || len(none) != 0 {
		t.Fatalf("locks of other = %+v, %v", none, err)
	}
	if all, err := s.ReleaseLocks(ctx(t), now.Add(2*time.Minute), nil); err != nil || len(all) != 0 {
		t.Fatalf("ReleaseLocks after expiry = %+v, %v", all, err)
	}
	l, err = lease("bob", now.Add(2*time.Minute))
	if err != nil || l.Holder != "bob" || !l.Since.Equal(now.Add(2*time.Minute)) {
		t.Fatalf("bob after expiry: %+v, %v", l, err)
	}
	if err := s.ReleaseReleaseLock(ctx(t), "r", "alice", "session/alice-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.ReleaseReleaseLock(ctx(t), "r", "bob", "session/bob-2"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(2*time.Minute)); cur == nil || cur.Holder != "bob" {
		t.Fatal("alice's unlock, or bob's from another session, removed bob's lock")
	}
	if err := s.ReleaseReleaseLock(ctx(t), "r", "bob", "session/bob-1"); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(2*time.Minute)); cur != nil {
		t.Fatalf("bob's own unlock left %+v", cur)
	}
	// A system actor holds it by name, without a session.
	if l, err := leaseIn("workflow/EXE-001", "", now.Add(3*time.Minute)); err != nil || l.Session != "" {
		t.Fatalf("a system actor: %+v, %v", l, err)
	}
	if l, err := leaseIn("workflow/EXE-001", "", now.Add(3*time.Minute+time.Second)); err != nil || !l.Since.Equal(now.Add(3*time.Minute)) {
		t.Fatalf("a system actor renews by name: %+v, %v", l, err)
	}
	if err := s.ReleaseReleaseLock(ctx(t), "r", "", ""); err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.FindReleaseLock(ctx(t), "r", now.Add(3*time.Minute)); cur != nil {
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
	testEndedReleaseHoldsNoLock(t, s, now.Add(20*time.Minute))
}

// testEndedReleaseHoldsNoLock: saving a release as ENDED removes its lock in
// the same transaction, whether saved by UpdateRelease or by finishing a
// publish intent; other releases keep theirs.
func testEndedReleaseHoldsNoLock(t *testing.T, s switchyard.Store, now time.Time) {
	take := func(name string) {
		t.Helper()
		if _, err := s.AcquireReleaseLock(ctx(t), &switchyard.ReleaseLock{Release: name, Holder: "alice", Session: "session/a", ExpiresAt: now.Add(time.Minute)}, now); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"ending", "finishing", "going-on"} {
		if err := s.CreateRelease(ctx(t), newRelease(name, "app-"+name)); err != nil {
			t.Fatal(err)
		}
		take(name)
	}
	r, _ := s.FindRelease(ctx(t), "ending")
	r.State = switchyard.StateReleased
	if err := s.UpdateRelease(ctx(t), r, nil); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.FindReleaseLock(ctx(t), "ending", now); l == nil {
		t.Fatal("a release saved as RELEASED keeps its lock")
	}
	r.State = switchyard.StateEnded
	if err := s.UpdateRelease(ctx(t), r, &switchyard.ReleaseHistory{Operation: switchyard.OpEnd, StateAfter: switchyard.StateEnded, ConfigKey: r.Key(), By: "alice", At: now}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.FindReleaseLock(ctx(t), "ending", now); l != nil {
		t.Fatalf("an ended release holds %+v", l)
	}
	f, _ := s.FindRelease(ctx(t), "finishing")
	f.State = switchyard.StateEnded
	in := &switchyard.PublishIntent{ID: switchyard.NewID(now), At: now, Key: f.Key(), Action: "release.end", Actor: "alice", Via: "session", Content: "<rule/>", Format: "xml", Release: f}
	if err := s.CreatePublishIntent(ctx(t), in); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishPublishIntent(ctx(t), in.ID, f, &switchyard.ReleaseHistory{Operation: switchyard.OpEnd, StateAfter: switchyard.StateEnded, ConfigKey: f.Key(), By: "alice", At: now}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.FindReleaseLock(ctx(t), "finishing", now); l != nil {
		t.Fatalf("a release ended by a finished publish holds %+v", l)
	}
	if l, _ := s.FindReleaseLock(ctx(t), "going-on", now); l == nil || l.Holder != "alice" {
		t.Fatalf("another release's lock went too: %+v", l)
	}
}
