package storetest

import (
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// testPublishIntents: an intent is kept until finished; finishing it with a
// release saves the release and its history in the same transaction, and a
// stale release revision leaves the intent (and the release) as they were.
func testPublishIntents(t *testing.T, s switchyard.Store) {
	r := newRelease("v3", "gateway")
	if err := s.CreateRelease(ctx(t), r); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Truncate(time.Millisecond)
	next := *r
	next.State, next.ConfigVersion = switchyard.StateFallback, 4
	h := &switchyard.ReleaseHistory{Operation: switchyard.OpFallback, StateAfter: switchyard.StateFallback, Type: r.Type, ConfigKey: r.Key(), ConfigVersion: 4, By: "alice", At: at}
	p := &switchyard.PublishIntent{ID: switchyard.NewID(at), At: at, Key: r.Key(), Actor: "alice", Via: "token", Action: "release.fallback",
		Before: switchyard.ConfigEntry{Key: r.Key(), Content: "<rule/>", Format: "xml", Version: 3}, Content: "<rule><strategy/></rule>", Format: "xml", Release: &next, History: h}
	if err := s.CreatePublishIntent(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	other := &switchyard.PublishIntent{ID: switchyard.NewID(at.Add(time.Millisecond)), At: at.Add(time.Millisecond), Key: switchyard.ConfigKey{Group: "g", DataID: "svc"}, Actor: "bob", Via: "session",
		Action: "config.delete", Delete: true}
	if err := s.CreatePublishIntent(ctx(t), other); err != nil {
		t.Fatal(err)
	}
	list, err := s.PublishIntents(ctx(t), at.Add(time.Hour))
	if err != nil || len(list) != 2 || list[0].ID != p.ID || list[1].ID != other.ID {
		t.Fatalf("PublishIntents = %+v, %v; want both, oldest first", list, err)
	}
	got := list[0]
	if got.Before.Version != 3 || got.Content != p.Content || got.Release == nil || got.Release.State != switchyard.StateFallback || got.History == nil || got.History.ConfigVersion != 4 || !got.At.Equal(at) {
		t.Fatalf("intent read back = %+v", got)
	}
	if early, _ := s.PublishIntents(ctx(t), at); len(early) != 0 {
		t.Fatalf("PublishIntents(before the first) = %d intents", len(early))
	}

	stale := next
	stale.Revision = 7
	mustCode(t, s.FinishPublishIntent(ctx(t), p.ID, &stale, h), switchyard.CodeConflict)
	if list, _ := s.PublishIntents(ctx(t), at.Add(time.Hour)); len(list) != 2 {
		t.Fatalf("a refused finish must keep the intent: %d left", len(list))
	}
	if err := s.FinishPublishIntent(ctx(t), p.ID, &next, h); err != nil || next.Revision != 2 {
		t.Fatalf("FinishPublishIntent: %v, revision %d", err, next.Revision)
	}
	saved, _ := s.FindRelease(ctx(t), "v3")
	hist, _ := s.ReleaseHistory(ctx(t), "v3", 10)
	if saved.State != switchyard.StateFallback || saved.ConfigVersion != 4 || len(hist) != 1 {
		t.Fatalf("after finish: release %+v, history %d", saved, len(hist))
	}
	if err := s.FinishPublishIntent(ctx(t), other.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.PublishIntents(ctx(t), at.Add(time.Hour)); len(list) != 0 {
		t.Fatalf("finished intents remain: %d", len(list))
	}
}
