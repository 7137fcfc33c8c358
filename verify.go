package switchyard

import (
	"context"
	"encoding/json"
	"time"
)

// The verification tests of seed 003 (全链路自动化流量侦测测试 and
// 全链路自动化模拟流程测试), DiscoveryTool's automation console: an
// inspection sends samples through the real gateway with Nepxion's inspector
// and counts the chains; a simulation runs DiscoveryTool's seven phases of
// rule changes against the real data plane and asserts after each what
// Nepxion asserts. Package verify runs them; these are their types and the
// store port that keeps their saved configs and their runs.

// VerifyKind is what a verification test is.
type VerifyKind string

// The kinds.
const (
	VerifyInspection VerifyKind = "inspection"
	VerifySimulation VerifyKind = "simulation"
)

// VerifyStatus is where a run is.
type VerifyStatus string

// The run statuses: an inspection ends COMPLETED (it asserts nothing), a
// simulation PASSED or FAILED; either may fail on an error or be ABORTED.
const (
	VerifyRunning   VerifyStatus = "RUNNING"
	VerifyCompleted VerifyStatus = "COMPLETED"
	VerifyPassed    VerifyStatus = "PASSED"
	VerifyFailed    VerifyStatus = "FAILED"
	VerifyAborted   VerifyStatus = "ABORTED"
)

// Finished reports whether the run can change no more.
func (s VerifyStatus) Finished() bool { return s != VerifyRunning && s != "" }

// VerifyTask is a test's task key, Nepxion's "group@@serviceId".
func VerifyTask(group, serviceID string) string { return group + "@@" + serviceID }

// InspectionConditions are the inspector test's application.properties
// (testcase.inspect.url, testcase.inspect.context.service,
// testcase.sample.count, testcase.result.filter, testcase.debug.enabled).
type InspectionConditions struct {
	InspectURL     string   `json:"inspectUrl" doc:"testcase.inspect.url: a registered gateway's or service's inspector URL; empty: through a registered instance of the entry app at /{contextService}/inspector/inspect"`
	ContextService string   `json:"contextService" doc:"testcase.inspect.context.service: the first service behind the gateway (its route picks it; left out of serviceIdList)"`
	SampleCount    int      `json:"sampleCount" doc:"testcase.sample.count (default 10)"`
	ResultFilter   []string `json:"resultFilter" doc:"testcase.result.filter: the tags each hop shows (default ID,V)"`
	Debug          bool     `json:"debug" doc:"testcase.debug.enabled (the segments are always kept)"`
}

// SimulationConditions are the simulator's application.properties.
type SimulationConditions struct {
	ConsoleURL     string `json:"consoleUrl,omitempty" doc:"testcase.console.url: accepted for Nepxion's files; this server is the console"`
	AwaitMillis    int    `json:"awaitMillis" doc:"testcase.console.operation.await.time: the longest wait after a rule change for the instances to apply it (default 5000); the wait ends as soon as they report it"`
	InspectURL     string `json:"inspectUrl" doc:"testcase.inspect.url (see InspectionConditions)"`
	ContextService string `json:"contextService" doc:"testcase.inspect.context.service"`
	LoopCount      int    `json:"loopCount" doc:"testcase.loop.count (default 1)"`
	BlueGreenCount int    `json:"blueGreenSampleCount" doc:"testcase.bluegreen.sample.count (default 100)"`
	GrayCount      int    `json:"graySampleCount" doc:"testcase.gray.sample.count (default 1000)"`
	GrayOffset     int    `json:"grayWeightOffset" doc:"testcase.gray.weight.offset in percentage points, strict (default 5)"`
	VersionPrefer  bool   `json:"versionPreferEnabled" doc:"testcase.version.prefer.enabled: the normal phases are asserted like basic"`
	// SecondRelease is testcase.second.release.enabled (nil: true).
	SecondRelease *bool `json:"secondReleaseEnabled,omitempty" doc:"testcase.second.release.enabled: run phases 5-7 (default true)"`
	Debug         bool  `json:"debug" doc:"testcase.debug.enabled"`
}

// SecondReleaseEnabled reports whether phases 5-7 run.
func (c *SimulationConditions) SecondReleaseEnabled() bool {
	return c.SecondRelease == nil || *c.SecondRelease
}

