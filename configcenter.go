package switchyard

import (
	"context"
	"time"
)

// ConfigKey addresses one config in a config center: Nepxion's (group,
// dataId). A rule's partial key is (group, serviceId); its global key is
// (group, group).
type ConfigKey struct {
	Group  string `json:"group"`
	DataID string `json:"dataId"`
}

// String is group/dataId.
func (k ConfigKey) String() string { return k.Group + "/" + k.DataID }

// Validate checks the key's parts.
func (k ConfigKey) Validate() error {
	for field, v := range map[string]string{"group": k.Group, "dataId": k.DataID} {
		if v == "" || len(v) > 255 {
			return FieldErrorf(field, "config.key", "%s is required and at most 255 characters", field)
		}
		for _, c := range v {
			if c == '/' || c < ' ' {
				return FieldErrorf(field, "config.key", "%s %q must not contain '/' or control characters", field, v)
			}
		}
	}
	return nil
}

// ConfigEntry is one version of a config.
type ConfigEntry struct {
	Key       ConfigKey `json:"key"`
	Content   string    `json:"content"`
	Format    string    `json:"format" enum:"xml,json,yaml,properties,html,text"`
	Version   int64     `json:"version" doc:"grows by one with every change of this key; 0 = never written"`
	Deleted   bool      `json:"deleted,omitempty" doc:"this version removed the config"`
	UpdatedAt time.Time `json:"updatedAt"`
	UpdatedBy string    `json:"updatedBy"`
}

// ConfigCenter stores rule text by key and tells watchers about changes.
// Implementations: builtin.ConfigCenter (in the control plane),
// controlplane.ConfigCenter (the data plane's client of it), and one per
// external system (etcd, Nacos, …); all pass configcenter/configcentertest.
type ConfigCenter interface {
	// Get returns the current entry; an entry with Version 0 and empty
	// content when the key was never written, Deleted when it was removed.
	Get(ctx context.Context, key ConfigKey) (*ConfigEntry, error)
	// Put stores content as the next version, recording by as the author
	// (a center that authenticates its caller records that user instead).
	// With ifVersion >= 0 the write
	// happens only if the current version equals it (CodeConflict
	// otherwise); -1 writes unconditionally.
	Put(ctx context.Context, key ConfigKey, content, format, by string, ifVersion int64) (*ConfigEntry, error)
	// Delete removes the config, recorded as a new, deleted version (none
	// when it is already removed or was never written). With ifVersion >= 0
	// it happens only if the current version equals it (CodeConflict
	// otherwise); -1 deletes unconditionally.
	Delete(ctx context.Context, key ConfigKey, by string, ifVersion int64) (*ConfigEntry, error)
	// History lists the versions of key, newest first.
	History(ctx context.Context, key ConfigKey, limit int) ([]*ConfigEntry, error)
	// Watch sends the current entry, then every newer one, until ctx is
	// done (the channel is closed then). Slow readers see only the latest.
	Watch(ctx context.Context, key ConfigKey) (<-chan *ConfigEntry, error)
}

// ConfigStore persists the built-in config center's entries; part of the
// control plane's Store.
type ConfigStore interface {
	// PutConfig appends a version of key (Version set by the store) if the
	// current version equals ifVersion (or ifVersion < 0).
	PutConfig(ctx context.Context, e *ConfigEntry, ifVersion int64) error
	// FindConfig returns the newest version of key; CodeNotFound if none.
	FindConfig(ctx context.Context, key ConfigKey) (*ConfigEntry, error)
	// ConfigHistory lists versions of key, newest first.
	ConfigHistory(ctx context.Context, key ConfigKey, limit int) ([]*ConfigEntry, error)
	// ConfigChanges lists the newest version of every key changed after
	// the change sequence number since, with the latest sequence number;
	// replicas use it to notice each other's writes.
	ConfigChanges(ctx context.Context, since int64) ([]*ConfigEntry, int64, error)
}
