package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

var ruleKey = switchyard.ConfigKey{Group: "discovery-guide-group", DataID: "discovery-guide-gateway"}

func putConfig(t *testing.T, s switchyard.Store, key switchyard.ConfigKey, content string, ifVersion int64) (*switchyard.ConfigEntry, error) {
	t.Helper()
	e := &switchyard.ConfigEntry{Key: key, Content: content, Format: "xml", UpdatedAt: time.Now(), UpdatedBy: "alice"}
	return e, s.PutConfig(ctx(t), e, ifVersion)
}

func testConfigVersions(t *testing.T, s switchyard.Store) {
	_, err := s.FindConfig(ctx(t), ruleKey)
	mustCode(t, err, switchyard.CodeNotFound)
	e1, err := putConfig(t, s, ruleKey, "<rule>1</rule>", 0)
	if err != nil || e1.Version != 1 {
		t.Fatalf("first put: %+v, %v", e1, err)
	}
	_, err = putConfig(t, s, ruleKey, "<rule>stale</rule>", 0)
	mustCode(t, err, switchyard.CodeConflict)
	e2, err := putConfig(t, s, ruleKey, "<rule>2</rule>", -1)
	if err != nil || e2.Version != 2 {
		t.Fatalf("unconditional put: %+v, %v", e2, err)
	}
	del := &switchyard.ConfigEntry{Key: ruleKey, Format: "xml", Deleted: true, UpdatedAt: time.Now(), UpdatedBy: "bob"}
	if err := s.PutConfig(ctx(t), del, 2); err != nil || del.Version != 3 {
		t.Fatalf("delete version: %+v, %v", del, err)
	}
	cur, err := s.FindConfig(ctx(t), ruleKey)
	if err != nil || !cur.Deleted || cur.Version != 3 || cur.UpdatedBy != "bob" {
		t.Fatalf("current = %+v, %v", cur, err)
	}
	hist, err := s.ConfigHistory(ctx(t), ruleKey, 10)
	if err != nil || len(hist) != 3 || hist[0].Version != 3 || hist[2].Content != "<rule>1</rule>" || hist[2].UpdatedBy != "alice" {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	other := switchyard.ConfigKey{Group: ruleKey.Group, DataID: ruleKey.Group}
	if e, err := putConfig(t, s, other, "<rule>global</rule>", 0); err != nil || e.Version != 1 {
		t.Fatalf("other key starts at version 1: %+v, %v", e, err)
	}
}

func testConfigChanges(t *testing.T, s switchyard.Store) {
	_, start, err := s.ConfigChanges(ctx(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	a := switchyard.ConfigKey{Group: "g", DataID: "a"}
	b := switchyard.ConfigKey{Group: "g", DataID: "b"}
	for _, w := range []struct {
		k switchyard.ConfigKey
		c string
	}{{a, "a1"}, {b, "b1"}, {a, "a2"}} {
		if _, err := putConfig(t, s, w.k, w.c, -1); err != nil {
			t.Fatal(err)
		}
	}
	changes, latest, err := s.ConfigChanges(ctx(t), start)
	if err != nil || latest != start+3 || len(changes) != 2 {
		t.Fatalf("changes = %v, latest %d, %v", changes, latest, err)
	}
	if changes[0].Key != b || changes[1].Key != a || changes[1].Content != "a2" {
		t.Fatalf("want b1 then a2 (newest per key, in change order), got %+v %+v", changes[0], changes[1])
	}
	none, latest2, _ := s.ConfigChanges(ctx(t), latest)
	if len(none) != 0 || latest2 != latest {
		t.Fatalf("no changes since %d: %v %d", latest, none, latest2)
	}
}

func testConfigConcurrentWriters(t *testing.T, s switchyard.Store) {
	const n = 10
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func(i int) {
			_, err := putConfig(t, s, ruleKey, fmt.Sprintf("<rule>%d</rule>", i), -1)
			errs <- err
		}(i)
	}
	for i := 0; i < n; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent unconditional put: %v", err)
		}
	}
	hist, _ := s.ConfigHistory(ctx(t), ruleKey, 100)
	if len(hist) != n || hist[0].Version != n {
		t.Fatalf("%d versions, newest %d; want %d consecutive versions", len(hist), hist[0].Version, n)
	}
}

func testInstances(t *testing.T, s switchyard.Store) {
	a := &switchyard.Instance{ID: "i-1", Service: "svc-a", Type: "service", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 3001, Metadata: map[string]string{"active": "true"}}
	b := &switchyard.Instance{ID: "i-2", Service: "svc-b", Type: "service", Group: "g", Version: "1.1", Host: "127.0.0.1", Port: 4001}
	for _, in := range []*switchyard.Instance{a, b} {
		if err := s.SaveInstance(ctx(t), in); err != nil {
			t.Fatal(err)
		}
	}
	a.Version = "1.2"
	if err := s.SaveInstance(ctx(t), a); err != nil {
		t.Fatalf("save again: %v", err)
	}
	got, err := s.LoadInstances(ctx(t))
	if err != nil || len(got) != 2 || got[0].Version != "1.2" || got[0].Metadata["active"] != "true" || got[1].ID != "i-2" {
		t.Fatalf("LoadInstances = %+v, %v", got, err)
	}
	if err := s.DeleteInstance(ctx(t), "i-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteInstance(ctx(t), "i-1"); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if got, _ := s.LoadInstances(ctx(t)); len(got) != 1 {
		t.Fatalf("after delete: %+v", got)
	}
}
