package workflow

import (
	"slices"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestRollbackByReleaseState: 回滚 when released, 兜底 when nothing was
// published yet, nothing written when already there, refused when ended;
// the traffic is 0 after each success.
func TestRollbackByReleaseState(t *testing.T) {
	for _, tc := range []struct {
		name   string
		before []switchyard.Operation
		state  switchyard.ReleaseState
		op     switchyard.Operation // the operation the step adds ("" none)
		fails  bool
	}{
		{"released", []switchyard.Operation{switchyard.OpRelease}, switchyard.StateRolledBack, switchyard.OpRollback, false},
		{"new", nil, switchyard.StateFallback, switchyard.OpFallback, false},
		{"fallback", []switchyard.Operation{switchyard.OpFallback}, switchyard.StateFallback, "", false},
		{"rolled back", []switchyard.Operation{switchyard.OpRelease, switchyard.OpRollback}, switchyard.StateRolledBack, "", false},
		{"ended", []switchyard.Operation{switchyard.OpRelease, switchyard.OpEnd}, switchyard.StateEnded, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newActEnv(t)
			spec := withWeight(e.release().Spec, 50)
			for _, op := range tc.before {
				e.execute(op, &spec)
			}
			versions := e.configVersions()
			o := rollback(t.Context(), e.tick(&switchyard.Step{ID: RollbackStep, Name: "回滚", Type: switchyard.StepRollback}, nil))
			if got := e.release().State; got != tc.state {
				t.Fatalf("state = %s, want %s", got, tc.state)
			}
			h := e.history()
			if added := h[len(tc.before):]; (tc.op == "" && len(added) != 0) || (tc.op != "" && !slices.Equal(added, []switchyard.Operation{tc.op})) {
				t.Fatalf("operations added = %v, want %q", added, tc.op)
			}
			if tc.fails {
				if o.Status != switchyard.StepFailed || o.Reason.Key != "rollback.ended" {
					t.Fatalf("outcome %+v", o)
				}
				return
			}
			if o.Status != switchyard.StepCompleted || o.Traffic == nil || *o.Traffic != 0 || Render(o.Summary, "zh") != "成功" {
				t.Fatalf("outcome %s traffic %v summary %v", o.Status, o.Traffic, o.Summary)
			}
			if tc.op == "" && e.configVersions() != versions {
				t.Fatalf("nothing to roll back, yet %d config versions were written", e.configVersions()-versions)
			}
			wantContains(t, "log", actLogs("zh", o)[0], string(tc.state))
		})
	}
}

// TestRollbackRepeatedTickLandsOnce: the same tick after its publish
// landed finds the release rolled back and writes nothing more.
func TestRollbackRepeatedTickLandsOnce(t *testing.T) {
	e := newActEnv(t)
	spec := withWeight(e.release().Spec, 50)
	e.execute(switchyard.OpRelease, &spec)
	s := e.step("rollback", switchyard.StepRollback, nil)
	tick := e.tick(s, nil)
	o1 := rollback(t.Context(), tick)
	versions := e.configVersions()
	o2 := rollback(t.Context(), e.tick(s, nil))
	if o1.Status != switchyard.StepCompleted || o2.Status != switchyard.StepCompleted || e.configVersions() != versions {
		t.Fatalf("%s then %s, config versions %d → %d", o1.Status, o2.Status, versions, e.configVersions())
	}
	if h := e.history(); !slices.Equal(h, []switchyard.Operation{switchyard.OpRelease, switchyard.OpRollback}) {
		t.Fatalf("history = %v; want one rollback", h)
	}
	if got := Render(o1.Records[0].Data.(LogRecord).Message, "zh"); got != "回滚完成：发布状态 ROLLED_BACK，配置版本 2" {
		t.Fatalf("log = %q", got)
	}
}
