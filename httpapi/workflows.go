package httpapi

import (
	"net/http"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/workflow"
)

// workflowRoutes are the workflow definitions (document 000's
// ReleaseWorkflow): templates, create, save as a new version, validate.
// Changes are checked against the group of the workflow's release, like a
// release operation: in the route's Authorize where the path names the
// workflow (before the body is read), by the service for a new workflow
// (the release is in the body).
func (s *Server) workflowRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "GET", Path: "/api/workflow-templates", Access: SignedIn, Tag: "workflows",
			Summary: "The templates (流程模板): BLUE_GREEN, CANARY, ROLLING, CUSTOM with their default params, steps and edges"}, s.workflowTemplates),
		Op(Route{Method: "POST", Path: "/api/workflows", Access: Operator, Action: "workflow.create", Tag: "workflows", Status: http.StatusCreated,
			Summary: "Create a workflow of a release of your groups: a template filled with params, or the steps and edges given"}, s.createWorkflow),
		Op(Route{Method: "GET", Path: "/api/workflows", Access: SignedIn, Tag: "workflows", Summary: "The workflows (current versions), newest first"}, s.listWorkflows),
		Op(Route{Method: "GET", Path: "/api/workflows/{id}", Access: SignedIn, Tag: "workflows", Summary: "A workflow's current version"}, s.getWorkflow),
		Op(Route{Method: "PUT", Path: "/api/workflows/{id}", Access: Operator, Action: "workflow.update", Authorize: s.workflowGroup, Tag: "workflows",
			Summary: "Save the graph as the next version (send the version it is based on; a stale one is a conflict)"}, s.updateWorkflow),
		Op(Route{Method: "POST", Path: "/api/workflows/{id}/validate", Access: SignedIn, Tag: "workflows", NoAudit: "a check that changes nothing",
			Summary: "Validate a graph (the body) or, without a body, the saved one: every problem naming the step and field; 200 even when invalid"}, s.validateWorkflow),
		Op(Route{Method: "GET", Path: "/api/workflows/{id}/versions", Access: SignedIn, Tag: "workflows", Summary: "The saved versions, newest first"}, s.workflowVersions),
		Op(Route{Method: "GET", Path: "/api/workflows/{id}/versions/{version}", Access: SignedIn, Tag: "workflows", Summary: "One saved version"}, s.workflowVersion),
		Op(Route{Method: "DELETE", Path: "/api/workflows/{id}", Access: Operator, Action: "workflow.delete", Authorize: s.workflowGroup, Tag: "workflows", Status: http.StatusNoContent,
			Summary: "Delete a workflow and its versions (refused while an execution of it is not finished)"}, s.deleteWorkflow),
		Op(Route{Method: "POST", Path: "/api/workflows/{id}/executions", Access: Operator, Action: "execution.start", Authorize: s.workflowGroup, Tag: "executions",
			Status: http.StatusCreated, Summary: "Start an execution of the workflow (its current version, or the saved version asked for)"}, s.startExecution),
	}
}

// workflows is the workflow service, or unavailable on a server built
// without one (the openapi command).
func (s *Server) workflows() (*workflow.Service, error) {
	if s.Workflows == nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "this server runs no workflow engine").WithReason("workflow.unavailable", nil)
	}
	return s.Workflows, nil
}

// workflowGroup authorizes a change of the workflow named in the path:
// members of its release's group (and admins), before the body is read.
func (s *Server) workflowGroup(c *Call) error {
	id := c.R.PathValue("id")
	c.Audit("workflow/"+id, "")
	w, err := s.Store.FindWorkflow(c.R.Context(), id)
	if err != nil {
		return err
	}
	return s.releaseGroupOf(c, w.ReleaseID)
}

// releaseGroupOf authorizes the caller for the group of release name.
func (s *Server) releaseGroupOf(c *Call, name string) error {
	r, err := s.Store.FindRelease(c.R.Context(), name)
	if err != nil {
		return err
	}
	return release.Authorize(c.User(), r.Group)
}

func (s *Server) workflowTemplates(c *Call, _ *NoBody) (*[]switchyard.TemplateInfo, error) {
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	t := ws.Templates()
	return &t, nil
}

type createWorkflowIn struct {
	Body switchyard.NewWorkflow
}

