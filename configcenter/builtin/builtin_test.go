package builtin_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/configcenter/builtin"
	"github.com/switchyard-io/switchyard/configcenter/configcentertest"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

func openStore(t *testing.T, path string) switchyard.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConformance(t *testing.T) {
	configcentertest.Run(t, func(t *testing.T) switchyard.ConfigCenter {
		return builtin.New(openStore(t, filepath.Join(t.TempDir(), "db")), nil)
	})
}

// TestReplicasSeeEachOthersWrites: two control planes on one database; a
// write through one reaches the other's watchers through the change feed.
func TestReplicasSeeEachOthersWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	a := builtin.New(openStore(t, path), nil)
	b := builtin.New(openStore(t, path), nil)
	b.PollInterval = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go b.Run(ctx)
	key := switchyard.ConfigKey{Group: "g", DataID: "svc"}
	ch, err := b.Watch(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	<-ch
	time.Sleep(100 * time.Millisecond) // let Run take its starting position
	if _, err := a.Put(t.Context(), key, "<rule/>", "xml", "alice", -1); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-ch:
		if e.Version != 1 || e.Content != "<rule/>" {
			t.Fatalf("event = %+v", e)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("replica b never heard of a's write")
	}
}
