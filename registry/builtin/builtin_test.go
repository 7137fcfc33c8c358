package builtin_test

import (
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/registry/builtin"
	"github.com/switchyard-io/switchyard/registry/registrytest"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestConformance(t *testing.T) {
	registrytest.Run(t, func(t *testing.T) registrytest.Subject {
		c := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
		r := builtin.New()
		r.Now = c.now
		return registrytest.Subject{Registry: r, TTL: r.TTL, Advance: func(d time.Duration) { c.advance(d); r.Expire() }}
	})
}

func TestTimeUUID(t *testing.T) {
	at := time.Date(2021, 6, 1, 22, 22, 14, 909e6, time.UTC)
	id := builtin.TimeUUID(at)
	if !regexp.MustCompile(`^20210601-222214-909-\d{4}-\d{3}-\d{3}$`).MatchString(id) {
		t.Fatalf("TimeUUID = %q, want Nepxion's yyyyMMdd-HHmmss-SSS-rrrr-rrr-rrr", id)
	}
	if later := builtin.TimeUUID(at.Add(time.Second)); later <= id[:19] {
		t.Fatalf("a later start must sort later: %s vs %s", later, id)
	}
}
