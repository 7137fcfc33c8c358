package verify

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func (e *fakeEnv) inspectionRequest(samples int) *switchyard.InspectionRequest {
	return &switchyard.InspectionRequest{Strategy: vector(e.t, "inspector/mock-inspector.yaml"),
		ConditionsText: "testcase.inspect.url=" + e.url() + "\ntestcase.inspect.context.service=" + svcA + "\ntestcase.sample.count=" + itoa(samples) + "\n"}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestInspectionCountsTheChains: mock-inspector.yaml through the gateway
// under a rule gives the chains the rule dictates, counted by
// service@@version with their segments; the header is sent, the context
// service left out of serviceIdList; the config is saved for reuse.
func TestInspectionCountsTheChains(t *testing.T) {
	e := newFakeEnv(t)
	e.put("alice", `<rule><strategy><version>{"discovery-guide-service-a":"1.1","discovery-guide-service-b":"1.0"}</version></strategy></rule>`)
	started, err := e.svc.StartInspection(t.Context(), operator, group, gwID, e.inspectionRequest(12))
	if err != nil {
		t.Fatal(err)
	}
	r := e.wait(started.ID)
	if r.Status != switchyard.VerifyCompleted || r.Done != 12 || r.Total != 12 {
		t.Fatalf("status %s %d/%d %+v", r.Status, r.Done, r.Total, r.Reason)
	}
	res := r.Inspection.Result
	counts := map[string]int{}
	for _, c := range res.Counts {
		counts[c.Key] = c.Count
	}
	if counts[gwID+"@@1.0"] != 12 || counts[svcA+"@@1.1"] != 12 || counts[svcB+"@@1.0"] != 12 || len(counts) != 3 {
		t.Fatalf("counts = %v", counts)
	}
	if len(res.Chains) != 1 || res.Chains[0].Count != 12 || res.Chains[0].Chain != "[ID="+gwID+"][V=1.0] -> [ID="+svcA+"][V=1.1] -> [ID="+svcB+"][V=1.0]" ||
		len(res.Chains[0].Hops) != 3 || !strings.Contains(res.Chains[0].Hops[1].Segment, "[T=service]") {
		t.Fatalf("chains = %+v", res.Chains)
	}
	if strings.Join(res.Services, ",") != svcB || res.Header["xyz"] != "1" || res.URL != e.url() {
		t.Fatalf("serviceIdList %v, header %v, url %s", res.Services, res.Header, res.URL)
	}
	if len(res.Topology.Nodes) != 3 || len(res.Topology.Edges) != 2 || res.Topology.Edges[0].Count != 12 || !res.Topology.Nodes[0].Entry {
		t.Fatalf("topology = %+v", res.Topology)
	}
	saved, err := e.svc.InspectionConfig(t.Context(), group, gwID)
	if err != nil || saved.Conditions.SampleCount != 12 || saved.UpdatedBy != "zhangsan" || saved.Revision != 1 {
		t.Fatalf("saved config = %+v, %v", saved, err)
	}
	again, err := e.svc.StartInspection(t.Context(), operator, group, gwID, nil)
	if err != nil {
		t.Fatalf("the saved inspection: %v", err)
	}
	if r := e.wait(again.ID); r.Done != 12 {
		t.Fatalf("the saved inspection sent %d samples", r.Done)
	}
}

// TestInspectionTargetsOnlyTheRegisteredDataPlane: the inspector URL must
// be a registered instance of the group; without one, the entry app's
// registered instance is used.
func TestInspectionTargetsOnlyTheRegisteredDataPlane(t *testing.T) {
	e := newFakeEnv(t)
	for _, tc := range []struct{ url, reason string }{
		{"http://127.0.0.1:1/inspector/inspect", ""}, // service-a 1.0 is registered at :1
		{"http://127.0.0.1:9/" + svcA + "/inspector/inspect", "verify.entry.unknown"},
		{"http://169.254.169.254/latest/inspector/inspect", "verify.entry.unknown"},
	} {
		req := e.inspectionRequest(1)
		req.ConditionsText = "testcase.inspect.url=" + tc.url + "\n"
		_, err := e.svc.StartInspection(t.Context(), operator, group, gwID, req)
		if tc.reason == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.url, err)
			}
			continue
		}
		if e := switchyard.AsError(err); e == nil || e.Reason != tc.reason || e.Field != "conditions.inspectUrl" {
			t.Errorf("%s: %v, want %s", tc.url, err, tc.reason)
		}
	}
	e.register(&switchyard.Instance{ID: "other", Service: "pay-gateway", Group: "pay-group", Host: "127.0.0.1", Port: 7})
	req := e.inspectionRequest(1)
	req.ConditionsText = "testcase.inspect.url=http://localhost:7/inspector/inspect\n"
	if _, err := e.svc.StartInspection(t.Context(), operator, group, gwID, req); switchyard.AsError(err) == nil || switchyard.AsError(err).Reason != "verify.entry.group" {
		t.Fatalf("another group's instance (by name): %v", err)
	}
	req.ConditionsText = "testcase.inspect.context.service=" + svcA + "\ntestcase.sample.count=3\n"
	started, err := e.svc.StartInspection(t.Context(), operator, group, gwID, req)
	if err != nil {
		t.Fatal(err)
	}
	if r := e.wait(started.ID); r.Status != switchyard.VerifyCompleted || r.Inspection.Result.URL != e.url() {
		t.Fatalf("without a URL: %s %s %+v", r.Status, r.Inspection.Result.URL, r.Reason)
	}
	if _, err := e.svc.StartInspection(t.Context(), &switchyard.User{Name: "wangwu", Role: switchyard.RoleOperator, Groups: []string{"pay-group"}}, group, gwID, req); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("an operator of another group: %v", err)
	}
}

