package httpapi_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	apiclient "github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/workflow"
)

// wfEnv is the guide's API with a release R1 of the guide's group, the
// workflow engine (its runner driven by the test) and an operator of
// another group, carol.
type wfEnv struct {
	*apitest.Env
	c      map[string]*apiclient.Client
	deploy *fakeDeploy
}

// fakeDeploy stands for DEPLOY: its first tick writes a metrics sample and
// the seed's log line 开始流量切换至50%, then it waits (an hour, or until
// finish is set).
type fakeDeploy struct {
	finish atomic.Bool
	ticks  atomic.Int32
}

func (f *fakeDeploy) Tick(_ context.Context, t *workflow.Tick) workflow.Outcome {
	if f.ticks.Add(1) == 1 {
		o := t.Again(t.Now.Add(time.Hour), "timer", nil)
		o.Records = []workflow.Record{
			{Kind: "metrics", Data: switchyard.ExecutionMetrics{At: t.Now,
				BlueEnv:  switchyard.EnvMetrics{Version: "1.1", Traffic: 10, SuccessRate: 99.5, ResponseTime: 120, Requests: 200, Errors: 1},
				GreenEnv: switchyard.EnvMetrics{Version: "1.0", Traffic: 90, SuccessRate: 99.9, ResponseTime: 100, Requests: 1800, Errors: 2}}},
			{Kind: "log", Data: workflow.LogRecord{Level: "info", StepID: t.Step.ID, Message: workflow.Msg("shift.start", "to", "50")}},
		}
		return o
	}
	if f.finish.Load() {
		return t.Done(workflow.Msg("summary.succeeded"), nil)
	}
	return t.Again(t.Now.Add(time.Hour), "timer", nil)
}

func newWFEnv(t *testing.T) *wfEnv {
	t.Helper()
	env, c := guideEnv(t)
	ctx := t.Context()
	if _, err := c["admin"].CreateUser(ctx, switchyard.NewUser{Name: "carol", Role: switchyard.RoleOperator, Password: "carol-password"}); err != nil {
		t.Fatal(err)
	}
	carol := apiclient.New(env.URL, "")
	it, err := carol.LoginToken(ctx, switchyard.LoginRequest{Username: "carol", Password: "carol-password"})
	if err != nil {
		t.Fatal(err)
	}
	carol.Token = it.Secret
	c["carol"] = carol
	spec := switchyard.ReleaseSpec{Services: []string{guideA, guideB}, Sort: "version"}
	if _, err := c["alice"].CreateRelease(ctx, switchyard.NewRelease{Name: "R1", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW, Spec: spec}); err != nil {
		t.Fatal(err)
	}
	e := &wfEnv{Env: env, c: c, deploy: &fakeDeploy{}}
	env.Runner.Activities[switchyard.StepDeploy] = e.deploy
	env.Workflows.SignalWait = 5 * time.Second
	return e
}

