package switchyard

// The request and response bodies of the release API, shared by the server,
// the Go client and the CLI.

import "time"

// NewRelease is the body of POST /api/releases (新建发布).
type NewRelease struct {
	Name         string       `json:"name"`
	Description  string       `json:"description,omitempty"`
	Subscription Subscription `json:"subscription" enum:"PARTIAL,GLOBAL"`
	Group        string       `json:"group"`
	App          string       `json:"app,omitempty" doc:"required for PARTIAL"`
	Spec         ReleaseSpec  `json:"spec"`
}

// ReleaseUpdate saves the release page's form without publishing (the
// subscription, group, app and gateway-only switch are fixed once created).
type ReleaseUpdate struct {
	Revision    int64        `json:"revision"`
	Description *string      `json:"description,omitempty"`
	Spec        *ReleaseSpec `json:"spec,omitempty"`
}

// OperationRequest executes an operation; Spec (the form as shown) is saved
// with it when the operation succeeds.
type OperationRequest struct {
	Operation Operation    `json:"operation" enum:"fallback,release,rollback,end"`
	Revision  int64        `json:"revision" doc:"the release revision the form was based on; 0 skips the check"`
	Spec      *ReleaseSpec `json:"spec,omitempty" doc:"the form; omitted = the saved one"`
	// Deploy joins 执行发布 to bringing the new version online (seed 003 ②):
	// release only.
	Deploy *ReleaseDeploy `json:"deploy,omitempty" doc:"release only: start the new version first, publish once every new instance is registered and healthy for the settle time"`
	// Offline joins 结束发布 to taking the old version offline (seed 003 ④):
	// end only.
	Offline *ReleaseOffline `json:"offline,omitempty" doc:"end only: stop the old version first (the rule must send it nothing), clear the rule once it is deregistered and the settle time passed"`
}

// ReleaseDeploy is 执行发布 with 上线新服务: the deployer is asked to run
// Instances of each service at Version; the rule is published only once
// every one is registered and has answered its health endpoint for Settle.
type ReleaseDeploy struct {
	Version   string   `json:"version" doc:"the new version to start (required)"`
	Instances int      `json:"instances" doc:"instances per service (0: 1; at most 100)"`
	Services  []string `json:"services,omitempty" doc:"the services to deploy (default: the release's)"`
	Deployer  string   `json:"deployer,omitempty" doc:"the deployer (default process)"`
	Settle    string   `json:"settle,omitempty" doc:"how long every new instance must stay healthy, a Go duration (default 2s, at most 10m)"`
	Timeout   string   `json:"timeout,omitempty" doc:"give up after this long, leaving the rule as it was (default 2m, at most 30m)"`
}

// ReleaseOffline is 结束发布 with 下线旧服务: refused unless the rule in
// effect sends the old version nothing; the deployer is asked to run no
// instance of each service's old version; the rule is cleared once the
// registry lists none of them and Settle passed.
type ReleaseOffline struct {
	Services []string `json:"services,omitempty" doc:"the services whose old version goes (default: the release's)"`
	Deployer string   `json:"deployer,omitempty" doc:"the deployer (default process)"`
	Settle   string   `json:"settle,omitempty" doc:"wait this long after the last old instance left the registry (default 2s, at most 10m)"`
	Timeout  string   `json:"timeout,omitempty" doc:"give up after this long (default 2m, at most 30m)"`
}

// RolloutProgress is what a 执行发布 with deploy or 结束发布 with offline
// under way has done so far, for the release page (live in the release's
// status while it runs, then kept in the operation's history entry).
type RolloutProgress struct {
	Kind    string        `json:"kind" enum:"deploy,offline"`
	Running bool          `json:"running"`
	Lines   []RolloutLine `json:"lines"`
	Failed  *Message      `json:"failed,omitempty" doc:"why it stopped: which instance failed; the rule was left as it was"`
	Started time.Time     `json:"started"`
}

// RolloutLine is one step of a rollout's progress.
type RolloutLine struct {
	Time    time.Time `json:"time"`
	Message Message   `json:"message"`
}

// ServiceVersions are a service's online versions, old to new.
type ServiceVersions struct {
	Service  string   `json:"service"`
	Versions []string `json:"versions" doc:"oldest first, by the release's sort"`
	Old      string   `json:"old" doc:"the stable (green) version"`
	New      string   `json:"new" doc:"the new (blue) versions, ';'-joined when several"`
}

// RouteView is one <route> of a rule: the concrete versions a condition
// sends traffic to.
type RouteView struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Preview is what an operation would publish: the document assembled from
// the form, the rule it becomes, and the rule it replaces.
type Preview struct {
	Operation Operation         `json:"operation"`
	Key       ConfigKey         `json:"key"`
	YAML      string            `json:"yaml"`
	XML       string            `json:"xml"`
	Before    string            `json:"before" doc:"the rule in the config center now"`
	Versions  []ServiceVersions `json:"versions"`
	Routes    []RouteView       `json:"routes" doc:"the routes of the rule, to check the concrete versions"`
	Default   string            `json:"default" doc:"the <strategy><version> the rule falls back to"`
	Warnings  []string          `json:"warnings,omitempty"`
}

