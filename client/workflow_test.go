package client_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/workflow"
)

// waiting is a DEPLOY that never finishes by itself.
type waiting struct{}

func (waiting) Tick(_ context.Context, t *workflow.Tick) workflow.Outcome {
	return t.Again(t.Now.Add(time.Hour), "timer", nil)
}

// startedExecution is an API with EXE-001 of a blue-green WF-001 waiting
// in its DEPLOY step, and the admin's client.
func startedExecution(t *testing.T) (*apitest.Env, *client.Client) {
	t.Helper()
	env := apitest.Start(t)
	ctx := t.Context()
	for _, in := range []switchyard.Instance{
		{Service: "svc-a", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 3001},
		{Service: "svc-a", Group: "g", Version: "1.1", Host: "127.0.0.1", Port: 3002},
		{Service: "gw", Type: "gateway", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 5001},
	} {
		if _, err := env.Registry.Register(ctx, &in); err != nil {
			t.Fatal(err)
		}
	}
	env.Runner.Activities[switchyard.StepDeploy] = waiting{}
	env.Workflows.SignalWait = time.Millisecond
	c := client.New(env.URL, env.AdminToken)
	if _, err := c.CreateGroup(ctx, switchyard.NewGroup{Name: "g"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRelease(ctx, switchyard.NewRelease{Name: "R1", Subscription: switchyard.Partial, Group: "g", App: "gw",
		Spec: switchyard.ReleaseSpec{Services: []string{"svc-a"}, Sort: "version"}}); err != nil {
		t.Fatal(err)
	}
	w, err := c.CreateWorkflow(ctx, switchyard.NewWorkflow{ReleaseID: "R1", Template: switchyard.TemplateBlueGreen,
		Params: &switchyard.TemplateParams{NewVersion: "1.1", Observe: []string{"5s", "5s", "5s"}}})
	if err != nil || w.ID != "WF-001" {
		t.Fatalf("create: %+v, %v", w, err)
	}
	x, err := c.StartExecution(ctx, w.ID, switchyard.StartRequest{}, "zh")
	if err != nil || x.ID != "EXE-001" {
		t.Fatalf("start: %+v, %v", x, err)
	}
	if err := env.Runner.Advance(ctx, x.ID); err != nil {
		t.Fatal(err)
	}
	return env, c
}

func TestWorkflowMethods(t *testing.T) {
	env, c := startedExecution(t)
	ctx := t.Context()
	if ts, err := c.WorkflowTemplates(ctx); err != nil || len(ts) != 4 {
		t.Fatalf("templates: %v %v", ts, err)
	}
	w, err := c.Workflow(ctx, "WF-001")
	if err != nil {
		t.Fatal(err)
	}
	if list, err := c.Workflows(ctx, "R1"); err != nil || len(list) != 1 {
		t.Fatalf("workflows: %v %v", list, err)
	}
	saved, err := c.UpdateWorkflow(ctx, "WF-001", switchyard.WorkflowUpdate{Version: w.Version, Name: "renamed", Template: w.Template, Steps: w.Steps, Edges: w.Edges})
	if err != nil || saved.Version != 2 {
		t.Fatalf("update: %+v %v", saved, err)
	}
	if vs, err := c.WorkflowVersions(ctx, "WF-001"); err != nil || len(vs) != 2 {
		t.Fatalf("versions: %v %v", vs, err)
	}
	if v1, err := c.WorkflowVersion(ctx, "WF-001", 1); err != nil || v1.Name != "R1" {
		t.Fatalf("version 1: %+v %v", v1, err)
	}
	if v, err := c.ValidateWorkflow(ctx, "WF-001", nil); err != nil || !v.Valid {
		t.Fatalf("validate: %+v %v", v, err)
	}
	// An invalid save comes back with every problem in Details.
	_, err = c.UpdateWorkflow(ctx, "WF-001", switchyard.WorkflowUpdate{Version: 2, Steps: []switchyard.Step{{ID: "a", Name: "a", Type: "NOPE"}}, Edges: []switchyard.Edge{{From: "a", To: "b"}}})
	if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || len(e.Details) < 2 || e.Details[0].Field == "" || e.Details[0].Message == "" {
		t.Fatalf("invalid update: %#v", err)
	}
	if err := c.DeleteWorkflow(ctx, "WF-001"); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("delete while running: %v", err)
	}
	list, err := c.Executions(ctx, switchyard.ExecutionFilter{WorkflowID: "WF-001", Since: env.Now().Add(-24 * 365 * time.Hour), Limit: 5}, "zh")
	if err != nil || len(list.Executions) != 1 || list.Executions[0].CurrentStep != "部署到蓝环境" {
		t.Fatalf("executions: %+v %v", list, err)
	}
	x, err := c.Execution(ctx, "EXE-001", "zh")
	if err != nil || x.Status != switchyard.ExecRunning || len(x.Logs) == 0 {
		t.Fatalf("execution: %+v %v", x, err)
	}
	if _, err := c.Approve(ctx, "EXE-001", switchyard.SignalRequest{}, ""); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("approve: %v", err)
	}
	for _, sig := range []func(context.Context, string, switchyard.SignalRequest, string) (*switchyard.Execution, error){c.Pause, c.Resume, c.Abort} {
		if _, err := sig(ctx, "EXE-001", switchyard.SignalRequest{}, ""); err != nil {
			t.Fatal(err)
		}
		if err := env.Runner.Advance(ctx, "EXE-001"); err != nil {
			t.Fatal(err)
		}
	}
	if x, err := c.Execution(ctx, "EXE-001", ""); err != nil || x.Status != switchyard.ExecAborted {
		t.Fatalf("after pause, resume, abort: %+v %v", x, err)
	}
}

