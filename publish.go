package switchyard

import (
	"context"
	"time"
)

// PublishIntent is a change to a rule key written down before the config
// center is touched, so that a crash between the write and the rest of the
// operation (the release saved with its history) can be finished or undone
// by the next server to start. Every change to a rule — a release
// operation, a config write through the API, a Nepxion endpoint, a workflow
// step — goes through the one publish path (package release), which records
// an intent, writes, reads back and then removes the intent together with
// the release update.
type PublishIntent struct {
	ID  string    `json:"id"`
	At  time.Time `json:"at"`
	Key ConfigKey `json:"key"`
	// Actor and Via say who asked for the change (Via: session, token,
	// system).
	Actor string `json:"actor"`
	Via   string `json:"via"`
	// Action names the change, e.g. release.release, config.put,
	// nepxion.strategy.create.
	Action string `json:"action"`
	// Before is the entry the change was based on (Version 0 when the key
	// was never written).
	Before ConfigEntry `json:"before"`
	// Content and Format are what is written; Delete removes the config.
	Content string `json:"content"`
	Format  string `json:"format"`
	Delete  bool   `json:"delete,omitempty"`
	// Release, when the change is a release operation, is the release as it
	// is to be saved after the write and History its history entry (the
	// config version is filled in when the write is known).
	Release *Release        `json:"release,omitempty"`
	History *ReleaseHistory `json:"history,omitempty"`
}

// PublishStore keeps the publish intents.
type PublishStore interface {
	// CreatePublishIntent stores an intent (ID set by the caller).
	CreatePublishIntent(ctx context.Context, p *PublishIntent) error
	// FinishPublishIntent removes the intent id and, when r is not nil,
	// saves r (revision checked, CodeConflict if stale) and appends h, all
	// in one transaction: the release and its intent change together.
	FinishPublishIntent(ctx context.Context, id string, r *Release, h *ReleaseHistory) error
	// PublishIntents lists the intents recorded before before, oldest first.
	PublishIntents(ctx context.Context, before time.Time) ([]*PublishIntent, error)
}
