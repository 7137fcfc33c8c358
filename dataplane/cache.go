package dataplane

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"

	"github.com/switchyard-io/switchyard"
)

// ruleCache keeps the last applied text of each key on disk, so a process
// restarted while the control plane is down routes by its last rule.
type ruleCache struct{ dir string }

func newRuleCache(dir string) *ruleCache { return &ruleCache{dir: dir} }

func (c *ruleCache) path(k switchyard.ConfigKey) string {
	return filepath.Join(c.dir, url.PathEscape(k.Group)+"__"+url.PathEscape(k.DataID)+".json")
}

func (c *ruleCache) load(k switchyard.ConfigKey) (*switchyard.ConfigEntry, bool) {
	if c.dir == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path(k))
	if err != nil {
		return nil, false
	}
	var e switchyard.ConfigEntry
	if json.Unmarshal(b, &e) != nil || e.Key != k {
		return nil, false
	}
	return &e, true
}

// store writes atomically (temp file + rename): a crash never leaves half a
// rule behind.
func (c *ruleCache) store(e *switchyard.ConfigEntry) {
	if c.dir == "" {
		return
	}
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return
	}
	b, _ := json.Marshal(e)
	tmp := c.path(e.Key) + ".tmp"
	if os.WriteFile(tmp, b, 0o600) == nil {
		_ = os.Rename(tmp, c.path(e.Key))
	}
}
