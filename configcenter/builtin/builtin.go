// Package builtin is the control plane's own config center: rule text by
// (group, dataId), every version kept in the store with who and when, and
// watchers told of changes at once. Writes made by another control-plane
// replica sharing the database reach this replica's watchers through the
// store's change feed, polled by Run.
package builtin

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// MaxContent bounds one config's size.
const MaxContent = 1 << 20

// Formats are the config types a config may declare (Nepxion's FormatType).
var Formats = []string{"xml", "json", "yaml", "properties", "html", "text"}

// ConfigCenter implements switchyard.ConfigCenter on a switchyard.ConfigStore.
type ConfigCenter struct {
	store  switchyard.ConfigStore
	Now    func() time.Time
	Logger *slog.Logger
	// PollInterval is how often Run looks for other replicas' writes.
	PollInterval time.Duration

	mu       sync.Mutex
	watchers map[switchyard.ConfigKey]map[*watcher]struct{}
	notified map[switchyard.ConfigKey]int64 // newest version sent to watchers
	seq      int64                          // change feed position
}

var _ switchyard.ConfigCenter = (*ConfigCenter)(nil)

// New returns a config center on store.
func New(store switchyard.ConfigStore, logger *slog.Logger) *ConfigCenter {
	if logger == nil {
		logger = slog.Default()
	}
	return &ConfigCenter{store: store, Now: time.Now, Logger: logger, PollInterval: time.Second,
		watchers: map[switchyard.ConfigKey]map[*watcher]struct{}{}, notified: map[switchyard.ConfigKey]int64{}}
}

// Get implements switchyard.ConfigCenter.
func (c *ConfigCenter) Get(ctx context.Context, key switchyard.ConfigKey) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	e, err := c.store.FindConfig(ctx, key)
	if switchyard.IsCode(err, switchyard.CodeNotFound) {
		return &switchyard.ConfigEntry{Key: key, Format: "text"}, nil
	}
	return e, err
}

// Put implements switchyard.ConfigCenter.
func (c *ConfigCenter) Put(ctx context.Context, key switchyard.ConfigKey, content, format, by string, ifVersion int64) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	if len(content) > MaxContent {
		return nil, switchyard.FieldErrorf("content", "config.size", "content is %d bytes; at most %d are allowed", len(content), MaxContent)
	}
	if format == "" {
		format = "text"
	}
	if !validFormat(format) {
		return nil, switchyard.FieldErrorf("format", "config.format", "format %q must be one of xml, json, yaml, properties, html, text", format).
			WithReason("config.format", map[string]string{"format": format})
	}
	e := &switchyard.ConfigEntry{Key: key, Content: content, Format: format, UpdatedAt: c.Now(), UpdatedBy: by}
	if err := c.store.PutConfig(ctx, e, ifVersion); err != nil {
		return nil, err
	}
	c.notify(e)
	return e, nil
}

// Delete implements switchyard.ConfigCenter.
func (c *ConfigCenter) Delete(ctx context.Context, key switchyard.ConfigKey, by string) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	cur, err := c.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if cur.Version == 0 || cur.Deleted {
		return cur, nil // nothing to remove; no new version
	}
	e := &switchyard.ConfigEntry{Key: key, Format: cur.Format, Deleted: true, UpdatedAt: c.Now(), UpdatedBy: by}
	if err := c.store.PutConfig(ctx, e, -1); err != nil {
		return nil, err
	}
	c.notify(e)
	return e, nil
}

// History implements switchyard.ConfigCenter.
func (c *ConfigCenter) History(ctx context.Context, key switchyard.ConfigKey, limit int) ([]*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	return c.store.ConfigHistory(ctx, key, limit)
}

func validFormat(f string) bool {
	for _, v := range Formats {
		if v == f {
			return true
		}
	}
	return false
}