// InspectionConfig is the 流量侦测 page, saved for reuse: the inspector
// strategy (YAML as mock-inspector.yaml: the services to pass through, the
// headers to send) and the conditions.
type InspectionConfig struct {
	Group      string               `json:"group"`
	ServiceID  string               `json:"serviceId" doc:"the entry app (a gateway)"`
	Strategy   string               `json:"strategy" doc:"YAML as mock-inspector.yaml: service (list) and header (map)"`
	Conditions InspectionConditions `json:"conditions"`
	Revision   int64                `json:"revision"`
	UpdatedAt  time.Time            `json:"updatedAt"`
	UpdatedBy  string               `json:"updatedBy"`
}

// SimulationConfig is the 模拟 page, saved for reuse: the three release
// strategies (YAML as mock-version-release-basic.yaml, -1.yaml, -2.yaml)
// and the conditions.
type SimulationConfig struct {
	Group      string               `json:"group"`
	ServiceID  string               `json:"serviceId" doc:"the entry app whose rule key the phases change"`
	Basic      string               `json:"basic" doc:"mock-version-release-basic.yaml: phase 2 (create) and phase 5 (recreate)"`
	Release1   string               `json:"release1" doc:"mock-version-release-1.yaml: phase 3 (create); its conditions are asserted in phases 3 and 6"`
	Release2   string               `json:"release2" doc:"mock-version-release-2.yaml: phase 6 (recreate)"`
	Conditions SimulationConditions `json:"conditions"`
	Revision   int64                `json:"revision"`
	UpdatedAt  time.Time            `json:"updatedAt"`
	UpdatedBy  string               `json:"updatedBy"`
}

// VersionCount is how often one service@@version was hit.
type VersionCount struct {
	Key     string `json:"key" doc:"service@@version"`
	Service string `json:"service"`
	Version string `json:"version"`
	Count   int    `json:"count"`
	// Side is old or new for a simulation (from the versions online at its
	// start), empty in an inspection.
	Side string `json:"side,omitempty" enum:",old,new"`
}

// ChainHop is one node of an inspected chain: its segment and its tags.
type ChainHop struct {
	Service string            `json:"service"`
	Version string            `json:"version"`
	Segment string            `json:"segment" doc:"the node's segment as it came: [ID=…][UID=…]…"`
	Tags    map[string]string `json:"tags"`
}

// ChainCount is one distinct chain seen and how often.
type ChainCount struct {
	Chain string     `json:"chain" doc:"the chain reduced to the result filter's tags, hops joined by ' -> '"`
	Count int        `json:"count"`
	Hops  []ChainHop `json:"hops"`
}

// ChainTopology is the chains seen as a graph: nodes are service@@version, edges
// who called whom, with counts.
type ChainTopology struct {
	Nodes []TopologyNode `json:"nodes"`
	Edges []TopologyEdge `json:"edges"`
}

// TopologyNode is one service@@version seen.
type TopologyNode struct {
	ID      string `json:"id" doc:"service@@version"`
	Service string `json:"service"`
	Version string `json:"version"`
	Count   int    `json:"count"`
	Entry   bool   `json:"entry,omitempty" doc:"the inspection's entry (the gateway)"`
}

// TopologyEdge is one hop of the chains seen.
type TopologyEdge struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// InspectionResult is what an inspection saw, live while it runs.
type InspectionResult struct {
	URL      string            `json:"url" doc:"where the samples were sent"`
	Services []string          `json:"serviceIdList" doc:"the inspector's serviceIdList"`
	Header   map[string]string `json:"header"`
	Samples  int               `json:"samples" doc:"samples answered"`
	Counts   []VersionCount    `json:"counts" doc:"every hop counted by service@@version"`
	Chains   []ChainCount      `json:"chains" doc:"the distinct chains (at most 200; the rest count in otherChains)"`
	Other    int               `json:"otherChains"`
	Topology ChainTopology     `json:"topology"`
}

// Assertion is one check of a simulation batch, with what it counted.
type Assertion struct {
	Name     string   `json:"name" doc:"normal.hit, basic.old, bluegreen.old, bluegreen.new, isolation, gray.equal.old, gray.equal.new, gray.weight.old, gray.weight.new"`
	Passed   bool     `json:"passed"`
	Expected string   `json:"expected"`
	Actual   string   `json:"actual"`
	Message  *Message `json:"message"`
}

