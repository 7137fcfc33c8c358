package workflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// Service is what the API and the CLI use: workflows (create from a
// template, save as a new version, validate), executions (start, signal,
// read in the reader's language) — each checked against the release's
// group like a release operation.
type Service struct {
	Store    switchyard.Store
	Releases *release.Service
	Runner   *Runner
	Now      func() time.Time
	Logger   *slog.Logger
	// SignalWait is how long Signal waits for the runner to take a signal
	// before answering (default 3s).
	SignalWait time.Duration
}

// NewService returns a service over the runner's store.
func NewService(releases *release.Service, runner *Runner) *Service {
	return &Service{Store: runner.Store, Releases: releases, Runner: runner, Now: runner.Now, Logger: runner.Logger, SignalWait: 3 * time.Second}
}

// Templates lists the templates filled with their defaults.
func (s *Service) Templates() []switchyard.TemplateInfo {
	return Templates(switchyard.TemplateParams{})
}

// release returns the workflow's release after checking actor may change
// it (nil actor: reading).
func (s *Service) release(ctx context.Context, actor *switchyard.User, name string) (*switchyard.Release, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	if actor != nil {
		if err := release.Authorize(actor, r.Group); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Create stores a new workflow of a release: the template's graph filled
// with params, or the steps and edges given.
func (s *Service) Create(ctx context.Context, actor *switchyard.User, nw switchyard.NewWorkflow) (*switchyard.Workflow, error) {
	if strings.TrimSpace(nw.ReleaseID) == "" {
		return nil, switchyard.FieldErrorf("releaseId", "field.required", "releaseId is required").WithReason("field.required", map[string]string{"field": "releaseId"})
	}
	r, err := s.release(ctx, actor, nw.ReleaseID)
	if err != nil {
		return nil, err
	}
	w := &switchyard.Workflow{ReleaseID: r.Name, Name: strings.TrimSpace(nw.Name), Template: nw.Template, Steps: nw.Steps, Edges: nw.Edges, CreatedBy: actor.Name, UpdatedBy: actor.Name}
	if w.Template == "" {
		w.Template = switchyard.TemplateCustom
	}
	if w.Name == "" {
		w.Name = r.Name
	}
	if len(w.Steps) == 0 {
		p := switchyard.TemplateParams{}
		if nw.Params != nil {
			p = *nw.Params
		}
		if p.NewVersion == "" {
			p.NewVersion = s.newVersion(ctx, r)
		}
		if w.Steps, w.Edges, err = FromTemplate(w.Template, p); err != nil {
			return nil, err
		}
	}
	normalize(w)
	if err := ValidationError(Validate(w)); err != nil {
		return nil, err
	}
	if err := s.Store.CreateWorkflow(ctx, w); err != nil {
		return nil, err
	}
	return w, nil
}

// newVersion guesses the release's new version: the newest online version
// of its first service other than the oldest.
func (s *Service) newVersion(ctx context.Context, r *switchyard.Release) string {
	if len(r.Spec.Services) == 0 || s.Releases == nil {
		return ""
	}
	vs, err := s.Releases.Versions(ctx, r.Spec.Services[:1], r.Spec.Sort)
	if err != nil || len(vs) == 0 || len(vs[0].Versions) < 2 {
		return ""
	}
	return vs[0].Versions[len(vs[0].Versions)-1]
}

// normalize fills the nil lists the seed's contract has as arrays.
func normalize(w *switchyard.Workflow) {
	if w.Steps == nil {
		w.Steps = []switchyard.Step{}
	}
	if w.Edges == nil {
		w.Edges = []switchyard.Edge{}
	}
	for i := range w.Steps {
		if w.Steps[i].Preconditions == nil {
			w.Steps[i].Preconditions = []string{}
		}
		if w.Steps[i].PostActions == nil {
			w.Steps[i].PostActions = []string{}
		}
	}
}

// Update saves the graph as the workflow's next version.
func (s *Service) Update(ctx context.Context, actor *switchyard.User, id string, upd switchyard.WorkflowUpdate) (*switchyard.Workflow, error) {
	w, err := s.Store.FindWorkflow(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.release(ctx, actor, w.ReleaseID); err != nil {
		return nil, err
	}
	if upd.Version != w.Version {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "workflow %s is at version %d, not %d: someone else saved it; reload and try again", id, w.Version, upd.Version).
			WithReason("revision.stale", map[string]string{"kind": "workflow", "name": id})
	}
	w.Name, w.Template, w.Steps, w.Edges, w.UpdatedBy = strings.TrimSpace(upd.Name), upd.Template, upd.Steps, upd.Edges, actor.Name
	if w.Name == "" {
		w.Name = w.ReleaseID
	}
	if utf8.RuneCountInString(w.Name) > 100 {
		return nil, switchyard.FieldErrorf("name", "field.length", "name must be at most 100 characters").WithReason("field.length", map[string]string{"field": "name", "max": "100"})
	}
	normalize(w)
	if err := ValidationError(Validate(w)); err != nil {
		return nil, err
	}
	if err := s.Store.UpdateWorkflow(ctx, w); err != nil {
		return nil, err
	}
	return w, nil
}

// Check validates a graph without saving it.
func (s *Service) Check(w *switchyard.Workflow) *switchyard.Validation {
	normalize(w)
	issues := Validate(w)
	if issues == nil {
		issues = []switchyard.FieldProblem{}
	}
	return &switchyard.Validation{Valid: len(issues) == 0, Issues: issues}
}

// Start starts an execution of the workflow (its current version, or the
// saved version asked for): the release must not have ended, no other
// execution of it may be running, and nobody else may hold its lock.
func (s *Service) Start(ctx context.Context, actor *switchyard.User, id string, req switchyard.StartRequest, lang string) (*switchyard.Execution, error) {
	w, err := s.Store.FindWorkflow(ctx, id)
	if err != nil {
		return nil, err
	}
	if req.Version != 0 && req.Version != w.Version {
		if w, err = s.Store.FindWorkflowVersion(ctx, id, req.Version); err != nil {
			return nil, err
		}
	}
	r, err := s.release(ctx, actor, w.ReleaseID)
	if err != nil {
		return nil, err
	}
	if err := ValidationError(Validate(w)); err != nil {
		return nil, err
	}
	if r.State == switchyard.StateEnded {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "release %q has ended; a workflow cannot run on it", r.Name).WithReason("release.ended", nil)
	}
	for _, st := range []switchyard.ExecutionStatus{switchyard.ExecRunning, switchyard.ExecPaused} {
		running, err := s.Store.FindExecutions(ctx, switchyard.ExecutionFilter{ReleaseID: r.Name, Status: st, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(running) > 0 {
			e := running[0]
			return nil, switchyard.Errorf(switchyard.CodeConflict, "execution %s of release %q is %s (started by %s at %s); one execution runs a release at a time",
				e.ID, r.Name, e.Status, e.StartedBy, e.StartedAt.Format(time.RFC3339)).
				WithReason("execution.running", map[string]string{"id": e.ID, "by": e.StartedBy, "since": e.StartedAt.Format(time.RFC3339)})
		}
	}
	if l, err := s.Store.FindReleaseLock(ctx, r.Name, s.Now()); err != nil {
		return nil, err
	} else if err := release.CheckLock(ctx, actor, l); err != nil {
		return nil, err
	}
	st := NewState(w)
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	rec := &switchyard.ExecutionRecord{WorkflowID: w.ID, WorkflowVersion: w.Version, ReleaseID: r.Name, Status: switchyard.ExecRunning,
		StartedAt: now, StartedBy: actor.Name, State: b, WakeAt: &now}
	if err := s.Store.CreateExecution(ctx, rec, nil); err != nil {
		return nil, err
	}
	s.Runner.Wake()
	return s.view(ctx, rec, w, lang)
}

// Signal asks an execution to pause, resume, abort, roll back, retry or
// skip its current step, or approve or reject it. It is refused at once
// with the reason when the execution's state does not take it; otherwise
// it is stored for the replica advancing the execution, and the answer
// waits (a few seconds at most) until it was taken.
func (s *Service) Signal(ctx context.Context, actor *switchyard.User, id, kind string, req switchyard.SignalRequest, lang string) (*switchyard.Execution, error) {
	rec, err := s.Store.FindExecution(ctx, id)
	if err != nil {
		return nil, err
	}
	w, err := s.Runner.workflow(ctx, rec.WorkflowID, rec.WorkflowVersion)
	if err != nil {
		return nil, err
	}
	if _, err := s.release(ctx, actor, rec.ReleaseID); err != nil {
		return nil, err
	}
	st := &State{}
	if err := json.Unmarshal(rec.State, st); err != nil {
		return nil, err
	}
	sig := Signal{Kind: kind, StepID: req.StepID, By: actor.Name, Comment: req.Comment}
	if e := refusal(w, st, sig); e != nil {
		return nil, e
	}
	if kind == SigApprove || kind == SigReject {
		if cfg := configOf[ApprovalConfig](w.Step(st.Current)); len(cfg.Approvers) > 0 && !slices.Contains(cfg.Approvers, actor.Name) {
			return nil, switchyard.Errorf(switchyard.CodeForbidden, "only %s may %s step %s", strings.Join(cfg.Approvers, ", "), kind, st.Current).
				WithReason("execution.approver", map[string]string{"approvers": strings.Join(cfg.Approvers, ", ")})
		}
	}
	if utf8.RuneCountInString(req.Comment) > 500 {
		return nil, switchyard.FieldErrorf("comment", "field.length", "comment must be at most 500 characters").WithReason("field.length", map[string]string{"field": "comment", "max": "500"})
	}
	g := &switchyard.ExecutionSignal{ID: switchyard.NewID(s.Now()), ExecutionID: id, Kind: kind, StepID: req.StepID, By: actor.Name, At: s.Now(), Comment: req.Comment}
	if err := s.Store.AddSignal(ctx, g); err != nil {
		return nil, err
	}
	s.Runner.Wake()
	s.awaitSignal(ctx, id, g.ID)
	return s.Execution(ctx, id, lang)
}

// awaitSignal waits until the runner took signal sig (or SignalWait passed).
func (s *Service) awaitSignal(ctx context.Context, id, sig string) {
	nudge, stop := s.Runner.Hub.Subscribe(id)
	defer stop()
	deadline := time.NewTimer(s.SignalWait)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pending, err := s.Store.PendingSignals(ctx, id)
		if err != nil || !slices.ContainsFunc(pending, func(p *switchyard.ExecutionSignal) bool { return p.ID == sig }) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-nudge:
		case <-tick.C:
		}
	}
}

// Execution returns an execution as the seed's JSON, in lang.
func (s *Service) Execution(ctx context.Context, id, lang string) (*switchyard.Execution, error) {
	rec, err := s.Store.FindExecution(ctx, id)
	if err != nil {
		return nil, err
	}
	w, err := s.Runner.workflow(ctx, rec.WorkflowID, rec.WorkflowVersion)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, rec, w, lang)
}

