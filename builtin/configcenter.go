package builtin

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
)

// MaxConfigBytes bounds one config's size.
const MaxConfigBytes = 1 << 20

// ConfigFormats are the types a config may declare (Nepxion's FormatType).
var ConfigFormats = []string{"xml", "json", "yaml", "properties", "html", "text"}

// ConfigCenter implements switchyard.ConfigCenter on a switchyard.ConfigStore.
type ConfigCenter struct {
	store  switchyard.ConfigStore
	Now    func() time.Time
	Logger *slog.Logger
	// PollInterval is how often Run looks for other replicas' writes.
	PollInterval time.Duration

	hub *watch.Hub[switchyard.ConfigKey, *switchyard.ConfigEntry]
}

var _ switchyard.ConfigCenter = (*ConfigCenter)(nil)

func entryVersion(e *switchyard.ConfigEntry) int64 { return e.Version }

// NewConfigCenter returns a config center on store.
func NewConfigCenter(store switchyard.ConfigStore, logger *slog.Logger) *ConfigCenter {
	if logger == nil {
		logger = slog.Default()
	}
	return &ConfigCenter{store: store, Now: time.Now, Logger: logger, PollInterval: time.Second,
		hub: watch.NewHub[switchyard.ConfigKey](entryVersion)}
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
	if len(content) > MaxConfigBytes {
		return nil, switchyard.FieldErrorf("content", "config.size", "content is %d bytes; at most %d are allowed", len(content), MaxConfigBytes)
	}
	if format == "" {
		format = "text"
	}
	if !slices.Contains(ConfigFormats, format) {
		return nil, switchyard.FieldErrorf("format", "config.format", "format %q must be one of xml, json, yaml, properties, html, text", format).
			WithReason("config.format", map[string]string{"format": format})
	}
	e := &switchyard.ConfigEntry{Key: key, Content: content, Format: format, UpdatedAt: c.Now(), UpdatedBy: by}
	if err := c.store.PutConfig(ctx, e, ifVersion); err != nil {
		return nil, err
	}
	c.hub.Publish(key, e)
	return e, nil
}

// Delete implements switchyard.ConfigCenter.
func (c *ConfigCenter) Delete(ctx context.Context, key switchyard.ConfigKey, by string, ifVersion int64) (*switchyard.ConfigEntry, error) {
	cur, err := c.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	if ifVersion >= 0 && cur.Version != ifVersion {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "config %s is at version %d, not %d: someone else changed it; reload and try again", key, cur.Version, ifVersion).
			WithReason("config.stale", map[string]string{"key": key.String()})
	}
	if cur.Version == 0 || cur.Deleted {
		return cur, nil // nothing to remove; no new version
	}
	e := &switchyard.ConfigEntry{Key: key, Format: cur.Format, Deleted: true, UpdatedAt: c.Now(), UpdatedBy: by}
	if err := c.store.PutConfig(ctx, e, cur.Version); err != nil {
		return nil, err
	}
	c.hub.Publish(key, e)
	return e, nil
}

// History implements switchyard.ConfigCenter.
func (c *ConfigCenter) History(ctx context.Context, key switchyard.ConfigKey, limit int) ([]*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	return c.store.ConfigHistory(ctx, key, limit)
}

// Watch implements switchyard.ConfigCenter. Writes through this center and,
// within PollInterval, through other replicas (Run) reach the watchers; a
// version already handed to a watcher is not handed again.
func (c *ConfigCenter) Watch(ctx context.Context, key switchyard.ConfigKey) (<-chan *switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	return c.hub.Subscribe(ctx, key, func() (*switchyard.ConfigEntry, error) { return c.Get(ctx, key) })
}

// Run follows the store's change feed until ctx is done, so watchers here
// hear of writes made by other control-plane replicas within PollInterval.
func (c *ConfigCenter) Run(ctx context.Context) error {
	_, seq, err := c.store.ConfigChanges(ctx, 1<<62)
	if err != nil && ctx.Err() == nil {
		c.Logger.WarnContext(ctx, "config change feed", "err", err)
	}
	every(ctx, c.PollInterval, func() {
		changes, next, err := c.store.ConfigChanges(ctx, seq)
		if err != nil {
			if ctx.Err() == nil {
				c.Logger.WarnContext(ctx, "config change feed", "err", err)
			}
			return
		}
		seq = next
		for _, e := range changes {
			c.hub.Publish(e.Key, e)
		}
	})
	return nil
}
