package switchyard

import (
	"context"
	"time"
)

// ReleaseType is what a release's conditions do: 蓝绿, 灰度 or 混合.
type ReleaseType string

// The release types.
const (
	BlueGreen ReleaseType = "BLUE_GREEN"
	Gray      ReleaseType = "GRAY"
	Mixed     ReleaseType = "MIXED"
)

// ReleaseState is where a release is: 兜底, 发布, 回滚 or 结束. A release that
// was never executed has no state ("").
type ReleaseState string

// The release states.
const (
	StateNew        ReleaseState = ""
	StateFallback   ReleaseState = "FALLBACK"
	StateReleased   ReleaseState = "RELEASED"
	StateRolledBack ReleaseState = "ROLLED_BACK"
	StateEnded      ReleaseState = "ENDED"
)

// Subscription is whose rule a release writes: the app's (局部) or the
// group's (全局).
type Subscription string

// The subscription modes.
const (
	Partial Subscription = "PARTIAL"
	Global  Subscription = "GLOBAL"
)

// Operation is what a person (or a workflow) does to a release.
type Operation string

// The operations: 执行兜底, 执行发布, 执行回滚, 结束发布.
const (
	OpFallback Operation = "fallback"
	OpRelease  Operation = "release"
	OpRollback Operation = "rollback"
	OpEnd      Operation = "end"
)

// GrayCondition is one gray condition: an optional expression and the
// weight (0..100) of the new version chain.
type GrayCondition struct {
	Expression string `json:"expression"`
	Weight     int    `json:"weight" doc:"percentage of matching traffic sent to the new (blue) versions"`
}

// ReleaseSpec is everything the release page holds; it is saved with every
// operation so the next one reuses it.
type ReleaseSpec struct {
	// Services take part in the release (their old and new versions).
	Services []string `json:"services"`
	// GatewayOnly lists only gateways as apps (应用列表中只显示网关).
	GatewayOnly bool `json:"gatewayOnly"`
	// DomainGateway lists only the group's services as candidates (域网关模式).
	DomainGateway bool `json:"domainGateway"`
	// Sort orders versions: "version" (by version string) or "time" (by start time).
	Sort string `json:"sort" enum:"version,time"`

	BlueGreenEnabled bool   `json:"blueGreenEnabled"`
	GreenExpression  string `json:"greenExpression" doc:"condition of the old (green) chain"`
	BlueExpression   string `json:"blueExpression" doc:"condition of the new (blue) chain"`

	GrayEnabled    bool            `json:"grayEnabled"`
	GrayConditions []GrayCondition `json:"grayConditions"`

	HeaderEnabled bool              `json:"headerEnabled"`
	Header        map[string]string `json:"header" doc:"inner header: values that drive conditions without request headers"`
}

// Type derives the release type from the enabled conditions.
func (s *ReleaseSpec) Type() ReleaseType {
	switch {
	case s.BlueGreenEnabled && s.GrayEnabled:
		return Mixed
	case s.GrayEnabled:
		return Gray
	}
	return BlueGreen
}

// Release is one full-link release of a group.
type Release struct {
	Name         string       `json:"name" doc:"unique"`
	Description  string       `json:"description"`
	Type         ReleaseType  `json:"type" enum:"BLUE_GREEN,GRAY,MIXED"`
	State        ReleaseState `json:"state" enum:",FALLBACK,RELEASED,ROLLED_BACK,ENDED" doc:"empty until first executed"`
	Subscription Subscription `json:"subscription" enum:"PARTIAL,GLOBAL"`
	Group        string       `json:"group"`
	App          string       `json:"app" doc:"the entry app (gateway or service); empty for global subscription"`
	Spec         ReleaseSpec  `json:"spec"`
	CreatedAt    time.Time    `json:"createdAt"`
	CreatedBy    string       `json:"createdBy"`
	ExecutedAt   *time.Time   `json:"executedAt,omitempty"`
	ExecutedBy   string       `json:"executedBy,omitempty"`
	// ConfigVersion is the config-center version the last operation wrote.
	ConfigVersion int64 `json:"configVersion"`
	Revision      int64 `json:"revision"`
}

// Key is the config-center key the release writes: (group, app) partial,
// (group, group) global.
func (r *Release) Key() ConfigKey {
	if r.Subscription == Global {
		return ConfigKey{Group: r.Group, DataID: r.Group}
	}
	return ConfigKey{Group: r.Group, DataID: r.App}
}

// Executed reports whether the release ever published.
func (r *Release) Executed() bool { return r.State != StateNew }

