package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/workflow"
)

// getJSON does an authenticated GET and decodes the answer generically.
func getJSON(t *testing.T, url, token string, header map[string]string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return out
}

// TestExecutionIsTheSeedsJSON: a started execution reads as document 000's
// WorkflowExecution — the field names of the contract, kept exactly.
func TestExecutionIsTheSeedsJSON(t *testing.T) {
	e := newWFEnv(t)
	e.blueGreen(t)
	x, err := e.c["alice"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, "")
	if err != nil {
		t.Fatal(err)
	}
	if x.ID != "EXE-001" || x.WorkflowID != "WF-001" || x.Status != switchyard.ExecRunning || x.StartedBy != "alice" {
		t.Fatalf("started: %+v", x)
	}
	e.advance(t, x.ID) // 开始 → 发布前检查 → 部署到蓝环境 (waiting)
	doc := getJSON(t, e.URL+"/api/executions/EXE-001", e.c["vera"].Token, nil)
	if doc["id"] != "EXE-001" || doc["workflowId"] != "WF-001" || doc["status"] != "RUNNING" || doc["currentStep"] != "部署到蓝环境" {
		t.Fatalf("overview: id %v workflowId %v status %v currentStep %v", doc["id"], doc["workflowId"], doc["status"], doc["currentStep"])
	}
	if st, err := time.Parse(time.RFC3339Nano, doc["startTime"].(string)); err != nil || time.Since(st) > time.Minute {
		t.Fatalf("startTime %v: %v", doc["startTime"], err)
	}
	steps := doc["steps"].([]any)
	status := map[string]string{}
	for _, s := range steps {
		m := s.(map[string]any)
		status[m["stepId"].(string)] = m["status"].(string)
	}
	if len(steps) < 10 || status["S1"] != "COMPLETED" || status["S2"] != "COMPLETED" || status["S3"] != "RUNNING" || status["S4"] != "PENDING" {
		t.Fatalf("steps: %v", status)
	}
	metrics := doc["metrics"].(map[string]any)
	for _, side := range []string{"blueEnv", "greenEnv"} {
		m, ok := metrics[side].(map[string]any)
		if !ok {
			t.Fatalf("metrics.%s missing: %v", side, metrics)
		}
		for _, k := range []string{"traffic", "successRate", "responseTime", "cpu", "memory"} {
			if _, ok := m[k]; !ok {
				t.Errorf("metrics.%s.%s missing", side, k)
			}
		}
	}
	if metrics["blueEnv"].(map[string]any)["successRate"] != 99.5 || metrics["greenEnv"].(map[string]any)["responseTime"] != 100.0 {
		t.Errorf("the metrics sample is not in the view: %v", metrics)
	}
	logs := doc["logs"].([]any)
	if len(logs) < 3 {
		t.Fatalf("logs: %v", logs)
	}
	for _, l := range logs {
		m := l.(map[string]any)
		if _, err := time.Parse(time.RFC3339Nano, m["time"].(string)); err != nil || m["message"] == "" {
			t.Errorf("log line without time or message: %v", m)
		}
	}
	for _, k := range []string{"elapsed", "estimatedRemaining", "alerts", "actions", "allowed", "seq"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("%s missing", k)
		}
	}

	// The list, with its numbers.
	list, err := e.c["vera"].Executions(t.Context(), switchyard.ExecutionFilter{WorkflowID: "WF-001", Status: switchyard.ExecRunning}, "")
	if err != nil || len(list.Executions) != 1 || list.Executions[0].ID != "EXE-001" || list.Executions[0].CurrentStep != "部署到蓝环境" || list.Stats.Total != 1 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if list, err := e.c["vera"].Executions(t.Context(), switchyard.ExecutionFilter{Status: switchyard.ExecCompleted}, ""); err != nil || len(list.Executions) != 0 {
		t.Fatalf("list of completed: %+v, %v", list, err)
	}
	for _, q := range []string{"status=DONE", "limit=5000", "since=yesterday"} {
		if code, body := rawDo(t, "GET", e.URL+"/api/executions?"+q, e.AdminToken, ""); code != 400 {
			t.Errorf("GET /api/executions?%s: %d %s, want 400", q, code, body)
		}
	}
	// One execution runs a release at a time.
	if _, err := e.c["bob"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, ""); switchyard.AsError(err) == nil || switchyard.AsError(err).Reason != "execution.running" {
		t.Fatalf("a second start: %v", err)
	}
}

