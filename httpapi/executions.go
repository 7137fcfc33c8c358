package httpapi

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/workflow"
)

// executionRoutes are the executions of workflows (document 000's
// WorkflowExecution): the list with its numbers, one execution in the
// reader's language, its live event stream, and the signals a person sends
// it — each its own route, so the audit names it (execution.pause, …).
func (s *Server) executionRoutes() []*Route {
	streams := newStreamLimit(maxStreamsPerUser)
	routes := []*Route{
		Op(Route{Method: "GET", Path: "/api/executions", Access: SignedIn, Tag: "executions",
			Summary: "Executions (执行记录), newest first, with the numbers over them (per week, rolled back, median duration)"}, s.listExecutions),
		Op(Route{Method: "GET", Path: "/api/executions/{id}", Access: SignedIn, Tag: "executions",
			Summary: "An execution as document 000's JSON (extended), its messages in the reader's language (lang= or Accept-Language)"}, s.getExecution),
		Raw(Route{Method: "GET", Path: "/api/executions/{id}/events", Access: SignedIn, Tag: "executions", RawResponse: "text/event-stream",
			Summary: "Server-sent events of an execution: step, log, metrics, alert, action, status, traffic, each with id: <seq> " +
				"(reconnect with Last-Event-ID or after= to catch up); a comment every 15 s; event end once the execution finished and every event was sent"},
			func(c *Call, in *eventsIn) error { return s.executionEvents(c, in, streams) }),
	}
	for _, k := range workflow.Signals {
		routes = append(routes, Op(Route{Method: "POST", Path: "/api/executions/{id}/" + k, Access: Operator, Action: "execution." + k,
			Authorize: s.executionGroup, Tag: "executions", Summary: signalSummaries[k] + "; answers the execution once the signal was taken, 409 with the reason when its state refuses it"},
			func(c *Call, in *signalIn) (*switchyard.Execution, error) { return s.signal(c, k, in) }))
	}
	return routes
}

var signalSummaries = map[string]string{
	workflow.SigPause:    "Pause (暂停) a running execution: a gradual shift holds where it is",
	workflow.SigResume:   "Resume (继续) a paused execution from where it stopped",
	workflow.SigAbort:    "Abort (终止) the execution: it ends ABORTED, the traffic stays where it is",
	workflow.SigRollback: "Roll back (回滚): all traffic back to the old versions, then the edge the graph says",
	workflow.SigRetry:    "Retry (重试) the step that failed",
	workflow.SigSkip:     "Skip (跳过) the current step",
	workflow.SigApprove:  "Approve (批准) the step waiting for an approval",
	workflow.SigReject:   "Reject (驳回) the step waiting for an approval",
}

// executionGroup authorizes a signal to the execution named in the path:
// members of its release's group (and admins), before the body is read.
func (s *Server) executionGroup(c *Call) error {
	id := c.R.PathValue("id")
	c.Audit("execution/"+id, "")
	rec, err := s.Store.FindExecution(c.R.Context(), id)
	if err != nil {
		return err
	}
	return s.releaseGroupOf(c, rec.ReleaseID)
}

type listExecutionsIn struct {
	WorkflowID string    `query:"workflowId"`
	ReleaseID  string    `query:"releaseId"`
	Status     string    `query:"status" enum:"RUNNING,PAUSED,COMPLETED,FAILED,ROLLED_BACK,ABORTED"`
	StartedBy  string    `query:"startedBy"`
	Since      time.Time `query:"since" doc:"started at or after (RFC 3339)"`
	Until      time.Time `query:"until" doc:"started before (RFC 3339)"`
	Limit      int       `query:"limit" doc:"at most this many (default 100, at most 1000)"`
	Lang       string    `query:"lang" doc:"zh or en (default: Accept-Language)"`
}

var executionStatuses = []switchyard.ExecutionStatus{switchyard.ExecRunning, switchyard.ExecPaused, switchyard.ExecCompleted,
	switchyard.ExecFailed, switchyard.ExecRolledBack, switchyard.ExecAborted}

func (s *Server) listExecutions(c *Call, in *listExecutionsIn) (*switchyard.ExecutionList, error) {
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	status := switchyard.ExecutionStatus(strings.ToUpper(in.Status))
	if status != "" && !slices.Contains(executionStatuses, status) {
		return nil, switchyard.FieldErrorf("status", "param.invalid", "status %q must be one of RUNNING, PAUSED, COMPLETED, FAILED, ROLLED_BACK, ABORTED", switchyard.Truncate(in.Status, 40)).
			WithReason("param.invalid", map[string]string{"field": "status"})
	}
	if in.Limit < 0 || in.Limit > 1000 {
		return nil, switchyard.FieldErrorf("limit", "param.range", "limit must be from 1 to 1000 (0: the default 100)").
			WithReason("param.range", map[string]string{"field": "limit", "min": "0", "max": "1000"})
	}
	if !in.Since.IsZero() && !in.Until.IsZero() && !in.Since.Before(in.Until) {
		return nil, switchyard.FieldErrorf("until", "param.range", "until must be after since").WithReason("param.range", map[string]string{"field": "until"})
	}
	f := switchyard.ExecutionFilter{WorkflowID: in.WorkflowID, ReleaseID: in.ReleaseID, Status: status, StartedBy: in.StartedBy, Since: in.Since, Until: in.Until, Limit: in.Limit}
	return ws.Executions(c.R.Context(), f, readerLang(c.R, in.Lang))
}

type executionIn struct {
	ID   string `path:"id"`
	Lang string `query:"lang" doc:"zh or en (default: Accept-Language)"`
}

func (s *Server) getExecution(c *Call, in *executionIn) (*switchyard.Execution, error) {
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	return ws.Execution(c.R.Context(), in.ID, readerLang(c.R, in.Lang))
}

type signalIn struct {
	ID   string                   `path:"id"`
	Lang string                   `query:"lang" doc:"zh or en (default: Accept-Language)"`
	Body switchyard.SignalRequest `body:"optional"`
}

func (s *Server) signal(c *Call, kind string, in *signalIn) (*switchyard.Execution, error) {
	detail := kind
	if in.Body.StepID != "" {
		detail += " step=" + switchyard.Truncate(in.Body.StepID, 64)
	}
	if in.Body.Comment != "" {
		detail += " comment=" + strconv.Itoa(len(in.Body.Comment)) + "B"
	}
	c.Audit("execution/"+in.ID, detail)
	ws, err := s.workflows()
	if err != nil {
		return nil, err
	}
	return ws.Signal(c.R.Context(), c.User(), in.ID, kind, in.Body, readerLang(c.R, in.Lang))
}
