package workflow

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestDeployEnsuresEachService: one Ensure per service with the release's
// group, the version, the instances and the tick's key; the result names
// the version for later steps; a log line per service.
func TestDeployEnsuresEachService(t *testing.T) {
	e := newActEnv(t)
	s := e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.2", Instances: 2})
	o := deploy(t.Context(), e.tick(s, nil))
	if o.Status != switchyard.StepCompleted || Render(o.Summary, "zh") != "成功" {
		t.Fatalf("outcome %+v", o)
	}
	if len(e.deployer.calls) != 2 || e.deployer.starts != 4 {
		t.Fatalf("calls %+v, starts %d", e.deployer.calls, e.deployer.starts)
	}
	for i, svc := range []string{guideA, guideB} {
		c := e.deployer.calls[i]
		if c.Service != svc || c.Group != guideGroup || c.Version != "1.2" || c.Instances != 2 || c.Key != "EXE-001/deploy/1" {
			t.Fatalf("call %d = %+v", i, c)
		}
	}
	if got := strings.Join(actLogs("zh", o), "|"); got != "新版本启动前先把流量固定在旧版本：执行发布，新版本权重 0%（配置版本 1）|"+guideA+" 1.2：2 个实例运行中，本次启动 2 个|"+guideB+" 1.2：2 个实例运行中，本次启动 2 个" {
		t.Fatalf("log = %s", got)
	}
	e.st.Steps["deploy"] = &StepState{Status: switchyard.StepCompleted, Attempt: 1, Ended: at(e.now), Result: o.Result}
	if v, svcs := deployed(e.tick(s, nil)); v != "1.2" || strings.Join(svcs, ",") != guideA+","+guideB {
		t.Fatalf("deployed() = %s %v", v, svcs)
	}
}

// TestDeployRepeatedTickLandsOnce: the same tick again (a crash before its
// outcome was saved) starts no second copy.
func TestDeployRepeatedTickLandsOnce(t *testing.T) {
	e := newActEnv(t)
	s := e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.2"})
	o1 := deploy(t.Context(), e.tick(s, nil))
	o2 := deploy(t.Context(), e.tick(s, nil))
	if o1.Status != switchyard.StepCompleted || o2.Status != switchyard.StepCompleted || e.deployer.starts != 2 {
		t.Fatalf("%s, %s: %d instances started; want 2 (one per service)", o1.Status, o2.Status, e.deployer.starts)
	}
	var r deployResult
	_ = json.Unmarshal(o2.Result, &r)
	if len(r.Services) != 2 || len(r.Services[0].Instances) != 1 || len(r.Services[0].Started) != 0 {
		t.Fatalf("second result = %s", o2.Result)
	}
	if ins, _ := e.reg.Instances(t.Context(), guideA); len(ins) != 3 {
		t.Fatalf("%d instances of a registered; want 1.0, 1.1 and one 1.2", len(ins))
	}
}

func TestDeployFailures(t *testing.T) {
	e := newActEnv(t)
	s := e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.2", Deployer: "k8s"})
	if o := deploy(t.Context(), e.tick(s, nil)); o.Status != switchyard.StepFailed || !strings.Contains(actReason(o, "en"), "no deployer named k8s") {
		t.Fatalf("unknown deployer: %+v", o.Reason)
	}
	e.deployer.fail[guideB] = switchyard.Errorf(switchyard.CodeInvalid, "the deployer does not know %s", guideB)
	s = e.step("deploy2", switchyard.StepDeploy, DeployConfig{Version: "1.2"})
	o := deploy(t.Context(), e.tick(s, nil))
	wantContains(t, "reason", actReason(o, "zh"), "部署 "+guideB+" 1.2 失败", "does not know")
	if logs := actLogs("en", o); len(logs) != 2 || !strings.Contains(logs[1], guideA) {
		t.Fatalf("the service that did deploy is logged: %q", actLogs("en", o))
	}
	s = e.step("deploy3", switchyard.StepDeploy, DeployConfig{})
	if o := deploy(t.Context(), e.tick(s, nil)); o.Reason.Key != "deploy.no_version" {
		t.Fatalf("no version: %+v", o.Reason)
	}
}

// TestDeployPinsTrafficToTheOldVersions: a release with no rule in effect
// is executed at 0% to the new version before anything starts (the entry
// then sends every request along the old chain); a repeated tick, or a
// release already in effect, publishes nothing.
func TestDeployPinsTrafficToTheOldVersions(t *testing.T) {
	e := newActEnv(t)
	s := e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.2"})
	o := deploy(t.Context(), e.tick(s, nil))
	r, err := e.store.FindRelease(t.Context(), guideRelease)
	if err != nil {
		t.Fatal(err)
	}
	var res deployResult
	_ = json.Unmarshal(o.Result, &res)
	if r.State != switchyard.StateReleased || publishedWeight(r) != 0 || res.Pinned != r.ConfigVersion || r.ConfigVersion == 0 {
		t.Fatalf("after DEPLOY the release is %s at %d%% (config %d, pinned %d)", r.State, publishedWeight(r), r.ConfigVersion, res.Pinned)
	}
	for _, g := range r.Spec.GrayConditions {
		if g.Expression != "" && g.Weight != 30 {
			t.Fatalf("the release's own conditions changed: %+v", r.Spec.GrayConditions)
		}
	}
	if got := actLogs("en", o)[0]; !strings.Contains(got, "pinned to the old versions") {
		t.Fatalf("first log line = %q", got)
	}
	o2 := deploy(t.Context(), e.tick(s, nil))
	r2, _ := e.store.FindRelease(t.Context(), guideRelease)
	res = deployResult{}
	_ = json.Unmarshal(o2.Result, &res)
	if r2.ConfigVersion != r.ConfigVersion || res.Pinned != 0 || len(actLogs("en", o2)) != 2 {
		t.Fatalf("a repeated tick pinned again: config %d → %d, pinned %d, logs %q", r.ConfigVersion, r2.ConfigVersion, res.Pinned, actLogs("en", o2))
	}
}

// TestDeployFirstVersionPinsNothing: with a service not online at all
// there is no old chain to keep; DEPLOY says so and starts the version.
func TestDeployFirstVersionPinsNothing(t *testing.T) {
	e := newActEnv(t)
	ins, _ := e.reg.Instances(t.Context(), guideB)
	for _, in := range ins {
		if err := e.reg.Deregister(t.Context(), in.ID); err != nil {
			t.Fatal(err)
		}
	}
	s := e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.0"})
	o := deploy(t.Context(), e.tick(s, nil))
	r, _ := e.store.FindRelease(t.Context(), guideRelease)
	if o.Status != switchyard.StepCompleted || r.State == switchyard.StateReleased || r.ConfigVersion != 0 {
		t.Fatalf("%s; release %s at config %d", o.Status, r.State, r.ConfigVersion)
	}
	if got := actLogs("en", o)[0]; got != "Traffic not pinned: "+guideB+" has no instance online yet, so there is no old chain to keep" {
		t.Fatalf("first log line = %q", got)
	}
}
