package storetest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func newWorkflow(release string) *switchyard.Workflow {
	return &switchyard.Workflow{ReleaseID: release, Name: "发布流程编排", Template: switchyard.TemplateBlueGreen, CreatedBy: "alice", UpdatedBy: "alice",
		Steps: []switchyard.Step{{ID: "S1", Name: "开始", Type: switchyard.StepStart, Preconditions: []string{}, PostActions: []string{}},
			{ID: "S2", Name: "流量切换10%", Type: switchyard.StepTrafficShift, Config: json.RawMessage(`{"weight":10}`), Timeout: 5, Preconditions: []string{}, PostActions: []string{"NOTIFY"}}},
		Edges: []switchyard.Edge{{From: "S1", To: "S2"}}}
}

// testWorkflowVersions: ids WF-001…, every save a new version, a stale save
// refused, old versions kept with who saved them, a workflow of an unknown
// release refused, deleting the release deletes its workflows.
func testWorkflowVersions(t *testing.T, s switchyard.Store) {
	if err := s.CreateRelease(ctx(t), newRelease("r1", "gateway")); err != nil {
		t.Fatal(err)
	}
	w := newWorkflow("r1")
	if err := s.CreateWorkflow(ctx(t), w); err != nil || w.ID != "WF-001" || w.Version != 1 || w.CreatedAt.IsZero() {
		t.Fatalf("CreateWorkflow: %v %+v", err, w)
	}
	mustCode(t, s.CreateWorkflow(ctx(t), newWorkflow("nope")), switchyard.CodeInvalid)
	w2 := newWorkflow("r1")
	if err := s.CreateWorkflow(ctx(t), w2); err != nil || w2.ID != "WF-002" {
		t.Fatalf("second workflow: %v %s", err, w2.ID)
	}
	stale := *w
	w.Name, w.UpdatedBy = "v2", "bob"
	w.Steps = append(w.Steps, switchyard.Step{ID: "S3", Name: "结束", Type: switchyard.StepEnd})
	if err := s.UpdateWorkflow(ctx(t), w); err != nil || w.Version != 2 {
		t.Fatalf("UpdateWorkflow: %v version %d", err, w.Version)
	}
	mustCode(t, s.UpdateWorkflow(ctx(t), &stale), switchyard.CodeConflict)
	got, err := s.FindWorkflow(ctx(t), "WF-001")
	if err != nil || got.Version != 2 || got.Name != "v2" || len(got.Steps) != 3 || got.UpdatedBy != "bob" || string(got.Steps[1].Config) != `{"weight":10}` {
		t.Fatalf("FindWorkflow = %+v, %v", got, err)
	}
	v1, err := s.FindWorkflowVersion(ctx(t), "WF-001", 1)
	if err != nil || v1.Version != 1 || v1.Name != "发布流程编排" || len(v1.Steps) != 2 || v1.Steps[1].PostActions[0] != "NOTIFY" {
		t.Fatalf("version 1 = %+v, %v", v1, err)
	}
	mustCode(t, func() error { _, err := s.FindWorkflowVersion(ctx(t), "WF-001", 9); return err }(), switchyard.CodeNotFound)
	vs, err := s.WorkflowVersions(ctx(t), "WF-001")
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[0].SavedBy != "bob" || vs[1].SavedBy != "alice" {
		t.Fatalf("WorkflowVersions = %+v, %v", vs, err)
	}
	list, err := s.FindWorkflows(ctx(t), switchyard.WorkflowFilter{ReleaseID: "r1"})
	if err != nil || len(list) != 2 || list[0].ID != "WF-002" {
		t.Fatalf("FindWorkflows = %d, %v", len(list), err)
	}
	if err := s.DeleteRelease(ctx(t), "r1", 0); err != nil {
		t.Fatal(err)
	}
	mustCode(t, func() error { _, err := s.FindWorkflow(ctx(t), "WF-001"); return err }(), switchyard.CodeNotFound)
}

