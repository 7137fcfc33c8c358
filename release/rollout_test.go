package release

import (
	"errors"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/readiness"
)

// TestAllNew: 结束发布 with 下线旧服务 is allowed only where the rule in
// effect sends the old version nothing.
func TestAllNew(t *testing.T) {
	gray := func(conds ...switchyard.GrayCondition) switchyard.ReleaseSpec {
		return switchyard.ReleaseSpec{GrayEnabled: true, GrayConditions: conds}
	}
	for _, tc := range []struct {
		name  string
		state switchyard.ReleaseState
		spec  switchyard.ReleaseSpec
		want  bool
	}{
		{"gray 100 for all traffic", switchyard.StateReleased, gray(switchyard.GrayCondition{Weight: 100}), true},
		{"two conditions at 100, one for all", switchyard.StateReleased, gray(switchyard.GrayCondition{Expression: "#H['a'] == '1'", Weight: 100}, switchyard.GrayCondition{Weight: 100}), true},
		{"gray 90", switchyard.StateReleased, gray(switchyard.GrayCondition{Weight: 90}), false},
		{"100 for matching requests only", switchyard.StateReleased, gray(switchyard.GrayCondition{Expression: "#H['a'] == '1'", Weight: 100}), false},
		{"blue-green too", switchyard.StateReleased, switchyard.ReleaseSpec{BlueGreenEnabled: true, GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Weight: 100}}}, false},
		{"rolled back", switchyard.StateRolledBack, gray(switchyard.GrayCondition{Weight: 100}), false},
		{"never executed", "", gray(switchyard.GrayCondition{Weight: 100}), false},
		{"no condition", switchyard.StateReleased, gray(), false},
	} {
		if got := allNew(&switchyard.Release{State: tc.state, Spec: tc.spec}); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSettled: ready once enough instances are registered and every one has
// been healthy for the settle time; a failed probe starts its time again
// and is named in the picture.
func TestSettled(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	ok := func(id string) readiness.Instance { return readiness.Instance{ID: id, Address: "127.0.0.1:1"} }
	bad := readiness.Instance{ID: "b", Address: "127.0.0.1:2", Err: errors.New("answered 503 Service Unavailable")}
	healthy := map[string]time.Time{}
	steps := []struct {
		at      time.Duration
		list    []readiness.Instance
		ready   bool
		picture string
	}{
		{0, []readiness.Instance{ok("a")}, false, "1 of 2 registered, 1 healthy"},
		{time.Second, []readiness.Instance{ok("a"), bad}, false, "2 of 2 registered, 1 healthy; instance b (127.0.0.1:2): answered 503 Service Unavailable"},
		{2 * time.Second, []readiness.Instance{ok("a"), ok("b")}, false, "2 of 2 registered, 2 healthy"},
		{3 * time.Second, []readiness.Instance{ok("a"), ok("b")}, false, "2 of 2 registered, 2 healthy"},
		{4 * time.Second, []readiness.Instance{ok("a"), ok("b")}, true, "2 of 2 registered, 2 healthy"},
	}
	for _, st := range steps {
		ready, pic := settled(st.list, 2, 2*time.Second, healthy, t0.Add(st.at))
		picture := pic.String()
		if ready != st.ready || picture != st.picture {
			t.Errorf("at %v: %v %q, want %v %q", st.at, ready, picture, st.ready, st.picture)
		}
	}
}
