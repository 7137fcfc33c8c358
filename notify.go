package switchyard

import (
	"context"
	"time"
)

// Notification is what a notifier tells people: an execution's step or the
// execution itself changed (发送通知). Key is its deduplication key (the
// same key means the same news), so a receiver that sees a key twice after
// a crash and restart can drop the second.
type Notification struct {
	Key         string    `json:"key" doc:"deduplication key: execution/step/attempt/outcome"`
	Time        time.Time `json:"time"`
	Event       string    `json:"event" enum:"step.completed,step.failed,execution.started,execution.completed,execution.failed,execution.rolled_back,execution.paused,execution.aborted,approval.requested,report,notify"`
	ExecutionID string    `json:"executionId"`
	WorkflowID  string    `json:"workflowId"`
	ReleaseID   string    `json:"releaseId"`
	StepID      string    `json:"stepId,omitempty"`
	StepName    string    `json:"stepName,omitempty"`
	Outcome     string    `json:"outcome,omitempty" doc:"the step's or execution's status"`
	// Message is the news in words (English), Details what was measured.
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
	// URL links to the execution page.
	URL string `json:"url,omitempty"`
}

// Notifier delivers notifications. Implementations: notify/webhook (JSON,
// HMAC-signed); the Chinese IM notifiers (DingTalk, Feishu, WeCom) and
// others come through the same port.
type Notifier interface {
	// Name identifies the notifier in the configuration and the log.
	Name() string
	// Notify delivers n once per call, synchronously, carrying n.Key so
	// the receiver can drop news it has seen (a call repeated after a
	// crash delivers again: deduplication is the receiver's, by the key).
	// A notifier may skip events it is not configured for (nil). An error
	// means it was not delivered (the engine logs it and goes on: a
	// notification never holds a release back); the call ends when ctx
	// does, with an error wrapping ctx's. Errors never carry the
	// notifier's secrets.
	Notify(ctx context.Context, n Notification) error
}