// OperationResult is an executed operation: the release after it and what
// the config center holds now (read back).
type OperationResult struct {
	Release *Release         `json:"release"`
	History *ReleaseHistory  `json:"history"`
	XML     string           `json:"xml" doc:"read back from the config center"`
	Version int64            `json:"version"`
	Rollout *RolloutProgress `json:"rollout,omitempty" doc:"what the deploy or offline did"`
}

// TopologyRoute is where a condition sends traffic.
type TopologyRoute struct {
	Route    string            `json:"route"`
	Weight   int               `json:"weight" doc:"gray weight in percent; -1 for blue-green"`
	Versions map[string]string `json:"versions" doc:"service → version(s)"`
}

// TopologyCondition is one condition of the effective rule.
type TopologyCondition struct {
	Kind       string          `json:"kind" enum:"blue-green,gray"`
	ID         string          `json:"id"`
	Expression string          `json:"expression" doc:"empty for the basic condition"`
	Routes     []TopologyRoute `json:"routes"`
}

// Topology is the effective rule drawn as entry → services with the route
// each condition takes.
type Topology struct {
	Entry      string              `json:"entry"`
	Services   []string            `json:"services"`
	Default    map[string]string   `json:"default" doc:"service → version(s) of <strategy>, the fallback"`
	Conditions []TopologyCondition `json:"conditions"`
	Header     map[string]string   `json:"header,omitempty"`
}

// RuleView is the rule in effect for a release: the config center's text
// and its topology.
type RuleView struct {
	Key        ConfigKey   `json:"key"`
	Entry      ConfigEntry `json:"entry"`
	Topology   *Topology   `json:"topology,omitempty"`
	ParseError string      `json:"parseError,omitempty"`
}

// ReleaseView is a release with its lock and what the caller may do with it.
type ReleaseView struct {
	Release
	// CreatedByName and ExecutedByName are the display names of CreatedBy
	// and ExecutedBy (张三 for zhangsan); the user name when there is none.
	CreatedByName  string       `json:"createdByName" doc:"display name of createdBy"`
	ExecutedByName string       `json:"executedByName,omitempty" doc:"display name of executedBy"`
	Lock           *ReleaseLock `json:"lock,omitempty" doc:"who operates it now; never on an ended release"`
	ReleaseAccess
}

// ReleaseTable is one page of the release table (发布列表), newest first.
type ReleaseTable struct {
	Items  []*ReleaseView `json:"items"`
	Total  int            `json:"total" doc:"how many releases the filter matches, on every page"`
	Offset int            `json:"offset"`
	Limit  int            `json:"limit"`
}

// ReleaseStatus is what an open release page polls (every few seconds) to
// notice at once that the release changed underneath it or that its lock
// changed hands.
type ReleaseStatus struct {
	Name     string       `json:"name"`
	Revision int64        `json:"revision"`
	State    ReleaseState `json:"state" enum:",FALLBACK,RELEASED,ROLLED_BACK,ENDED"`
	Lock     *ReleaseLock `json:"lock,omitempty" doc:"never on an ended release"`
	// LockedByYou reports whether the lock is the caller's own: held by
	// this browser session or API token.
	LockedByYou bool `json:"lockedByYou"`
	// Rollout is a deploy or offline under way on this server (or the
	// last one, until the next operation).
	Rollout *RolloutProgress `json:"rollout,omitempty"`
}

// ReleaseAccess is what the signed-in caller may do with a release now,
// worked out by the server (release.Allowed) from the state machine, the
// permission check and the lock the operations themselves use, so the
// console offers exactly what the server would accept.
type ReleaseAccess struct {
	StateOperations   []Operation        `json:"stateOperations" doc:"the operations the release's state allows, whoever asks, in button order (fallback, release, rollback, end)"`
	AllowedOperations []Operation        `json:"allowedOperations" doc:"the part of stateOperations the caller may execute now"`
	MayEdit           bool               `json:"mayEdit" doc:"may save the form (PATCH): a member of the group or an admin, not ended, not locked by someone else"`
	MayDelete         bool               `json:"mayDelete" doc:"may delete it: a member or an admin, ended or never executed, not locked by someone else"`
	MayLock           bool               `json:"mayLock" doc:"may take or renew the operating lock: a member or an admin, not ended, not locked by someone else (or by the caller in another session)"`
	MayBreakLock      bool               `json:"mayBreakLock" doc:"may break anyone's lock (admins)"`
	LockedByYou       bool               `json:"lockedByYou" doc:"the lock is held by the caller's own browser session or API token (the same user in another session is refused like anyone else)"`
	Refusals          map[string]Refusal `json:"refusals" doc:"why each refused operation (fallback, release, rollback, end) or action (edit, delete, lock, breakLock) is refused"`
}

// Refusal is why the caller may not do something now: the error the server
// would answer the attempt with, so the console translates it the same way
// (reason and params; message is the English text).
type Refusal struct {
	Code    Code              `json:"code" enum:"forbidden,conflict"`
	Message string            `json:"message"`
	Reason  string            `json:"reason"`
	Params  map[string]string `json:"params,omitempty"`
}

// OpRequest is an OperationRequest for op on revision with the saved form.
func OpRequest(op Operation, revision int64) OperationRequest {
	return OperationRequest{Operation: op, Revision: revision}
}
