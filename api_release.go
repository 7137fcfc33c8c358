package switchyard

// The request and response bodies of the release API, shared by the server,
// the Go client and the CLI.

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
	Release *Release        `json:"release"`
	History *ReleaseHistory `json:"history"`
	XML     string          `json:"xml" doc:"read back from the config center"`
	Version int64           `json:"version"`
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

// ReleaseView is a release with its lock.
type ReleaseView struct {
	Release
	Lock *ReleaseLock `json:"lock,omitempty"`
}

// OpRequest is an OperationRequest for op on revision with the saved form.
func OpRequest(op Operation, revision int64) OperationRequest {
	return OperationRequest{Operation: op, Revision: revision}
}