// TestInspectionFailsOnAnError: a sample the gateway does not answer fails
// the inspection (侦测失败) naming the sample and the answer.
func TestInspectionFailsOnAnError(t *testing.T) {
	e := newFakeEnv(t)
	e.gw.set(func(g *fakeGateway) { g.broken = true })
	started, err := e.svc.StartInspection(t.Context(), operator, group, gwID, e.inspectionRequest(5))
	if err != nil {
		t.Fatal(err)
	}
	r := e.wait(started.ID)
	if r.Status != switchyard.VerifyFailed || r.Reason.Key != "verify.sample.failed" || r.Reason.Params["sample"] != "1" || !strings.Contains(r.Reason.Text, "502") {
		t.Fatalf("%s %+v", r.Status, r.Reason)
	}
}

// TestNepxionInspectionTakesTheKeyFromTheURL: DiscoveryTool's inspector
// body names no key; the run's is the entry the URL points at.
func TestNepxionInspectionTakesTheKeyFromTheURL(t *testing.T) {
	e := newFakeEnv(t)
	body := strings.Replace(vector(t, "inspector/application.properties"), "http://localhost:5001/discovery-guide-service-a/inspector/inspect", e.url(), 1) +
		"\n----------\n" + vector(t, "inspector/mock-inspector.yaml")
	in, err := ParseNepxionInspection(body, FormatProperties)
	if err != nil {
		t.Fatal(err)
	}
	started, err := e.svc.StartNepxionInspection(t.Context(), admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if started.Task != group+"@@"+gwID {
		t.Fatalf("task %s", started.Task)
	}
	if r := e.wait(started.ID); r.Status != switchyard.VerifyCompleted || r.Done != 10 {
		t.Fatalf("%s %d", r.Status, r.Done)
	}
}

// TestRunsAreWatchedAndBounded: Watch hands the progress and ends with the
// finished run; only the newest Keep finished runs of a key are kept.
func TestRunsAreWatchedAndBounded(t *testing.T) {
	e := newFakeEnv(t)
	e.svc.Keep = 3
	open := e.hold()
	started, err := e.svc.StartInspection(t.Context(), operator, group, gwID, e.inspectionRequest(30))
	if err != nil {
		t.Fatal(err)
	}
	runs, err := e.svc.Watch(t.Context(), started.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := <-runs
	if first.Status != switchyard.VerifyRunning || first.Inspection == nil {
		t.Fatalf("first = %+v", first)
	}
	open()
	var last *switchyard.VerifyRun
	seen := 0
	for r := range runs {
		last = r
		seen++
	}
	if last == nil || last.Status != switchyard.VerifyCompleted || last.Done != 30 || last.Seq <= first.Seq {
		t.Fatalf("last = %+v after %d updates", last, seen)
	}
	for i := 0; i < 4; i++ {
		s, err := e.svc.StartInspection(t.Context(), operator, group, gwID, nil)
		if err != nil {
			t.Fatal(err)
		}
		e.wait(s.ID)
	}
	list, err := e.svc.Runs(t.Context(), switchyard.VerifyFilter{Kind: switchyard.VerifyInspection, Group: group, ServiceID: gwID})
	if err != nil || len(list) != 3 || list[0].Inspection != nil {
		t.Fatalf("runs kept: %d (%v); lists carry no result", len(list), err)
	}
}

// TestSettleWaitsForTheInstances: a change is waited for until the
// gateway reports it, at most the await time; an instance that never
// reports it is named.
func TestSettleWaitsForTheInstances(t *testing.T) {
	e := newFakeEnv(t)
	en := e.put("alice", previousRule)
	e.gw.set(func(g *fakeGateway) { g.lag = 1 })
	go func() {
		time.Sleep(150 * time.Millisecond)
		e.gw.set(func(g *fakeGateway) { g.lag = 0 })
	}()
	start := time.Now()
	msg, err := e.svc.settle(t.Context(), e.key, en.Version, 5*time.Second, func() {})
	if err != nil || time.Since(start) < 100*time.Millisecond || time.Since(start) > 3*time.Second || !strings.Contains(msg, "applied by "+gwID) {
		t.Fatalf("settle: %q, %v after %v", msg, err, time.Since(start))
	}
	e.gw.set(func(g *fakeGateway) { g.lag = 1 })
	msg, err = e.svc.settle(t.Context(), e.key, en.Version, 100*time.Millisecond, func() {})
	if err != nil || !strings.Contains(msg, "not reported by "+gwID) {
		t.Fatalf("settle with a lagging gateway: %q, %v", msg, err)
	}
}
