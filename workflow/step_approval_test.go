package workflow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// TestApprovalAsksOnceThenWaitsForTheSignal: the first tick notifies the
// approvers and logs 等待 … 审批; a repeated first tick asks under the same
// key; a later tick keeps waiting without asking again; approve moves the
// execution on through the engine.
func TestApprovalAsksOnceThenWaitsForTheSignal(t *testing.T) {
	e := newActEnv(t)
	s := e.step("ok", switchyard.StepApproval, ApprovalConfig{Approvers: []string{"lead", "ops"}})
	o1 := approval(t.Context(), e.tick(s, nil))
	o2 := approval(t.Context(), e.tick(s, nil))
	if o1.Status != switchyard.StepRunning || o1.Waiting != "approval" || o1.Next.Sub(e.now) < 365*24*time.Hour {
		t.Fatalf("first tick: %s %s %v", o1.Status, o1.Waiting, o1.Next)
	}
	if len(o1.Notify) != 1 || o1.Notify[0].Event != "approval.requested" || o1.Notify[0].Key != "EXE-001/ok/1/approval.requested" || o2.Notify[0].Key != o1.Notify[0].Key {
		t.Fatalf("notify = %+v / %+v", o1.Notify, o2.Notify)
	}
	if got := strings.Join(actLogs("zh", o1), "|"); got != "等待 lead, ops 审批" {
		t.Fatalf("log = %s", got)
	}
	wantContains(t, "message", Render(o1.Notify[0].Message, "en"), "waits for approval by lead, ops")
	later := approval(t.Context(), e.tick(s, o1.Progress))
	if later.Status != switchyard.StepRunning || later.Waiting != "approval" || len(later.Notify) != 0 || len(later.Records) != 0 {
		t.Fatalf("later tick: %+v", later)
	}

	// Through the engine: the wait holds until approve.
	w := &switchyard.Workflow{ID: "WF-009", Version: 1, Steps: []switchyard.Step{
		{ID: "start", Type: switchyard.StepStart}, *s, {ID: "end", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{{From: "start", To: "ok"}, {From: "ok", To: "end"}}}
	st := NewState(w)
	if _, err := Decide(w, "EXE-001", st, Start{By: "alice"}, e.now); err != nil {
		t.Fatal(err)
	}
	d, err := Decide(w, "EXE-001", st, o1, e.now)
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := d.Commands[0].(Notify); !ok || n.Event != "approval.requested" {
		t.Fatalf("commands = %+v", d.Commands)
	}
	if d, _ := Decide(w, "EXE-001", st, Wake{}, e.now.Add(48*time.Hour)); len(d.Commands) != 0 {
		t.Fatalf("a waiting approval was ticked: %+v", d.Commands)
	}
	if _, err := Decide(w, "EXE-001", st, Signal{Kind: SigApprove, By: "lead"}, e.now); err != nil || st.Status != switchyard.ExecCompleted {
		t.Fatalf("approve: %v, %s", err, st.Status)
	}
}

func TestApprovalDefaultApprovers(t *testing.T) {
	e := newActEnv(t)
	o := approval(t.Context(), e.tick(e.step("ok", switchyard.StepApproval, nil), nil))
	if got := actLogs("zh", o)[0]; got != "等待 "+guideGroup+" 组成员 审批" {
		t.Fatalf("log = %s", got)
	}
	var p approvalProgress
	_ = json.Unmarshal(o.Progress, &p)
	if !p.Requested.Equal(e.now) {
		t.Fatalf("progress = %s", o.Progress)
	}
}
