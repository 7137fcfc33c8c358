package builtin_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/configcenter/configcentertest"
	"github.com/switchyard-io/switchyard/internal/watch/watchtest"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

func openStore(t *testing.T) switchyard.Store {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestConfigCenterConformance(t *testing.T) {
	configcentertest.Run(t, func(t *testing.T) switchyard.ConfigCenter {
		return builtin.NewConfigCenter(openStore(t), nil)
	})
}

var feedKey = switchyard.ConfigKey{Group: "g", DataID: "svc"}

// watchWithFeed starts a config center on st following the change feed,
// and a watch of feedKey whose first event (the current entry) is read.
func watchWithFeed(t *testing.T, st switchyard.Store) (*builtin.ConfigCenter, <-chan *switchyard.ConfigEntry) {
	t.Helper()
	cc := builtin.NewConfigCenter(st, nil)
	cc.PollInterval = 20 * time.Millisecond
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	go cc.Run(ctx)
	ch, err := cc.Watch(ctx, feedKey)
	if err != nil {
		t.Fatal(err)
	}
	watchtest.Next(t, ch, time.Second)
	time.Sleep(100 * time.Millisecond) // let Run take its starting position
	return cc, ch
}

// TestReplicasSeeEachOthersWrites: two control planes on one database; a
// write through one reaches the other's watchers through the change feed.
func TestReplicasSeeEachOthersWrites(t *testing.T) {
	// One store shared by both: SQLite allows one process per database (its
	// lock); replicas share a PostgreSQL database.
	st := openStore(t)
	a := builtin.NewConfigCenter(st, nil)
	_, ch := watchWithFeed(t, st)
	if _, err := a.Put(t.Context(), feedKey, "<rule/>", "xml", "alice", -1); err != nil {
		t.Fatal(err)
	}
	if e := watchtest.Next(t, ch, 2*time.Second); e.Version != 1 || e.Content != "<rule/>" {
		t.Fatalf("event = %+v", e)
	}
}

// TestAWriteSeenTwiceIsHandedOnce: a replica's own write comes back through
// the change feed; its watchers get the version once.
func TestAWriteSeenTwiceIsHandedOnce(t *testing.T) {
	cc, ch := watchWithFeed(t, openStore(t))
	if _, err := cc.Put(t.Context(), feedKey, "<rule/>", "xml", "alice", -1); err != nil {
		t.Fatal(err)
	}
	if e := watchtest.Next(t, ch, time.Second); e.Version != 1 {
		t.Fatalf("event = %+v", e)
	}
	select {
	case e := <-ch:
		t.Fatalf("version %d handed again (from the change feed)", e.Version)
	case <-time.After(200 * time.Millisecond):
	}
}
