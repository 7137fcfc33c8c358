package e2e

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// TestReleaseWithDeployAndEndWithOffline: issue 13's 执行发布 with 上线新服务
// and 结束发布 with 下线旧服务 on `demo --fresh` (1.0 only, real processes).
// A deploy of a version the deployer does not know fails naming the service
// and publishes nothing; 执行发布 with deploy starts 1.1 of both services
// and publishes only once every new instance is registered and healthy;
// 结束发布 with offline stops 1.0, waits until it is deregistered, and
// clears the rule; the history says both.
func TestReleaseWithDeployAndEndWithOffline(t *testing.T) {
	d := startWorkflowDemo(t, 900)
	admin := d.admin
	ruleText := func() string {
		e, err := admin.Config(ctx(t), group, gwID)
		if err != nil || e.Deleted {
			return "" // never written, or removed
		}
		return e.Content
	}
	before := ruleText()
	all100 := &switchyard.ReleaseSpec{Services: []string{svcA, svcB}, Sort: "version", GrayEnabled: true,
		GrayConditions: []switchyard.GrayCondition{{Expression: "", Weight: 100}}}

	// No such deployer, and new instances that cannot settle in time:
	// refused saying why, nothing published.
	for _, tc := range []struct {
		deploy *switchyard.ReleaseDeploy
		reason string
		says   string
	}{
		{&switchyard.ReleaseDeploy{Version: "1.1", Deployer: "k8s"}, "rollout.deployer", "k8s"},
		{&switchyard.ReleaseDeploy{Version: "1.1", Settle: "10s", Timeout: "3s"}, "rollout.not_ready", svcA + " 1.1"},
	} {
		_, err := admin.Operate(ctx(t), demoRelease, switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: all100, Deploy: tc.deploy})
		e := switchyard.AsError(err)
		if e == nil || e.Reason != tc.reason || !strings.Contains(e.Message, tc.says) {
			t.Fatalf("deploy %+v: %v, want %s saying %q", tc.deploy, err, tc.reason, tc.says)
		}
		t.Logf("refused: %s", e.Message)
		if now := ruleText(); now != before {
			t.Fatalf("a failed deploy left the rule changed: %q → %q", before, now)
		}
	}

	// Requests all along the deploy: no chain may mix versions while 1.1
	// comes up (the old chain is pinned until the publish).
	stop := make(chan struct{})
	mixed, sent := 0, 0
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		c := &http.Client{Timeout: 5 * time.Second}
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := c.Get(d.gateway + "/" + svcA + "/invoke/gateway")
			if err != nil {
				continue
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			sent++
			if a, b := segments(string(body)); a.version != b.version {
				mixed++
			}
		}
	}()
	start := time.Now()
	res, err := admin.Operate(ctx(t), demoRelease, switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: all100,
		Deploy: &switchyard.ReleaseDeploy{Version: "1.1", Settle: "1s"}})
	if err != nil {
		t.Fatalf("执行发布 with deploy: %v", err)
	}
	took := time.Since(start)
	close(stop)
	<-loadDone
	if mixed > 0 || sent == 0 {
		t.Errorf("%d of %d chains mixed versions during the deploy", mixed, sent)
	}
	t.Logf("%d requests during the deploy, %d mixed chains", sent, mixed)
	ro := res.Rollout
	if ro == nil || ro.Running || ro.Failed != nil || len(ro.Lines) == 0 || ro.Lines[len(ro.Lines)-1].Message.Key != "rollout.ready" {
		t.Fatalf("rollout %+v", ro)
	}
	var lines []string
	for _, l := range ro.Lines {
		lines = append(lines, l.Message.Text)
	}
	if ro.Lines[0].Message.Key != "rollout.pinned" {
		t.Errorf("the first step was %q, want the old chain pinned before 1.1 starts", ro.Lines[0].Message.Text)
	}
	t.Logf("执行发布 with deploy in %v: %s", took.Round(time.Millisecond), strings.Join(lines, " | "))
	ready := ro.Lines[len(ro.Lines)-1].Time
	if !res.History.At.After(ready) && !res.History.At.Equal(ready) {
		t.Errorf("published at %v, before the new instances were ready at %v", res.History.At, ready)
	}
	if res.Release.State != switchyard.StateReleased || !strings.Contains(res.History.Detail, "deploy:") {
		t.Errorf("state %s, history detail %q", res.Release.State, res.History.Detail)
	}
	vs, err := admin.Versions(ctx(t), []string{svcA, svcB}, "version")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if strings.Join(v.Versions, ",") != "1.0,1.1" {
			t.Errorf("%s online: %v, want 1.0 and 1.1", v.Service, v.Versions)
		}
	}
	// All traffic goes to 1.1 now.
	tp := d.topo
	tp.waitApplied(gwID)
	a, b := tp.many(100, req{}, version, true)
	if a["1.1"] != 100 || b["1.1"] != 100 {
		t.Errorf("after 执行发布 at 100%%: service-a %v, service-b %v; want all on 1.1", a, b)
	}

	res, err = admin.Operate(ctx(t), demoRelease, switchyard.OperationRequest{Operation: switchyard.OpEnd,
		Offline: &switchyard.ReleaseOffline{Settle: "1s"}})
	if err != nil {
		t.Fatalf("结束发布 with offline: %v", err)
	}
	lines = lines[:0]
	for _, l := range res.Rollout.Lines {
		lines = append(lines, l.Message.Text)
	}
	t.Logf("结束发布 with offline: %s", strings.Join(lines, " | "))
	vs, err = admin.Versions(ctx(t), []string{svcA, svcB}, "version")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if strings.Join(v.Versions, ",") != "1.1" {
			t.Errorf("%s online after 结束发布 with offline: %v, want 1.1 only", v.Service, v.Versions)
		}
	}
	for _, port := range []int{3001, 4001} {
		if listening(addr(port, d.offset)) {
			t.Errorf("1.0 still listens on %d", port+d.offset)
		}
	}
	e, err := admin.Config(ctx(t), group, gwID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Content, "strategy-release") || strings.Contains(e.Content, "<version>") {
		t.Errorf("the rule after 结束发布 still routes: %s", e.Content)
	}
	hist, err := admin.ReleaseHistory(ctx(t), demoRelease)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) < 2 || hist[0].Operation != switchyard.OpEnd || !strings.HasPrefix(hist[0].Detail, "offline:") ||
		hist[1].Operation != switchyard.OpRelease || !strings.HasPrefix(hist[1].Detail, "deploy:") {
		t.Errorf("history: %+v", hist)
	}
	j := d.journal(t)
	// The deploy that did not settle started 1.1 and stopped it again; the
	// one that passed started it once more; the offline stopped 1.0 once.
	if j["start service-a 1.1"] != 2 || j["stop service-a 1.1"] != 1 || j["start service-b 1.1"] != 2 || j["stop service-b 1.1"] != 1 ||
		j["stop service-a 1.0"] != 1 || j["stop service-b 1.0"] != 1 {
		t.Errorf("deployer journal %v", j)
	}
}
