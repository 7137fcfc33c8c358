package switchyard

import "time"

// The request and response bodies of the workflow API, shared by the
// server, the Go client and the CLI.

// TemplateParams are the durations and steps a template is filled with:
// the seed's 5, 10 and 30 minutes of observation by default, seconds in
// tests and the demo.
type TemplateParams struct {
	// NewVersion is the version DEPLOY brings up (default: the release's
	// new version, from the registry or the release's name).
	NewVersion string `json:"newVersion,omitempty"`
	// Weights are the traffic steps (default 10, 50, 100) and Observe the
	// monitoring after each (default 5m, 10m, 30m).
	Weights []int    `json:"weights,omitempty"`
	Observe []string `json:"observe,omitempty" doc:"Go durations, one per weight"`
	// Increment and Interval shape the gradual shifts (default 5 points
	// every 5s); Sample is how often MONITOR measures (default 30s).
	Increment int    `json:"increment,omitempty"`
	Interval  string `json:"interval,omitempty"`
	Sample    string `json:"sample,omitempty"`
	// Retries is how often the rollback edge leads back to DEPLOY
	// (default 0: a rollback ends the execution).
	Retries int `json:"retries,omitempty"`
	// Instances per service DEPLOY brings up (default 1).
	Instances int `json:"instances,omitempty"`
}

// TemplateInfo describes a template (GET /api/workflow-templates).
type TemplateInfo struct {
	Template    Template       `json:"template" enum:"BLUE_GREEN,CANARY,ROLLING,CUSTOM"`
	Name        string         `json:"name" doc:"蓝绿部署, 金丝雀, 滚动, 自定义"`
	NameEN      string         `json:"nameEn"`
	Description string         `json:"description"`
	Params      TemplateParams `json:"params" doc:"the defaults"`
	Steps       []Step         `json:"steps"`
	Edges       []Edge         `json:"edges"`
}

// NewWorkflow is the body of POST /api/workflows: a template filled with
// params, or the steps and edges given (CUSTOM).
type NewWorkflow struct {
	ReleaseID string          `json:"releaseId"`
	Name      string          `json:"name,omitempty"`
	Template  Template        `json:"template" enum:"BLUE_GREEN,CANARY,ROLLING,CUSTOM"`
	Params    *TemplateParams `json:"params,omitempty"`
	Steps     []Step          `json:"steps,omitempty" doc:"instead of the template's"`
	Edges     []Edge          `json:"edges,omitempty"`
}

// WorkflowUpdate is the body of PUT /api/workflows/{id}: the whole graph
// and the version it is based on.
type WorkflowUpdate struct {
	Version  int      `json:"version" doc:"the version the change is based on"`
	Name     string   `json:"name"`
	Template Template `json:"template" enum:"BLUE_GREEN,CANARY,ROLLING,CUSTOM"`
	Steps    []Step   `json:"steps"`
	Edges    []Edge   `json:"edges"`
}

// Validation is the answer of POST /api/workflows/{id}/validate: every
// problem, each naming the step or edge and the field.
type Validation struct {
	Valid  bool           `json:"valid"`
	Issues []FieldProblem `json:"issues"`
}

// FieldProblem is one validation problem.
type FieldProblem struct {
	Field   string            `json:"field" doc:"e.g. steps[3].config.weight, edges[2].to"`
	StepID  string            `json:"stepId,omitempty"`
	Edge    int               `json:"edge" doc:"the edge's index, -1 when the problem is not an edge's"`
	Reason  string            `json:"reason"`
	Params  map[string]string `json:"params,omitempty"`
	Message string            `json:"message"`
}

// StartRequest is the body of POST /api/workflows/{id}/executions.
type StartRequest struct {
	// Version runs a saved version other than the current one.
	Version int `json:"version,omitempty"`
}

// SignalRequest is the body of POST /api/executions/{id}/{signal}.
type SignalRequest struct {
	StepID  string `json:"stepId,omitempty" doc:"the step the signal is meant for; refused if it is not the current one"`
	Comment string `json:"comment,omitempty"`
}

// ExecutionSummary is one row of 执行记录 (GET /api/executions).
type ExecutionSummary struct {
	ID              string          `json:"id"`
	WorkflowID      string          `json:"workflowId"`
	WorkflowVersion int             `json:"workflowVersion"`
	ReleaseID       string          `json:"releaseId"`
	Status          ExecutionStatus `json:"status"`
	CurrentStep     string          `json:"currentStep"`
	StartTime       time.Time       `json:"startTime"`
	EndTime         *time.Time      `json:"endTime,omitempty"`
	Duration        float64         `json:"duration" doc:"seconds, up to now while running"`
	StartedBy       string          `json:"startedBy"`
	Reason          *Message        `json:"reason,omitempty"`
}

// ExecutionStats are the numbers a delivery lead asks for over a list of
// executions.
type ExecutionStats struct {
	Total          int     `json:"total"`
	PerWeek        float64 `json:"perWeek"`
	RolledBack     int     `json:"rolledBack"`
	RolledBackRate float64 `json:"rolledBackRate" doc:"percent"`
	MedianDuration float64 `json:"medianDuration" doc:"seconds, of finished executions"`
}

// ExecutionList is the answer of GET /api/executions.
type ExecutionList struct {
	Executions []*ExecutionSummary `json:"executions"`
	Stats      ExecutionStats      `json:"stats"`
}
