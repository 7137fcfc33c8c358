package workflow

import (
	"encoding/json"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

func TestPreCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(e *actEnv)
		failed string // the check that fails, "" none
		want   string // in the zh reason
	}{
		{"all pass, the lock held by this execution", func(e *actEnv) {
			if _, err := e.svc.Lock(t.Context(), release.SystemActor("workflow/EXE-001", guideGroup), guideRelease); err != nil {
				t.Fatal(err)
			}
		}, "", ""},
		{"locked by a person", func(e *actEnv) {
			if _, err := e.svc.Lock(t.Context(), opAlice, guideRelease); err != nil {
				t.Fatal(err)
			}
		}, "lock", "发布前检查未通过：发布锁空闲或由本执行持有：alice 持有发布锁至"},
		{"a service offline", func(e *actEnv) {
			for _, v := range []string{"1.0", "1.1"} {
				_, _ = e.deployer.Ensure(t.Context(), switchyard.DeploySpec{Service: guideB, Group: guideGroup, Version: v, Instances: 0})
			}
		}, "instances", "每个服务都有在线实例：" + guideB + " 没有在线实例"},
		{"ended", func(e *actEnv) {
			released(e)
			e.execute(switchyard.OpEnd, nil)
		}, "release", "发布存在且未结束：发布已结束"},
		{"a corrupt rule", func(e *actEnv) {
			if _, err := e.cc.Put(t.Context(), switchyard.ConfigKey{Group: guideGroup, DataID: guideGateway}, "<rule><broken", "xml", "x", -1); err != nil {
				t.Fatal(err)
			}
		}, "rule", "的规则可以读取"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newActEnv(t)
			tc.setup(e)
			s := e.step("precheck", switchyard.StepPreCheck, nil)
			o := preCheck(t.Context(), e.tick(s, nil))
			var res struct {
				Checks []preCheckItem `json:"checks"`
			}
			_ = json.Unmarshal(o.Result, &res)
			if len(res.Checks) != 5 {
				t.Fatalf("checks = %s", o.Result)
			}
			if tc.failed == "" {
				if o.Status != switchyard.StepCompleted || Render(o.Summary, "zh") != "通过" {
					t.Fatalf("%s: %s", o.Status, actReason(o, "en"))
				}
				return
			}
			for _, c := range res.Checks {
				if c.OK == (c.Check == tc.failed) {
					t.Fatalf("check %s ok=%v (want only %s to fail)", c.Check, c.OK, tc.failed)
				}
			}
			wantContains(t, "reason", actReason(o, "zh"), tc.want)
		})
	}
}

func TestPreCheckRepeatedTickChangesNothing(t *testing.T) {
	e := newActEnv(t)
	s := e.step("precheck", switchyard.StepPreCheck, nil)
	versions, history := e.configVersions(), len(e.history())
	o1, o2 := preCheck(t.Context(), e.tick(s, nil)), preCheck(t.Context(), e.tick(s, nil))
	if o1.Status != switchyard.StepCompleted || string(o1.Result) != string(o2.Result) || e.configVersions() != versions || len(e.history()) != history {
		t.Fatalf("%s / %s", o1.Result, o2.Result)
	}
}