func newExecution(wf *switchyard.Workflow) *switchyard.ExecutionRecord {
	now := time.Now().Truncate(time.Millisecond)
	return &switchyard.ExecutionRecord{WorkflowID: wf.ID, WorkflowVersion: wf.Version, ReleaseID: wf.ReleaseID, Status: switchyard.ExecRunning,
		CurrentStep: "S1", StartedAt: now, StartedBy: "alice", State: json.RawMessage(`{"status":"RUNNING"}`), WakeAt: &now, Seq: 1}
}

// testExecutionLease: executions numbered EXE-001…; due ones listed; a
// claim bumps the epoch and excludes other owners until the lease ends;
// a save with a lost epoch writes nothing; events append in order; signals
// make an execution due until consumed.
func testExecutionLease(t *testing.T, s switchyard.Store) {
	if err := s.CreateRelease(ctx(t), newRelease("r1", "gateway")); err != nil {
		t.Fatal(err)
	}
	wf := newWorkflow("r1")
	if err := s.CreateWorkflow(ctx(t), wf); err != nil {
		t.Fatal(err)
	}
	e := newExecution(wf)
	first := &switchyard.ExecutionEvent{Seq: 1, Time: e.StartedAt, Kind: "action", Data: json.RawMessage(`{"by":"alice","action":"start"}`)}
	if err := s.CreateExecution(ctx(t), e, []*switchyard.ExecutionEvent{first}); err != nil || e.ID != "EXE-001" {
		t.Fatalf("CreateExecution: %v %s", err, e.ID)
	}
	now := e.StartedAt.Add(time.Second)
	due, err := s.DueExecutions(ctx(t), now, 10)
	if err != nil || len(due) != 1 || due[0] != "EXE-001" {
		t.Fatalf("DueExecutions = %v, %v", due, err)
	}
	a, err := s.ClaimExecution(ctx(t), "EXE-001", "replica-a", now, now.Add(30*time.Second))
	if err != nil || a.Epoch != 1 || a.LeaseOwner != "replica-a" || string(a.State) != `{"status":"RUNNING"}` {
		t.Fatalf("claim a: %+v, %v", a, err)
	}
	if due, _ := s.DueExecutions(ctx(t), now, 10); len(due) != 0 {
		t.Fatalf("a leased execution is due: %v", due)
	}
	mustCode(t, func() error {
		_, err := s.ClaimExecution(ctx(t), "EXE-001", "replica-b", now, now.Add(30*time.Second))
		return err
	}(), switchyard.CodeConflict)
	// replica-b takes over once a's lease ran out; a's late write is refused.
	later := now.Add(31 * time.Second)
	b, err := s.ClaimExecution(ctx(t), "EXE-001", "replica-b", later, later.Add(30*time.Second))
	if err != nil || b.Epoch != 2 {
		t.Fatalf("claim b after expiry: %+v, %v", b, err)
	}
	mustCode(t, s.RenewLease(ctx(t), "EXE-001", a.Epoch, later.Add(time.Hour)), switchyard.CodeConflict)
	if err := s.RenewLease(ctx(t), "EXE-001", b.Epoch, later.Add(45*time.Second)); err != nil {
		t.Fatalf("RenewLease by the holder: %v", err)
	}
	if cur, _ := s.FindExecution(ctx(t), "EXE-001"); !cur.LeaseUntil.Equal(later.Add(45 * time.Second)) {
		t.Fatalf("renewed lease = %v", cur.LeaseUntil)
	}
	a.State, a.Seq = json.RawMessage(`{"status":"zombie"}`), 2
	mustCode(t, s.SaveExecution(ctx(t), a, []*switchyard.ExecutionEvent{{Seq: 2, Time: later, Kind: "log", Data: json.RawMessage(`{}`)}}, nil), switchyard.CodeConflict)
	wake := later.Add(5 * time.Second)
	b.State, b.Status, b.CurrentStep, b.WakeAt, b.LeaseUntil, b.Seq = json.RawMessage(`{"status":"RUNNING","current":"S2"}`), switchyard.ExecRunning, "S2", &wake, time.Time{}, 3
	evs := []*switchyard.ExecutionEvent{{Seq: 2, Time: later, Kind: "step", Data: json.RawMessage(`{"stepId":"S2"}`)}, {Seq: 3, Time: later, Kind: "log", Data: json.RawMessage(`{"k":1}`)}}
	if err := s.SaveExecution(ctx(t), b, evs, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := s.FindExecution(ctx(t), "EXE-001")
	if string(got.State) != `{"status":"RUNNING","current":"S2"}` || got.CurrentStep != "S2" || !got.WakeAt.Equal(wake) || !got.LeaseUntil.IsZero() || got.Seq != 3 {
		t.Fatalf("after save: %+v", got)
	}
	if due, _ := s.DueExecutions(ctx(t), later.Add(time.Second), 10); len(due) != 0 {
		t.Fatalf("due before its wake: %v", due)
	}
	all, err := s.ExecutionEvents(ctx(t), "EXE-001", 0, 0)
	if err != nil || len(all) != 3 || all[0].Kind != "action" || all[2].Seq != 3 || string(all[2].Data) != `{"k":1}` {
		t.Fatalf("events = %+v, %v", all, err)
	}
	if tail, _ := s.ExecutionEvents(ctx(t), "EXE-001", 2, 0); len(tail) != 1 || tail[0].Seq != 3 {
		t.Fatalf("events after 2 = %+v", tail)
	}
	// A signal makes it due at once; consumed, it does not.
	sig := &switchyard.ExecutionSignal{ID: switchyard.NewID(later), ExecutionID: "EXE-001", Kind: "pause", By: "bob", At: later}
	if err := s.AddSignal(ctx(t), sig); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueExecutions(ctx(t), later.Add(time.Second), 10); len(due) != 1 {
		t.Fatalf("a signal must make it due: %v", due)
	}
	pending, err := s.PendingSignals(ctx(t), "EXE-001")
	if err != nil || len(pending) != 1 || pending[0].Kind != "pause" || pending[0].By != "bob" {
		t.Fatalf("PendingSignals = %+v, %v", pending, err)
	}
	c, err := s.ClaimExecution(ctx(t), "EXE-001", "replica-b", later.Add(time.Second), later.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	c.LeaseUntil, c.Seq = time.Time{}, 4
	if err := s.SaveExecution(ctx(t), c, []*switchyard.ExecutionEvent{{Seq: 4, Time: later, Kind: "action", Data: json.RawMessage(`{}`)}}, []string{sig.ID}); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PendingSignals(ctx(t), "EXE-001"); len(pending) != 0 {
		t.Fatalf("consumed signals still pending: %+v", pending)
	}
	e2 := newExecution(wf)
	if err := s.CreateExecution(ctx(t), e2, nil); err != nil || e2.ID != "EXE-002" {
		t.Fatalf("second execution: %v %s", err, e2.ID)
	}
	list, err := s.FindExecutions(ctx(t), switchyard.ExecutionFilter{WorkflowID: wf.ID})
	if err != nil || len(list) != 2 || list[0].ID != "EXE-002" {
		t.Fatalf("FindExecutions = %d, %v", len(list), err)
	}
	if list, _ := s.FindExecutions(ctx(t), switchyard.ExecutionFilter{Status: switchyard.ExecCompleted}); len(list) != 0 {
		t.Fatalf("status filter: %d", len(list))
	}
}

// testExecutionClaimOneWins: of 8 replicas claiming the same due execution
// at once, exactly one gets the lease.
func testExecutionClaimOneWins(t *testing.T, s switchyard.Store) {
	if err := s.CreateRelease(ctx(t), newRelease("r1", "gateway")); err != nil {
		t.Fatal(err)
	}
	wf := newWorkflow("r1")
	if err := s.CreateWorkflow(ctx(t), wf); err != nil {
		t.Fatal(err)
	}
	e := newExecution(wf)
	if err := s.CreateExecution(ctx(t), e, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.ClaimExecution(ctx(t), e.ID, "replica-"+string(rune('a'+i)), now, now.Add(time.Minute)); err == nil {
				mu.Lock()
				won++
				mu.Unlock()
			} else if switchyard.ErrorCode(err) != switchyard.CodeConflict {
				t.Errorf("claim: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of 8 replicas claimed the execution", won)
	}
}
