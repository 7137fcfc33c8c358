package auth

import (
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// tokenTTL is how long an authenticated token is trusted without asking
// the store again. Data-plane processes hold long-polls that re-arrive
// after every change (250 of them per publish); each used to cost two
// store reads. A change made through this Service (a revoke, a role or a
// password change, a deletion) forgets every entry at once; one made by
// another control-plane replica takes effect here within tokenTTL.
const tokenTTL = time.Second

// tokenCache remembers recent token authentications by secret hash.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]cachedToken
}

type cachedToken struct {
	user    switchyard.User
	tokenID string
	until   time.Time
}

func (c *tokenCache) get(hash string, now time.Time) (*Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[hash]
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	u := e.user // each caller gets its own copy
	return &Principal{User: &u, Via: "token", TokenID: e.tokenID}, true
}

func (c *tokenCache) put(hash string, t *switchyard.Token, u *switchyard.User, now time.Time) {
	until := now.Add(tokenTTL)
	if t.ExpiresAt != nil && t.ExpiresAt.Before(until) {
		until = *t.ExpiresAt
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) > 10_000 {
		c.entries = map[string]cachedToken{}
	}
	c.entries[hash] = cachedToken{user: *u, tokenID: t.ID, until: until}
}

func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}

// Forget drops every remembered token authentication: call it after
// changing tokens or users in the store other than through this Service
// (a token revoked by its id).
func (s *Service) Forget() { s.tokens.forget() }