// blueGreen creates WF-001 from the BLUE_GREEN template with seconds.
func (e *wfEnv) blueGreen(t *testing.T) *switchyard.Workflow {
	t.Helper()
	w, err := e.c["alice"].CreateWorkflow(t.Context(), switchyard.NewWorkflow{ReleaseID: "R1", Template: switchyard.TemplateBlueGreen,
		Params: &switchyard.TemplateParams{NewVersion: "1.1", Weights: []int{10, 50, 100}, Observe: []string{"5s", "5s", "5s"}}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (e *wfEnv) advance(t *testing.T, id string) {
	t.Helper()
	if err := e.Runner.Advance(t.Context(), id); err != nil {
		t.Fatal(err)
	}
}

func TestWorkflowAPI(t *testing.T) {
	e := newWFEnv(t)
	ctx := t.Context()
	alice := e.c["alice"]

	templates, err := e.c["vera"].WorkflowTemplates(ctx)
	if err != nil || len(templates) != 4 || templates[0].Template != switchyard.TemplateBlueGreen || len(templates[0].Steps) == 0 {
		t.Fatalf("templates: %+v, %v", templates, err)
	}
	if _, err := e.c["vera"].CreateWorkflow(ctx, switchyard.NewWorkflow{ReleaseID: "R1", Template: switchyard.TemplateBlueGreen}); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("viewer creates: %v", err)
	}
	if _, err := e.c["carol"].CreateWorkflow(ctx, switchyard.NewWorkflow{ReleaseID: "R1", Template: switchyard.TemplateBlueGreen}); switchyard.AsError(err) == nil || switchyard.AsError(err).Reason != "auth.group" {
		t.Fatalf("operator of another group creates: %v", err)
	}
	w := e.blueGreen(t)
	if w.ID != "WF-001" || w.Version != 1 || w.ReleaseID != "R1" || w.Template != switchyard.TemplateBlueGreen || w.CreatedBy != "alice" {
		t.Fatalf("created: %+v", w)
	}
	deploy := w.Step("S3")
	if deploy == nil || deploy.Type != switchyard.StepDeploy || !strings.Contains(string(deploy.Config), `"version":"1.1"`) {
		t.Fatalf("the template's DEPLOY: %+v", deploy)
	}
	if list, err := e.c["vera"].Workflows(ctx, "R1"); err != nil || len(list) != 1 || list[0].ID != "WF-001" {
		t.Fatalf("list of R1: %+v, %v", list, err)
	}
	if list, err := e.c["vera"].Workflows(ctx, "other"); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("list of another release: %+v, %v", list, err)
	}

	upd := switchyard.WorkflowUpdate{Version: 1, Name: "guide blue-green", Template: w.Template, Steps: w.Steps, Edges: w.Edges}
	saved, err := alice.UpdateWorkflow(ctx, "WF-001", upd)
	if err != nil || saved.Version != 2 || saved.Name != "guide blue-green" {
		t.Fatalf("update: %+v, %v", saved, err)
	}
	// bob read version 1 too: his save is stale.
	_, err = e.c["bob"].UpdateWorkflow(ctx, "WF-001", upd)
	if se := switchyard.AsError(err); se == nil || se.Code != switchyard.CodeConflict || se.Reason != "revision.stale" || !strings.Contains(se.Message, "version 2, not 1") {
		t.Fatalf("stale update: %v", err)
	}
	code, _ := rawDo(t, "PUT", e.URL+"/api/workflows/WF-001", e.AdminToken, mustJSON(upd))
	if code != 409 {
		t.Fatalf("stale update: HTTP %d, want 409", code)
	}
	vs, err := e.c["vera"].WorkflowVersions(ctx, "WF-001")
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 || vs[0].SavedBy != "alice" {
		t.Fatalf("versions: %+v, %v", vs, err)
	}
	if v1, err := e.c["vera"].WorkflowVersion(ctx, "WF-001", 1); err != nil || v1.Version != 1 || v1.Name != "R1" {
		t.Fatalf("version 1: %+v, %v", v1, err)
	}
	if _, err := e.c["vera"].WorkflowVersion(ctx, "WF-001", 7); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("version 7: %v", err)
	}

	// The saved graph is valid; an invalid one sent in the body is
	// answered with 200 and every problem, naming step and field.
	if v, err := e.c["vera"].ValidateWorkflow(ctx, "WF-001", nil); err != nil || !v.Valid || v.Issues == nil || len(v.Issues) != 0 {
		t.Fatalf("validate the saved graph: %+v, %v", v, err)
	}
	bad := upd
	bad.Steps = append([]switchyard.Step(nil), w.Steps...)
	bad.Steps[2].Type = "TELEPORT"
	bad.Edges = append(append([]switchyard.Edge(nil), w.Edges...), switchyard.Edge{From: "S1", To: "NOWHERE"})
	v, err := e.c["vera"].ValidateWorkflow(ctx, "WF-001", &bad)
	if err != nil || v.Valid {
		t.Fatalf("validate an invalid graph: %+v, %v", v, err)
	}
	found := map[string]bool{}
	for _, p := range v.Issues {
		found[p.Field] = true
		if p.Message == "" || p.Reason == "" {
			t.Errorf("issue without message or reason: %+v", p)
		}
	}
	if !found["steps[2].type"] || !found["edges["+strconv.Itoa(len(bad.Edges)-1)+"].to"] {
		t.Fatalf("issues do not name the bad type and the dangling edge: %+v", v.Issues)
	}
	code, body := rawDo(t, "POST", e.URL+"/api/workflows/WF-001/validate", e.AdminToken, mustJSON(bad))
	if code != 200 || !strings.Contains(body, `"valid":false`) {
		t.Fatalf("validate over HTTP: %d %s", code, body)
	}
	// The invalid graph cannot be saved: the error lists every problem.
	_, err = alice.UpdateWorkflow(ctx, "WF-001", switchyard.WorkflowUpdate{Version: 2, Steps: bad.Steps, Edges: bad.Edges})
	if se := switchyard.AsError(err); se == nil || se.Code != switchyard.CodeInvalid || len(se.Details) < 2 {
		t.Fatalf("save an invalid graph: %#v", err)
	}

	if err := e.c["carol"].DeleteWorkflow(ctx, "WF-001"); switchyard.AsError(err) == nil || switchyard.AsError(err).Reason != "auth.group" {
		t.Fatalf("carol deletes: %v", err)
	}
	if err := alice.DeleteWorkflow(ctx, "WF-001"); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Workflow(ctx, "WF-001"); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("after delete: %v", err)
	}

	// Every write is audited with its action and resource.
	page, err := e.c["admin"].Audit(ctx, switchyard.AuditFilter{Action: "workflow."})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range page.Entries {
		seen[a.Action+" "+a.Resource+" "+a.Outcome] = true
	}
	for _, want := range []string{"workflow.create workflow/WF-001 ok", "workflow.update workflow/WF-001 ok", "workflow.update workflow/WF-001 refused",
		"workflow.delete workflow/WF-001 ok", "workflow.delete workflow/WF-001 refused"} {
		if !seen[want] {
			t.Errorf("audit has no %q: %v", want, seen)
		}
	}
}

// TestWorkflowGroupIsCheckedBeforeTheBody: an operator of another group
// is refused for the group, not for the body they sent (which the server
// never parses).
func TestWorkflowGroupIsCheckedBeforeTheBody(t *testing.T) {
	e := newWFEnv(t)
	e.blueGreen(t)
	x, err := e.c["alice"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"PUT /api/workflows/WF-001", "DELETE /api/workflows/WF-001", "POST /api/workflows/WF-001/executions",
		"POST /api/executions/" + x.ID + "/pause", "POST /api/executions/" + x.ID + "/abort"} {
		method, p, _ := strings.Cut(path, " ")
		code, body := rawDo(t, method, e.URL+p, e.c["carol"].Token, `{"not json`)
		if code != 403 || !strings.Contains(body, `"reason":"auth.group"`) {
			t.Errorf("%s by carol with a broken body: %d %s, want 403 auth.group", path, code, body)
		}
		// alice gets past the group: her broken body is what is refused.
		if method != "DELETE" {
			code, body = rawDo(t, method, e.URL+p, e.c["alice"].Token, `{"not json`)
			if code != 400 || !strings.Contains(body, "body.invalid") {
				t.Errorf("%s by alice with a broken body: %d %s, want 400", path, code, body)
			}
		}
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