// VerifyBatch is one series of samples within a phase (Nepxion's
// testNormal, testBasic, testBlueGreen, testGray calls) and its assertions.
type VerifyBatch struct {
	Kind       string            `json:"kind" enum:"normal,basic,bluegreen,gray"`
	Header     map[string]string `json:"header" doc:"the header parameters sent (none: no header)"`
	Loop       int               `json:"loop" doc:"the loop (testcase.loop.count) this batch belongs to, from 1"`
	Samples    int               `json:"samples"`
	Planned    int               `json:"planned"`
	Counts     []VersionCount    `json:"counts"`
	Expected   []int             `json:"expectedWeight,omitempty" doc:"gray: the old and new weights expected"`
	Weights    []float64         `json:"actualWeight,omitempty" doc:"gray: the old and new shares seen, in percent"`
	Assertions []Assertion       `json:"assertions"`
	Passed     bool              `json:"passed"`
}

// PhaseStatus is where one phase of a simulation is.
type PhaseStatus string

// The phase statuses.
const (
	PhasePending PhaseStatus = "PENDING"
	PhaseRunning PhaseStatus = "RUNNING"
	PhasePassed  PhaseStatus = "PASSED"
	PhaseFailed  PhaseStatus = "FAILED"
	PhaseSkipped PhaseStatus = "SKIPPED"
)

// VerifyPhase is one of DiscoveryTool's seven phases.
type VerifyPhase struct {
	Index  int         `json:"index" doc:"1..7"`
	Name   string      `json:"name" enum:"reset,basic,release1,recreate-basic,recreate-release2"`
	Action string      `json:"action" doc:"the console operation, e.g. strategy/create-version-release-yaml"`
	Status PhaseStatus `json:"status" enum:"PENDING,RUNNING,PASSED,FAILED,SKIPPED"`
	// RuleVersion is the config version the phase's change left at the key.
	RuleVersion int64  `json:"ruleVersion,omitempty"`
	Rule        string `json:"rule,omitempty" doc:"the rule text the phase published"`
	// Applied says how the change was waited for: which instances
	// reported it, or the settle time slept.
	Applied   string        `json:"applied,omitempty"`
	Injected  bool          `json:"injected,omitempty" doc:"the test hook replaced the phase's rule"`
	Batches   []VerifyBatch `json:"batches"`
	Error     *Message      `json:"error,omitempty"`
	StartedAt *time.Time    `json:"startedAt,omitempty"`
	EndedAt   *time.Time    `json:"endedAt,omitempty"`
}

// ServiceSides are a service's versions online at a simulation's start:
// the old (first) and the new (the rest).
type ServiceSides struct {
	Service string   `json:"service"`
	All     []string `json:"all"`
	Old     []string `json:"old"`
	New     []string `json:"new"`
}

// SimulationResult is what a simulation did and saw, live while it runs.
type SimulationResult struct {
	URL      string         `json:"url"`
	Services []string       `json:"serviceIdList"`
	Versions []ServiceSides `json:"versions"`
	Phases   []VerifyPhase  `json:"phases"`
	Topology ChainTopology  `json:"topology"`
}

// RuleSnapshot is the rule in effect at a key before a simulation changed
// it, recorded before anything is changed.
type RuleSnapshot struct {
	Key     ConfigKey `json:"key"`
	Content string    `json:"content"`
	Format  string    `json:"format"`
	Version int64     `json:"version" doc:"0: the key was never written"`
	Deleted bool      `json:"deleted,omitempty"`
}

// RestoreOutcome says whether the rule before a simulation is back.
type RestoreOutcome struct {
	Status  string    `json:"status" enum:"restored,unchanged,skipped,failed"`
	Version int64     `json:"version,omitempty" doc:"the config version after the restore"`
	Message *Message  `json:"message"`
	At      time.Time `json:"at"`
}

// VerifyInject is the test hook of a simulation (only on a server started
// with SWITCHYARD_TEST_HOOKS=1, only for admins): after phase Phase's own
// change, Rule is published instead, so the phase's assertions see a wrong
// rule.
type VerifyInject struct {
	Phase int    `json:"phase" doc:"1..7"`
	Rule  string `json:"rule" doc:"the wrong rule (XML or JSON)"`
}

