package client

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

func workflowPath(id string) string  { return "/api/workflows/" + url.PathEscape(id) }
func executionPath(id string) string { return "/api/executions/" + url.PathEscape(id) }

// WorkflowTemplates lists the templates with their defaults.
func (c *Client) WorkflowTemplates(ctx context.Context) ([]switchyard.TemplateInfo, error) {
	var out []switchyard.TemplateInfo
	return out, c.Do(ctx, "GET", "/api/workflow-templates", nil, &out)
}

// CreateWorkflow creates a workflow of a release: a template filled with
// params, or the steps and edges given.
func (c *Client) CreateWorkflow(ctx context.Context, nw switchyard.NewWorkflow) (*switchyard.Workflow, error) {
	var out switchyard.Workflow
	return &out, c.Do(ctx, "POST", "/api/workflows", nw, &out)
}

// Workflows lists the workflows ("" = of every release).
func (c *Client) Workflows(ctx context.Context, releaseID string) ([]*switchyard.Workflow, error) {
	var out []*switchyard.Workflow
	return out, c.Do(ctx, "GET", "/api/workflows"+q("releaseId", releaseID), nil, &out)
}

// Workflow returns a workflow's current version.
func (c *Client) Workflow(ctx context.Context, id string) (*switchyard.Workflow, error) {
	var out switchyard.Workflow
	return &out, c.Do(ctx, "GET", workflowPath(id), nil, &out)
}

// UpdateWorkflow saves the graph as the next version; a conflict when
// upd.Version is not the current one.
func (c *Client) UpdateWorkflow(ctx context.Context, id string, upd switchyard.WorkflowUpdate) (*switchyard.Workflow, error) {
	var out switchyard.Workflow
	return &out, c.Do(ctx, "PUT", workflowPath(id), upd, &out)
}

// ValidateWorkflow validates graph, or the saved version when graph is nil.
func (c *Client) ValidateWorkflow(ctx context.Context, id string, graph *switchyard.WorkflowUpdate) (*switchyard.Validation, error) {
	var out switchyard.Validation
	var in any
	if graph != nil {
		in = graph
	}
	return &out, c.Do(ctx, "POST", workflowPath(id)+"/validate", in, &out)
}

// WorkflowVersions lists the saved versions, newest first.
func (c *Client) WorkflowVersions(ctx context.Context, id string) ([]*switchyard.WorkflowVersion, error) {
	var out []*switchyard.WorkflowVersion
	return out, c.Do(ctx, "GET", workflowPath(id)+"/versions", nil, &out)
}

// WorkflowVersion returns one saved version.
func (c *Client) WorkflowVersion(ctx context.Context, id string, version int) (*switchyard.Workflow, error) {
	var out switchyard.Workflow
	return &out, c.Do(ctx, "GET", workflowPath(id)+"/versions/"+strconv.Itoa(version), nil, &out)
}

// DeleteWorkflow removes a workflow and its versions.
func (c *Client) DeleteWorkflow(ctx context.Context, id string) error {
	return c.Do(ctx, "DELETE", workflowPath(id), nil, nil)
}

// StartExecution starts an execution of a workflow; lang ("zh", "en" or
// "") is the language of the answer's messages.
func (c *Client) StartExecution(ctx context.Context, workflowID string, req switchyard.StartRequest, lang string) (*switchyard.Execution, error) {
	var out switchyard.Execution
	return &out, c.Do(ctx, "POST", workflowPath(workflowID)+"/executions"+q("lang", lang), req, &out)
}

// Executions lists executions with the numbers over them.
func (c *Client) Executions(ctx context.Context, f switchyard.ExecutionFilter, lang string) (*switchyard.ExecutionList, error) {
	var out switchyard.ExecutionList
	kv := []string{"workflowId", f.WorkflowID, "releaseId", f.ReleaseID, "status", string(f.Status), "startedBy", f.StartedBy, "lang", lang}
	if !f.Since.IsZero() {
		kv = append(kv, "since", f.Since.Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		kv = append(kv, "until", f.Until.Format(time.RFC3339))
	}
	if f.Limit > 0 {
		kv = append(kv, "limit", strconv.Itoa(f.Limit))
	}
	return &out, c.Do(ctx, "GET", "/api/executions"+q(kv...), nil, &out)
}

// Execution returns an execution (document 000's JSON, extended) in lang.
func (c *Client) Execution(ctx context.Context, id, lang string) (*switchyard.Execution, error) {
	var out switchyard.Execution
	return &out, c.Do(ctx, "GET", executionPath(id)+q("lang", lang), nil, &out)
}

// Signal sends an execution a signal (pause, resume, abort, rollback,
// retry, skip, approve, reject) and answers the execution once the signal
// was taken; a conflict with the reason when its state refuses it.
func (c *Client) Signal(ctx context.Context, id, kind string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	var out switchyard.Execution
	return &out, c.Do(ctx, "POST", executionPath(id)+"/"+url.PathEscape(kind)+q("lang", lang), req, &out)
}

// Pause pauses a running execution.
func (c *Client) Pause(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "pause", req, lang)
}

// Resume resumes a paused execution.
func (c *Client) Resume(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "resume", req, lang)
}

// Abort aborts an execution.
func (c *Client) Abort(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "abort", req, lang)
}

// Rollback rolls an execution's release back.
func (c *Client) Rollback(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "rollback", req, lang)
}

// Retry retries the failed step.
func (c *Client) Retry(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "retry", req, lang)
}

// Skip skips the current step.
func (c *Client) Skip(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "skip", req, lang)
}

// Approve approves the step waiting for an approval.
func (c *Client) Approve(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "approve", req, lang)
}

// Reject rejects the step waiting for an approval.
func (c *Client) Reject(ctx context.Context, id string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	return c.Signal(ctx, id, "reject", req, lang)
}
