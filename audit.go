package switchyard

import (
	"context"
	"time"
)

// AuditEntry records one mutating call: who, when, what, from where, and how
// it ended. Entries are append-only.
type AuditEntry struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	Actor      string    `json:"actor" doc:"the user; for a sign-in, the name tried (Via is anonymous when it failed)"`
	Via        string    `json:"via" enum:"session,token,anonymous,system"`
	Action     string    `json:"action" doc:"e.g. user.create, release.publish"`
	Resource   string    `json:"resource" doc:"e.g. user/alice, release/r1"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Status     int       `json:"status"`
	Outcome    string    `json:"outcome" enum:"ok,refused,error"`
	RemoteAddr string    `json:"remoteAddr"`
	RequestID  string    `json:"requestId"`
	Detail     string    `json:"detail,omitempty" doc:"what changed or why it was refused; never secrets"`
}

// AuditFilter narrows FindAudit. Before pages backwards: entries with an ID
// lower than Before. Limit defaults to 50 and is at most 500.
type AuditFilter struct {
	Actor    string
	Action   string // prefix match: "user." matches user.create
	Resource string // prefix match
	Outcome  string
	Since    time.Time
	Until    time.Time
	Before   string
	Limit    int
}

// AuditStore keeps the audit log.
type AuditStore interface {
	// AppendAudit stores e (ID set by the caller, or a new one), each
	// column bounded by e.Bound first: what is stored of an attempt is
	// never larger than the AuditMax bounds.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// FindAudit lists entries newest first.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}