// InspectionRun is an inspection's config and result.
type InspectionRun struct {
	Config InspectionConfig `json:"config"`
	Result InspectionResult `json:"result"`
}

// SimulationRun is a simulation's config, result, the rule before it and
// whether that is back.
type SimulationRun struct {
	Config   SimulationConfig `json:"config"`
	Result   SimulationResult `json:"result"`
	Original *RuleSnapshot    `json:"original,omitempty"`
	Restore  *RestoreOutcome  `json:"restore,omitempty"`
	// Written is the last config version the simulation wrote at the key.
	Written int64 `json:"written,omitempty"`
	// Locks are the releases of the key whose operating locks the
	// simulation holds while it runs (nobody operates them meanwhile).
	Locks  []string      `json:"locks,omitempty"`
	Inject *VerifyInject `json:"inject,omitempty" doc:"the test hook, when set"`
}

// VerifyRun is one run of an inspection or a simulation. Lists carry the
// header only; GET /api/verify/runs/{id} adds Inspection or Simulation.
type VerifyRun struct {
	ID        string       `json:"id"`
	Kind      VerifyKind   `json:"kind" enum:"inspection,simulation"`
	Task      string       `json:"task" doc:"group@@serviceId"`
	Group     string       `json:"group"`
	ServiceID string       `json:"serviceId"`
	Status    VerifyStatus `json:"status" enum:"RUNNING,COMPLETED,PASSED,FAILED,ABORTED"`
	StartedBy string       `json:"startedBy"`
	StartedAt time.Time    `json:"startedAt"`
	EndedAt   *time.Time   `json:"endedAt,omitempty"`
	// Reason says why a run failed or was aborted.
	Reason  *Message `json:"reason,omitempty"`
	Done    int      `json:"done" doc:"samples sent"`
	Total   int      `json:"total" doc:"samples planned"`
	AbortBy string   `json:"abortRequestedBy,omitempty"`
	Seq     int64    `json:"seq" doc:"grows with every saved change: the event id of the live stream"`

	Inspection *InspectionRun `json:"inspection,omitempty"`
	Simulation *SimulationRun `json:"simulation,omitempty"`
}

// VerifyStarted is the answer to a start: the run's id and its task.
type VerifyStarted struct {
	ID   string     `json:"id"`
	Task string     `json:"task" doc:"group@@serviceId"`
	Run  *VerifyRun `json:"run"`
}

// VerifyConfig is a saved config as the store keeps it: Body is the JSON
// of an InspectionConfig or a SimulationConfig.
type VerifyConfig struct {
	Kind      VerifyKind
	Group     string
	ServiceID string
	Body      json.RawMessage
	Revision  int64
	UpdatedAt time.Time
	UpdatedBy string
}

// VerifyRecord is a run as the store keeps it: the header in columns, the
// kind's InspectionRun or SimulationRun as Body, and the lease of the
// process running it (Epoch grows with every claim; a write names the
// epoch it claimed).
type VerifyRecord struct {
	ID         string
	Kind       VerifyKind
	Group      string
	ServiceID  string
	Status     VerifyStatus
	StartedBy  string
	StartedAt  time.Time
	EndedAt    *time.Time
	Reason     *Message
	Done       int
	Total      int
	Body       json.RawMessage
	AbortBy    string
	AbortAt    *time.Time
	Epoch      int64
	LeaseOwner string
	LeaseUntil time.Time
	Seq        int64
}

// VerifyFilter narrows FindVerifyRuns. Limit defaults to 50, at most 500.
type VerifyFilter struct {
	Kind      VerifyKind
	Group     string
	ServiceID string
	Status    VerifyStatus
	Limit     int
}