// ReleaseHistory is one executed operation of a release.
type ReleaseHistory struct {
	ID            string       `json:"id"`
	Release       string       `json:"release"`
	Operation     Operation    `json:"operation" enum:"fallback,release,rollback,end"`
	StateBefore   ReleaseState `json:"stateBefore"`
	StateAfter    ReleaseState `json:"stateAfter"`
	Type          ReleaseType  `json:"type"`
	YAML          string       `json:"yaml" doc:"the version-release document assembled from the form"`
	XML           string       `json:"xml" doc:"the rule published and read back"`
	ConfigKey     ConfigKey    `json:"configKey"`
	ConfigVersion int64        `json:"configVersion"`
	By            string       `json:"by"`
	At            time.Time    `json:"at"`
	Detail        string       `json:"detail,omitempty"`
}

// ReleaseLock is who operates a release now: a lease renewed while the
// release page is open. It belongs to one browser session or API token of
// one user (Holder and Session), or to a system actor by name; an ended
// release holds none.
type ReleaseLock struct {
	Release    string `json:"release"`
	Holder     string `json:"holder" doc:"user name (a system actor's name, e.g. workflow/EXE-001)"`
	HolderName string `json:"holderName" doc:"the holder's display name (张三); the user name when there is none"`
	// Session is the holder's browser session or API token ("session/<id>",
	// "token/<id>"); empty for system actors. It never leaves the server:
	// the caller learns whether a lock is its own from
	// ReleaseAccess.LockedByYou.
	Session   string    `json:"-"`
	Since     time.Time `json:"since"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// HeldBy reports whether holder in session holds l.
func (l *ReleaseLock) HeldBy(holder, session string) bool {
	return l != nil && l.Holder == holder && l.Session == session
}

// Shown is how the holder is named to people: the display name, or the
// user name when there is none.
func (l *ReleaseLock) Shown() string {
	if l.HolderName != "" {
		return l.HolderName
	}
	return l.Holder
}

// ReleaseFilter narrows FindReleases and CountReleases. Empty fields match
// everything; a non-nil empty Groups matches nothing.
type ReleaseFilter struct {
	Group  string
	Groups []string       // any of these groups (nil = all)
	Types  []ReleaseType  // any of these types
	States []ReleaseState // any of these states (StateNew for never executed)
	// Search matches releases whose name, description or app contains it,
	// ignoring ASCII case.
	Search string
	// Offset skips that many releases of the order; Limit caps the page
	// (0 = all). CountReleases ignores both.
	Offset, Limit int
}

// ReleaseStore keeps releases, their history and their locks.
type ReleaseStore interface {
	// CreateRelease stores a new release with revision 1; CodeConflict on
	// field "name" if the name is taken, on field "app" if the group
	// already has a release for the app.
	CreateRelease(ctx context.Context, r *Release) error
	// FindRelease returns a release by name; CodeNotFound if none.
	FindRelease(ctx context.Context, name string) (*Release, error)
	// FindReleases lists releases, newest first (then by name).
	FindReleases(ctx context.Context, f ReleaseFilter) ([]*Release, error)
	// CountReleases counts the releases f matches, ignoring its paging.
	CountReleases(ctx context.Context, f ReleaseFilter) (int, error)
	// UpdateRelease saves r if its revision matches (CodeConflict if not)
	// and, when h is not nil, appends h to the history in the same
	// transaction: an operation is recorded completely or not at all. A
	// release saved as ENDED loses its lock in the same transaction (an
	// ended release holds no lock); so does FinishPublishIntent.
	UpdateRelease(ctx context.Context, r *Release, h *ReleaseHistory) error
	// DeleteRelease removes a release, its history and its lock.
	DeleteRelease(ctx context.Context, name string, revision int64) error
	// ReleaseHistory lists a release's operations, newest first.
	ReleaseHistory(ctx context.Context, name string, limit int) ([]*ReleaseHistory, error)
	// AcquireReleaseLock takes or renews the lock for l.Holder in
	// l.Session until l.ExpiresAt when it is free, expired or already
	// theirs (the same holder in the same session: renewing keeps Since);
	// otherwise it returns the current lock and CodeConflict.
	AcquireReleaseLock(ctx context.Context, l *ReleaseLock, now time.Time) (*ReleaseLock, error)
	// ReleaseLocks lists the locks not expired at now, by release name:
	// of the named releases, or of every release when names is nil.
	ReleaseLocks(ctx context.Context, now time.Time, names []string) ([]*ReleaseLock, error)
	// FindReleaseLock returns the lock (nil if none or expired at now).
	FindReleaseLock(ctx context.Context, name string, now time.Time) (*ReleaseLock, error)
	// ReleaseReleaseLock removes the lock if holder holds it in session
	// (holder "" removes anyone's: breaking it).
	ReleaseReleaseLock(ctx context.Context, name, holder, session string) error
}