// cutting serves the API but breaks the first event stream after the
// event with id cutAt, and records each stream request's Last-Event-ID.
type cutting struct {
	api     http.Handler
	cutAt   string
	streams atomic.Int32
	mu      sync.Mutex
	resumes []string
}

func (h *cutting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/events") {
		h.api.ServeHTTP(w, r)
		return
	}
	h.mu.Lock()
	h.resumes = append(h.resumes, r.Header.Get("Last-Event-ID"))
	h.mu.Unlock()
	if h.streams.Add(1) == 1 {
		w = &cutWriter{ResponseWriter: w, after: []byte("id: " + h.cutAt + "\n")}
	}
	h.api.ServeHTTP(w, r)
}

// cutWriter drops the connection once the event after marks was written.
type cutWriter struct {
	http.ResponseWriter
	after []byte
	seen  bool
}

func (w *cutWriter) Write(b []byte) (int, error) {
	if w.seen && bytes.HasPrefix(b, []byte("id: ")) {
		panic(http.ErrAbortHandler) // the connection breaks mid-stream
	}
	n, err := w.ResponseWriter.Write(b)
	if bytes.Contains(b, w.after) {
		w.seen = true
		w.Flush() // the events up to the mark reach the client
	}
	return n, err
}

func (w *cutWriter) Flush() { w.ResponseWriter.(http.Flusher).Flush() }

// TestExecutionEventsReconnect: a stream that breaks is reopened with
// Last-Event-ID; the reader delivers every event once, in order, and the
// end event closes both channels.
func TestExecutionEventsReconnect(t *testing.T) {
	env, admin := startedExecution(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // a missing end fails, not hangs
	defer cancel()
	stored, err := env.Store.ExecutionEvents(ctx, "EXE-001", 0, 1000)
	if err != nil || len(stored) < 5 {
		t.Fatalf("stored events: %d %v", len(stored), err)
	}
	h := &cutting{api: env.Server.Handler(), cutAt: "3"}
	front := httptest.NewServer(h)
	t.Cleanup(front.Close) // after t.Context ends the streams
	c := client.New(front.URL, env.AdminToken)
	events, errc := c.ExecutionEvents(ctx, "EXE-001", 0, "zh")
	var got []client.Event
	for len(got) < len(stored) {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("closed after %d events: %v", len(got), <-errc)
			}
			got = append(got, ev)
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d events", len(got), len(stored))
		}
	}
	for i, ev := range got {
		if ev.Seq != int64(i+1) || ev.Kind != stored[i].Kind {
			t.Fatalf("event %d is %d %s", i, ev.Seq, ev.Kind)
		}
	}
	h.mu.Lock()
	resumes := slices.Clone(h.resumes)
	h.mu.Unlock()
	if len(resumes) != 2 || resumes[0] != "" || resumes[1] != "3" {
		t.Fatalf("stream requests' Last-Event-ID: %q, want [\"\" \"3\"]", resumes)
	}
	if _, err := admin.Abort(ctx, "EXE-001", switchyard.SignalRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	if err := env.Runner.Advance(ctx, "EXE-001"); err != nil {
		t.Fatal(err)
	}
	var last client.Event
	for ev := range events {
		if ev.Seq != 0 && ev.Seq != got[len(got)-1].Seq+1 {
			t.Fatalf("after %d came %d", got[len(got)-1].Seq, ev.Seq)
		}
		if ev.Seq != 0 {
			got = append(got, ev)
		}
		last = ev
	}
	if last.Kind != client.EventEnd || !strings.Contains(string(last.Data), "ABORTED") {
		t.Fatalf("last event %+v", last)
	}
	if err := <-errc; err != nil {
		t.Fatalf("error after end: %v", err)
	}

	// An execution that does not exist: the error, and both channels close.
	events, errc = c.ExecutionEvents(ctx, "EXE-404", 0, "")
	if _, ok := <-events; ok {
		t.Fatal("an event of EXE-404")
	}
	if err := <-errc; switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("EXE-404: %v", err)
	}
}