// VerifyStore keeps the saved verification configs and the runs.
type VerifyStore interface {
	// PutVerifyConfig saves c (Revision set to the next) if the stored
	// revision is ifRevision (0: none stored yet; -1: whatever is stored);
	// CodeConflict otherwise.
	PutVerifyConfig(ctx context.Context, c *VerifyConfig, ifRevision int64) error
	// FindVerifyConfig returns the saved config; CodeNotFound if none.
	FindVerifyConfig(ctx context.Context, kind VerifyKind, group, serviceID string) (*VerifyConfig, error)
	// CreateVerifyRun stores a new run with Seq 1 and Epoch 1 under the
	// lease r.LeaseOwner/r.LeaseUntil. At most one simulation per (group,
	// serviceId) is RUNNING: creating another fails with CodeConflict
	// (reason verify.running) and returns the running one (whatever its
	// lease: a dead process's run is recovered, not overtaken).
	CreateVerifyRun(ctx context.Context, r *VerifyRecord) (running *VerifyRecord, err error)
	// FindVerifyRun returns a run with its Body; CodeNotFound if none.
	FindVerifyRun(ctx context.Context, id string) (*VerifyRecord, error)
	// FindVerifyRuns lists runs without their Body, newest first.
	FindVerifyRuns(ctx context.Context, f VerifyFilter) ([]*VerifyRecord, error)
	// SaveVerifyRun writes r's status, reason, progress, body, end time and
	// lease if r.Epoch is still the run's epoch (CodeConflict if not: the
	// lease was lost), increments r.Seq, and reads back the abort request
	// into r.AbortBy and r.AbortAt.
	SaveVerifyRun(ctx context.Context, r *VerifyRecord) error
	// ClaimVerifyRun takes the lease of id for owner until until if it is
	// free, expired at now or already owner's, and increments the epoch;
	// CodeConflict if another owner holds it.
	ClaimVerifyRun(ctx context.Context, id, owner string, now, until time.Time) (*VerifyRecord, error)
	// RequestVerifyAbort records who asks a RUNNING run to stop (the first
	// request is kept) and returns the run; CodeConflict (reason
	// verify.finished) when it has finished; CodeNotFound if none.
	RequestVerifyAbort(ctx context.Context, id, by string, at time.Time) (*VerifyRecord, error)
	// PruneVerifyRuns deletes the finished runs of kind at (group,
	// serviceId) beyond the newest keep, and returns how many.
	PruneVerifyRuns(ctx context.Context, kind VerifyKind, group, serviceID string, keep int) (int, error)
}

// InspectionRequest is the body of PUT /api/verify/inspections/{group}/{serviceId}/config
// and of a start (an empty start body runs the saved config; a start with a
// body runs it and saves it). The conditions come as JSON or as Nepxion's
// text (ConditionsText).
type InspectionRequest struct {
	Strategy         string                `json:"strategy" doc:"YAML as mock-inspector.yaml"`
	Conditions       *InspectionConditions `json:"conditions,omitempty"`
	ConditionsText   string                `json:"conditionsText,omitempty" doc:"the conditions as the inspector's application.properties (or YAML with conditionsFormat yaml), instead of conditions"`
	ConditionsFormat string                `json:"conditionsFormat,omitempty" enum:",properties,yaml"`
	Revision         int64                 `json:"revision" doc:"PUT: the revision of the saved config read (0: none saved yet); ignored by a start"`
}

// SimulationRequest is the body of PUT /api/verify/simulations/{group}/{serviceId}/config
// and of a start (see InspectionRequest).
type SimulationRequest struct {
	Basic            string                `json:"basic" doc:"mock-version-release-basic.yaml"`
	Release1         string                `json:"release1" doc:"mock-version-release-1.yaml"`
	Release2         string                `json:"release2" doc:"mock-version-release-2.yaml"`
	Conditions       *SimulationConditions `json:"conditions,omitempty"`
	ConditionsText   string                `json:"conditionsText,omitempty" doc:"the conditions as the simulator's application.properties (or YAML), instead of conditions; testcase.group and testcase.service, when set, must name the path's key"`
	ConditionsFormat string                `json:"conditionsFormat,omitempty" enum:",properties,yaml"`
	Revision         int64                 `json:"revision" doc:"PUT: the revision of the saved config read (0: none saved yet); ignored by a start"`
	// Inject is the TEST HOOK (see VerifyInject): refused unless the server
	// runs with SWITCHYARD_TEST_HOOKS=1 and the caller is an admin; never
	// saved with the config.
	Inject *VerifyInject `json:"inject,omitempty" doc:"TEST HOOK, admins on a server started with SWITCHYARD_TEST_HOOKS=1 only: publish a wrong rule after a phase's own change"`
}