func (s *Service) view(ctx context.Context, rec *switchyard.ExecutionRecord, w *switchyard.Workflow, lang string) (*switchyard.Execution, error) {
	var events []*switchyard.ExecutionEvent
	for after := int64(0); ; {
		page, err := s.Store.ExecutionEvents(ctx, rec.ID, after, 5000)
		if err != nil {
			return nil, err
		}
		events = append(events, page...)
		if len(page) < 5000 {
			break
		}
		after = page[len(page)-1].Seq
	}
	return View(rec, w, events, lang, s.Now())
}

// Events lists an execution's events after seq, for the live stream.
func (s *Service) Events(ctx context.Context, id string, after int64) ([]*switchyard.ExecutionEvent, error) {
	if _, err := s.Store.FindExecution(ctx, id); err != nil {
		return nil, err
	}
	return s.Store.ExecutionEvents(ctx, id, after, 1000)
}

// Executions lists executions (执行记录) with the lead's numbers.
func (s *Service) Executions(ctx context.Context, f switchyard.ExecutionFilter, lang string) (*switchyard.ExecutionList, error) {
	recs, err := s.Store.FindExecutions(ctx, f)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := &switchyard.ExecutionList{Executions: []*switchyard.ExecutionSummary{}}
	var durations []float64
	oldest := now
	for _, rec := range recs {
		st := &State{}
		_ = json.Unmarshal(rec.State, st)
		end := now
		if rec.EndedAt != nil {
			end = *rec.EndedAt
		}
		sum := &switchyard.ExecutionSummary{ID: rec.ID, WorkflowID: rec.WorkflowID, WorkflowVersion: rec.WorkflowVersion, ReleaseID: rec.ReleaseID, Status: rec.Status,
			StartTime: rec.StartedAt, EndTime: rec.EndedAt, Duration: end.Sub(rec.StartedAt).Seconds(), StartedBy: rec.StartedBy}
		if w, err := s.Runner.workflow(ctx, rec.WorkflowID, rec.WorkflowVersion); err == nil {
			if step := w.Step(rec.CurrentStep); step != nil {
				sum.CurrentStep = step.Name
			}
		}
		if st.Reason != nil {
			sum.Reason = rendered(st.Reason, lang)
		}
		out.Executions = append(out.Executions, sum)
		if rec.Status == switchyard.ExecRolledBack {
			out.Stats.RolledBack++
		}
		if rec.Status.Finished() {
			durations = append(durations, sum.Duration)
		}
		if rec.StartedAt.Before(oldest) {
			oldest = rec.StartedAt
		}
	}
	out.Stats.Total = len(recs)
	if n := len(recs); n > 0 {
		out.Stats.RolledBackRate = 100 * float64(out.Stats.RolledBack) / float64(n)
		weeks := max(now.Sub(oldest).Hours()/(24*7), 1)
		out.Stats.PerWeek = float64(n) / weeks
	}
	if len(durations) > 0 {
		sort.Float64s(durations)
		mid := len(durations) / 2
		out.Stats.MedianDuration = durations[mid]
		if len(durations)%2 == 0 {
			out.Stats.MedianDuration = (durations[mid-1] + durations[mid]) / 2
		}
	}
	return out, nil
}
