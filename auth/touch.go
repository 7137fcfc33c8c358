package auth

import (
	"sync"
	"time"
)

// touchInterval is how often a session's or token's last use is written:
// often enough for the UI, rarely enough that reads do not become writes.
const touchInterval = time.Minute

// touchCache remembers when each session or token was last written.
type touchCache struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// due reports whether id should be written now, and records it if so.
func (c *touchCache) due(id string, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		c.last = map[string]time.Time{}
	}
	if t, ok := c.last[id]; ok && now.Sub(t) < touchInterval {
		return false
	}
	if len(c.last) > 50_000 {
		c.last = map[string]time.Time{}
	}
	c.last[id] = now
	return true
}
