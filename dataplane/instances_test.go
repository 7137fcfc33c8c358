package dataplane_test

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestInstancesClose: the cache owns its registry watches: Close ends every
// one of them (the registry sees its context end), and a lookup after Close
// starts none (it answers what is known, here nothing).
func TestInstancesClose(t *testing.T) {
	reg := newFakeRegistry(switchyard.Instance{Service: "a", Host: "10.0.0.1", Port: 1}, switchyard.Instance{Service: "b", Host: "10.0.0.2", Port: 2})
	c := dataplane.NewInstances(reg, quiet)
	if got := c.Get("a"); len(got) != 1 || got[0].Host != "10.0.0.1" {
		t.Fatalf("Get(a) = %+v", got)
	}
	if got := c.Get("b"); len(got) != 1 {
		t.Fatalf("Get(b) = %+v", got)
	}
	c.Close()
	watches := reg.served()
	if len(watches) != 2 {
		t.Fatalf("%d watches, want one per service", len(watches))
	}
	for i, ctx := range watches {
		if ctx.Err() == nil {
			t.Errorf("watch %d still runs after Close", i)
		}
	}
	start := time.Now()
	if got := c.Get("c"); got != nil {
		t.Fatalf("Get after Close = %+v", got)
	}
	if time.Since(start) > time.Second {
		t.Errorf("Get after Close waited %v", time.Since(start))
	}
	if got := c.Get("a"); len(got) != 1 {
		t.Errorf("Get after Close forgot what it knew: %+v", got)
	}
	if n := len(reg.served()); n != 2 {
		t.Errorf("a lookup after Close started a watch (%d watches)", n)
	}
	c.Close() // idempotent
	reg.ended.Wait()
}