func TestReadEvents(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []string // seq:kind:data, "comment" for comments
		err      bool
	}{
		{"events", "retry: 2000\n\nid: 1\nevent: log\ndata: {\"a\":1}\n\nid: 2\nevent: step\ndata: {}\n\n", []string{"1:log:{\"a\":1}", "2:step:{}"}, false},
		{"comment", ": heartbeat\n\n", []string{"comment"}, false},
		{"CRLF and data lines joined", "id: 7\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\n", []string{"7:x:a\nb"}, false},
		{"unterminated event dropped", "id: 1\nevent: log\ndata: {}", nil, false},
		{"bad id ignored", "id: x\nevent: log\ndata: 1\n\n", []string{"0:log:1"}, false},
		{"too large", "event: log\ndata: " + strings.Repeat("x", 2<<20) + "\n\n", nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := client.ReadEvents(strings.NewReader(tt.in), func(ev client.Event) bool {
				if ev.Kind == "" && ev.Data == nil {
					got = append(got, "comment")
				} else {
					got = append(got, strconv.FormatInt(ev.Seq, 10)+":"+ev.Kind+":"+string(ev.Data))
				}
				return true
			})
			if (err != nil) != tt.err || !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, %v; want %q (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}

// readBudget is what reading any stream may allocate beyond its own size.
const readBudget = 8 << 20

// TestReadEventsIsBounded: an endless line or an endless event is an
// error after 1 MiB, not a growing buffer.
func TestReadEventsIsBounded(t *testing.T) {
	for name, in := range map[string]func() *endless{
		"line":  func() *endless { return &endless{pattern: []byte("data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")} },
		"event": func() *endless { return &endless{prefix: []byte("event: log\n"), pattern: []byte("data: x\n")} },
	} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := client.ReadEvents(in(), func(client.Event) bool { return true })
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), "larger than") {
				t.Fatalf("err = %v", err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > readBudget {
				t.Fatalf("allocated %d MiB", alloc>>20)
			}
		})
	}
}

// endless is a reader that repeats pattern for ever (after prefix).
type endless struct {
	prefix, pattern []byte
	off             int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(e.prefix) > 0 {
			c := copy(p[n:], e.prefix)
			e.prefix = e.prefix[c:]
			n += c
			continue
		}
		c := copy(p[n:], e.pattern[e.off:])
		e.off = (e.off + c) % len(e.pattern)
		n += c
	}
	return n, nil
}

// FuzzReadEvents: any stream is parsed without panicking, within its size
// plus the budget, every event at most 1 MiB.
func FuzzReadEvents(f *testing.F) {
	for _, s := range []string{"id: 1\nevent: log\ndata: {}\n\n", ": hb\n\n", "data\n\n", "id:\nevent:\ndata:\n\n", "\r\r\n\n", "id: 9999999999999999999999\n\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_ = client.ReadEvents(bytes.NewReader(data), func(ev client.Event) bool {
			if len(ev.Data) > 1<<20 {
				t.Errorf("an event of %d bytes", len(ev.Data))
			}
			return true
		})
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(4*len(data))+readBudget {
			t.Errorf("allocated %d bytes for %d", alloc, len(data))
		}
	})
}
