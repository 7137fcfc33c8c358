// Package configcentertest is the conformance suite of switchyard.ConfigCenter:
// every implementation passes it — builtin.ConfigCenter, the data plane's
// client of it (controlplane), and each external system's adapter against
// the real server (docs/architecture.md, "How to add a provider"), so they
// all behave the same. Contents are rules, since writes through the API pass the one publish
// path, which refuses text the data plane could not apply.
package configcentertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch/watchtest"
)

// New returns an empty config center for one test.
type New func(t *testing.T) switchyard.ConfigCenter

var key = switchyard.ConfigKey{Group: "discovery-guide-group", DataID: "discovery-guide-gateway"}

// Run runs the suite.
func Run(t *testing.T, newCC New) {
	tests := []struct {
		name string
		fn   func(t *testing.T, cc switchyard.ConfigCenter)
	}{
		{"NeverWritten", testNeverWritten},
		{"PutGetHistory", testPutGetHistory},
		{"IfVersion", testIfVersion},
		{"Delete", testDelete},
		{"WatchSeesCurrentThenChanges", testWatch},
		{"WatchKeepsTheLatest", testWatchLatest},
		{"WatchEndsWithContext", testWatchEnds},
		{"BadInput", testBadInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newCC(t)) })
	}
}

func testNeverWritten(t *testing.T, cc switchyard.ConfigCenter) {
	e, err := cc.Get(t.Context(), key)
	if err != nil || e.Version != 0 || e.Content != "" || e.Deleted {
		t.Fatalf("Get(never written) = %+v, %v", e, err)
	}
}

func testPutGetHistory(t *testing.T, cc switchyard.ConfigCenter) {
	for i := 1; i <= 3; i++ {
		e, err := cc.Put(t.Context(), key, fmt.Sprintf("<rule>%d</rule>", i), "xml", "alice", -1)
		// by names the actor; a center that authenticates its caller records
		// the authenticated user instead, so only its presence is checked.
		if err != nil || e.Version != int64(i) || e.UpdatedBy == "" || e.UpdatedAt.IsZero() {
			t.Fatalf("Put %d = %+v, %v", i, e, err)
		}
	}
	e, err := cc.Get(t.Context(), key)
	if err != nil || e.Content != "<rule>3</rule>" || e.Format != "xml" || e.Version != 3 {
		t.Fatalf("Get = %+v, %v", e, err)
	}
	h, err := cc.History(t.Context(), key, 2)
	if err != nil || len(h) != 2 || h[0].Version != 3 || h[1].Content != "<rule>2</rule>" {
		t.Fatalf("History = %+v, %v", h, err)
	}
}

func testIfVersion(t *testing.T, cc switchyard.ConfigCenter) {
	if _, err := cc.Put(t.Context(), key, "<rule>a</rule>", "xml", "alice", 0); err != nil {
		t.Fatal(err)
	}
	_, err := cc.Put(t.Context(), key, "<rule>b</rule>", "xml", "bob", 0)
	if switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("stale ifVersion: %v, want conflict", err)
	}
	if e, err := cc.Put(t.Context(), key, "<rule>b</rule>", "xml", "bob", 1); err != nil || e.Version != 2 {
		t.Fatalf("matching ifVersion: %+v, %v", e, err)
	}
	if e, _ := cc.Get(t.Context(), key); e.Content != "<rule>b</rule>" {
		t.Fatalf("content = %q", e.Content)
	}
}

func mustPut(t *testing.T, cc switchyard.ConfigCenter, content string) {
	t.Helper()
	if _, err := cc.Put(t.Context(), key, content, "xml", "alice", -1); err != nil {
		t.Fatal(err)
	}
}

func testDelete(t *testing.T, cc switchyard.ConfigCenter) {
	mustPut(t, cc, "<rule>a</rule>")
	if _, err := cc.Delete(t.Context(), key, "bob", 0); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("Delete at a stale version = %v, want a conflict", err)
	}
	if got, _ := cc.Get(t.Context(), key); got.Deleted || got.Version != 1 {
		t.Fatalf("a refused Delete changed the config: %+v", got)
	}
	e, err := cc.Delete(t.Context(), key, "bob", 1)
	if err != nil || !e.Deleted || e.Version != 2 {
		t.Fatalf("Delete = %+v, %v", e, err)
	}
	e, err = cc.Delete(t.Context(), key, "bob", -1)
	if err != nil || e.Version != 2 {
		t.Fatalf("second Delete must not add a version: %+v, %v", e, err)
	}
	got, _ := cc.Get(t.Context(), key)
	if !got.Deleted || got.Content != "" {
		t.Fatalf("Get after delete = %+v", got)
	}
}

func testWatch(t *testing.T, cc switchyard.ConfigCenter) {
	mustPut(t, cc, "<rule>v1</rule>")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := cc.Watch(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if e := watchtest.Next(t, ch, 2*time.Second); e.Version != 1 || e.Content != "<rule>v1</rule>" {
		t.Fatalf("first event = %+v, want the current entry", e)
	}
	start := time.Now()
	mustPut(t, cc, "<rule>v2</rule>")
	if e := watchtest.Next(t, ch, 2*time.Second); e.Version != 2 || e.Content != "<rule>v2</rule>" {
		t.Fatalf("change event = %+v", e)
	}
	t.Logf("put → watch event: %s", time.Since(start))
	if _, err := cc.Delete(t.Context(), key, "bob", -1); err != nil {
		t.Fatal(err)
	}
	if e := watchtest.Next(t, ch, 2*time.Second); !e.Deleted || e.Version != 3 {
		t.Fatalf("delete event = %+v", e)
	}
}

func testWatchLatest(t *testing.T, cc switchyard.ConfigCenter) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := cc.Watch(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	watchtest.Next(t, ch, 2*time.Second)
	for i := 1; i <= 5; i++ {
		mustPut(t, cc, fmt.Sprintf("<rule>v%d</rule>", i))
	}
	watchtest.Until(t, ch, 3*time.Second, "the latest version", func(e *switchyard.ConfigEntry) bool { return e.Version == 5 })
}

func testWatchEnds(t *testing.T, cc switchyard.ConfigCenter) {
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := cc.Watch(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	watchtest.Next(t, ch, 2*time.Second)
	cancel()
	watchtest.Closes(t, ch, 3*time.Second)
}

func testBadInput(t *testing.T, cc switchyard.ConfigCenter) {
	tests := []struct {
		name  string
		key   switchyard.ConfigKey
		fmt   string
		field string
	}{
		{"empty group", switchyard.ConfigKey{DataID: "x"}, "xml", "group"},
		{"slash in dataId", switchyard.ConfigKey{Group: "g", DataID: "a/b"}, "xml", "dataId"},
		{"unknown format", key, "docx", "format"},
	}
	for _, tt := range tests {
		_, err := cc.Put(t.Context(), tt.key, "<rule/>", tt.fmt, "alice", -1)
		if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || e.Field != tt.field {
			t.Errorf("%s: %v, want invalid on %s", tt.name, err, tt.field)
		}
	}
	if e, _ := cc.Get(t.Context(), key); e.Version != 0 {
		t.Fatal("bad input stored something")
	}
}