// TestExecutionInTheReadersLanguage: log lines are stored as keys and
// rendered for the reader: lang= or Accept-Language.
func TestExecutionInTheReadersLanguage(t *testing.T) {
	e := newWFEnv(t)
	e.blueGreen(t)
	if _, err := e.c["alice"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	e.advance(t, "EXE-001")
	messages := func(doc map[string]any) string {
		var b strings.Builder
		for _, l := range doc["logs"].([]any) {
			b.WriteString(l.(map[string]any)["message"].(string) + "\n")
		}
		return b.String()
	}
	zh := messages(getJSON(t, e.URL+"/api/executions/EXE-001?lang=zh", e.AdminToken, nil))
	if !strings.Contains(zh, "开始流量切换至50%") || !strings.Contains(zh, "alice 启动了执行") || strings.Contains(zh, "Execution started") {
		t.Fatalf("lang=zh:\n%s", zh)
	}
	if byHeader := messages(getJSON(t, e.URL+"/api/executions/EXE-001", e.AdminToken, map[string]string{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})); byHeader != zh {
		t.Fatalf("Accept-Language zh-CN:\n%s\nwant\n%s", byHeader, zh)
	}
	en := messages(getJSON(t, e.URL+"/api/executions/EXE-001", e.AdminToken, nil))
	if !strings.Contains(en, "Shifting traffic to 50%") || !strings.Contains(en, "Execution started by alice") {
		t.Fatalf("default (en):\n%s", en)
	}
	if x, err := e.c["vera"].Execution(t.Context(), "EXE-001", "zh"); err != nil || x.CurrentStep != "部署到蓝环境" || !slices.ContainsFunc(x.Logs, func(l switchyard.LogLine) bool { return l.Message == "开始流量切换至50%" }) {
		t.Fatalf("client in zh: %+v, %v", x, err)
	}
}

// TestSignals: each signal is its own audited route; the answer comes
// once the runner took the signal; a state that refuses it is a 409 with
// the reason.
func TestSignals(t *testing.T) {
	e := newWFEnv(t)
	e.Runner.Poll = 10 * time.Millisecond
	go e.Runner.Run(t.Context())
	e.blueGreen(t)
	ctx := t.Context()
	alice := e.c["alice"]
	if _, err := alice.StartExecution(ctx, "WF-001", switchyard.StartRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		x, err := alice.Execution(ctx, "EXE-001", "")
		return err == nil && x.CurrentStepID == "S3"
	})

	if _, err := e.c["vera"].Pause(ctx, "EXE-001", switchyard.SignalRequest{}, ""); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("viewer pauses: %v", err)
	}
	x, err := alice.Pause(ctx, "EXE-001", switchyard.SignalRequest{Comment: "checking the dashboards"}, "")
	if err != nil || x.Status != switchyard.ExecPaused || !slices.Contains(x.Allowed, "resume") || slices.Contains(x.Allowed, "pause") {
		t.Fatalf("pause: %+v, %v", x, err)
	}
	refusals := []struct{ kind, reason string }{
		{"pause", "execution.pause.refused"},
		{"approve", "execution.approve.refused"},
		{"reject", "execution.reject.refused"},
		{"retry", "execution.retry.refused"},
	}
	for _, r := range refusals {
		code, body := rawDo(t, "POST", e.URL+"/api/executions/EXE-001/"+r.kind, alice.Token, "")
		if code != 409 || !strings.Contains(body, `"reason":"`+r.reason+`"`) {
			t.Errorf("%s while paused: %d %s, want 409 %s", r.kind, code, body, r.reason)
		}
	}
	if _, err := alice.Signal(ctx, "EXE-001", "resume", switchyard.SignalRequest{StepID: "S9"}, ""); switchyard.AsError(err) == nil || switchyard.AsError(err).Params["step"] != "S9" {
		t.Fatalf("resume naming another step: %v", err)
	}
	if x, err = e.c["bob"].Resume(ctx, "EXE-001", switchyard.SignalRequest{StepID: "S3"}, "zh"); err != nil || x.Status != switchyard.ExecRunning {
		t.Fatalf("resume: %+v, %v", x, err)
	}
	if x, err = alice.Abort(ctx, "EXE-001", switchyard.SignalRequest{}, ""); err != nil || x.Status != switchyard.ExecAborted || len(x.Allowed) != 0 {
		t.Fatalf("abort: %+v, %v", x, err)
	}
	if _, err := alice.Resume(ctx, "EXE-001", switchyard.SignalRequest{}, ""); switchyard.AsError(err) == nil || switchyard.AsError(err).Code != switchyard.CodeConflict ||
		!strings.Contains(err.Error(), "ended") {
		t.Fatalf("resume after abort: %v", err)
	}
	var actions []string
	for _, a := range x.Actions {
		actions = append(actions, a.By+" "+a.Action)
	}
	if !slices.Contains(actions, "alice pause") || !slices.Contains(actions, "bob resume") || !slices.Contains(actions, "alice abort") {
		t.Errorf("actions: %v", actions)
	}

	page, err := e.c["admin"].Audit(ctx, switchyard.AuditFilter{Resource: "execution/EXE-001"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, a := range page.Entries {
		seen[a.Actor+" "+a.Action+" "+a.Outcome] = true
	}
	for _, want := range []string{"alice execution.start ok", "alice execution.pause ok", "alice execution.pause refused", "bob execution.resume ok",
		"alice execution.abort ok", "alice execution.approve refused"} {
		if !seen[want] {
			t.Errorf("audit has no %q: %v", want, seen)
		}
	}
	// The viewer is refused by the role check, before the route names the
	// resource: the path says what they tried.
	if page, err := e.c["admin"].Audit(ctx, switchyard.AuditFilter{Actor: "vera", Action: "execution.pause"}); err != nil || len(page.Entries) != 1 ||
		page.Entries[0].Outcome != "refused" || page.Entries[0].Path != "/api/executions/EXE-001/pause" {
		t.Errorf("the viewer's pause in the audit: %+v, %v", page, err)
	}
}

// TestSignalRoutesAreOnePerKind: the route table has one route per signal,
// each naming its audit action.
func TestSignalRoutesAreOnePerKind(t *testing.T) {
	e := newWFEnv(t)
	var got []string
	for _, rt := range e.Server.Routes() {
		if rest, ok := strings.CutPrefix(rt.Path, "/api/executions/{id}/"); ok && rt.Method == "POST" {
			got = append(got, rest)
			if rt.Action != "execution."+rest {
				t.Errorf("%s %s: action %q", rt.Method, rt.Path, rt.Action)
			}
		}
	}
	if !slices.Equal(got, workflow.Signals) {
		t.Fatalf("signal routes %v, want %v", got, workflow.Signals)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