func (s *Server) createWorkflow(c *Call, in *createWorkflowIn) (*switchyard.Workflow, error) {
	c.Audit("release/"+in.Body.ReleaseID, "template="+string(in.Body.Template))
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	w, err := ws.Create(c.R.Context(), c.User(), in.Body)
	if err != nil {
		return nil, err
	}
	c.Audit("workflow/"+w.ID, "release="+w.ReleaseID+" template="+string(w.Template)+" version=1 steps="+strconv.Itoa(len(w.Steps)))
	return w, nil
}

type listWorkflowsIn struct {
	ReleaseID string `query:"releaseId" doc:"only the workflows of this release"`
}

func (s *Server) listWorkflows(c *Call, in *listWorkflowsIn) (*[]*switchyard.Workflow, error) {
	list, err := s.Store.FindWorkflows(c.R.Context(), switchyard.WorkflowFilter{ReleaseID: in.ReleaseID})
	if list == nil {
		list = []*switchyard.Workflow{}
	}
	return &list, err
}

type workflowIDIn struct {
	ID string `path:"id"`
}

func (s *Server) getWorkflow(c *Call, in *workflowIDIn) (*switchyard.Workflow, error) {
	return s.Store.FindWorkflow(c.R.Context(), in.ID)
}

type updateWorkflowIn struct {
	ID   string `path:"id"`
	Body switchyard.WorkflowUpdate
}

func (s *Server) updateWorkflow(c *Call, in *updateWorkflowIn) (*switchyard.Workflow, error) {
	c.Audit("workflow/"+in.ID, "based on version "+strconv.Itoa(in.Body.Version))
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	w, err := ws.Update(c.R.Context(), c.User(), in.ID, in.Body)
	if err != nil {
		return nil, err
	}
	c.Audit("workflow/"+w.ID, "version="+strconv.Itoa(w.Version)+" steps="+strconv.Itoa(len(w.Steps))+" edges="+strconv.Itoa(len(w.Edges)))
	return w, nil
}

type validateWorkflowIn struct {
	ID   string                     `path:"id"`
	Body *switchyard.WorkflowUpdate `body:"optional"`
}

func (s *Server) validateWorkflow(c *Call, in *validateWorkflowIn) (*switchyard.Validation, error) {
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	w, err := s.Store.FindWorkflow(c.R.Context(), in.ID)
	if err != nil {
		return nil, err
	}
	if b := in.Body; b != nil {
		w.Name, w.Template, w.Steps, w.Edges = b.Name, b.Template, b.Steps, b.Edges
	}
	return ws.Check(w), nil
}

func (s *Server) workflowVersions(c *Call, in *workflowIDIn) (*[]*switchyard.WorkflowVersion, error) {
	if _, err := s.Store.FindWorkflow(c.R.Context(), in.ID); err != nil {
		return nil, err
	}
	list, err := s.Store.WorkflowVersions(c.R.Context(), in.ID)
	if list == nil {
		list = []*switchyard.WorkflowVersion{}
	}
	return &list, err
}

type workflowVersionIn struct {
	ID      string `path:"id"`
	Version int    `path:"version"`
}

func (s *Server) workflowVersion(c *Call, in *workflowVersionIn) (*switchyard.Workflow, error) {
	return s.Store.FindWorkflowVersion(c.R.Context(), in.ID, in.Version)
}

func (s *Server) deleteWorkflow(c *Call, in *workflowIDIn) (*NoBody, error) {
	c.Audit("workflow/"+in.ID, "")
	return nil, s.Store.DeleteWorkflow(c.R.Context(), in.ID)
}

type startExecutionIn struct {
	ID   string                  `path:"id"`
	Lang string                  `query:"lang" doc:"zh or en: the language of the answer's messages (default: Accept-Language)"`
	Body switchyard.StartRequest `body:"optional"`
}

func (s *Server) startExecution(c *Call, in *startExecutionIn) (*switchyard.Execution, error) {
	c.Audit("workflow/"+in.ID, "start version "+strconv.Itoa(in.Body.Version))
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	x, err := ws.Start(c.R.Context(), c.User(), in.ID, in.Body, readerLang(c.R, in.Lang))
	if err != nil {
		return nil, err
	}
	c.Audit("execution/"+x.ID, "workflow="+x.WorkflowID+" version="+strconv.Itoa(x.WorkflowVersion)+" release="+x.ReleaseID)
	return x, nil
}

// readerLang is the reader's language: lang= if given, else the
// Accept-Language header.
func readerLang(r *http.Request, lang string) string {
	if lang != "" {
		return workflow.Lang(lang)
	}
	return workflow.Lang(r.Header.Get("Accept-Language"))
}
