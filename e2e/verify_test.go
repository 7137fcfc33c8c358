package e2e

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// automation is where DiscoveryTool's automation files are, as Nepxion
// ships them.
const automation = "../verify/testdata/automation"

// blueGreenXYZ sends requests with header xyz=1 to 1.1 of both services,
// every other request to 1.0: mock-inspector.yaml sends xyz=1.
const blueGreenXYZ = `<rule>
  <strategy><version>{"discovery-guide-service-a":"1.0", "discovery-guide-service-b":"1.0"}</version></strategy>
  <strategy-release>
    <conditions type="blue-green">
      <condition id="xyz" expression="#H['xyz'] == '1'" version-id="new"/>
    </conditions>
    <routes>
      <route id="new" type="version">{"discovery-guide-service-a":"1.1", "discovery-guide-service-b":"1.1"}</route>
    </routes>
  </strategy-release>
</rule>`

// TestVerificationOnTheDemo: issue 13's acceptance on the real demo (gateway
// and four services as processes). An inspection with mock-inspector.yaml
// sees exactly the chains the rule in effect dictates; DiscoveryTool's own
// simulator body, posted to the demo's automation endpoint, gives a task id
// and passes all seven phases, a second one on the same key at the same
// time is refused naming the first; a simulation with a wrong rule injected
// after phase 3 fails there with the counts; a simulation while someone
// operates a release of the key is refused naming them; and after every
// simulation the rule that was in effect before is back.
func TestVerificationOnTheDemo(t *testing.T) {
	tp := startDemoEnv(t, 800, []string{"SWITCHYARD_TEST_HOOKS=1"})
	admin := tp.admin
	gwHost := strings.TrimPrefix(tp.gateway, "http://")
	consoleHost := strings.TrimPrefix(tp.console, "http://")
	local := func(text string) string {
		return strings.NewReplacer("localhost:5001", gwHost, "localhost:6001", consoleHost).Replace(text)
	}

	// The rule in effect before anything: blue-green on xyz.
	before, err := admin.PutConfig(ctx(t), group, gwID, blueGreenXYZ, "xml", -1)
	if err != nil {
		t.Fatalf("publish the rule in effect: %v", err)
	}
	tp.waitApplied(gwID)
	ruleBack := func(after string) {
		t.Helper()
		e, err := admin.Config(ctx(t), group, gwID)
		if err != nil {
			t.Fatal(err)
		}
		if e.Content != before.Content {
			t.Errorf("after %s the rule at %s/%s is\n%s\nwant the rule in effect before:\n%s", after, group, gwID, e.Content, before.Content)
		}
	}

	t.Run("inspection", func(t *testing.T) {
		started, err := admin.StartInspection(ctx(t), group, gwID, &switchyard.InspectionRequest{
			Strategy:       automationFile(t, "inspector/mock-inspector.yaml"),
			ConditionsText: local(automationFile(t, "inspector/application.properties")),
		})
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		if want := group + "@@" + gwID; started.Task != want {
			t.Errorf("task %q, want %q", started.Task, want)
		}
		run := waitRun(t, admin, started.ID, 60*time.Second)
		if run.Status != switchyard.VerifyCompleted || run.Inspection == nil {
			t.Fatalf("inspection %s: %+v", run.Status, run.Reason)
		}
		res := run.Inspection.Result
		if res.Samples == 0 || len(res.Chains) != 1 {
			t.Fatalf("%d samples, chains %+v; want every sample on one chain", res.Samples, res.Chains)
		}
		want := "[ID=discovery-guide-gateway][V=1.0] -> [ID=discovery-guide-service-a][V=1.1] -> [ID=discovery-guide-service-b][V=1.1]"
		if c := res.Chains[0]; c.Chain != want || c.Count != res.Samples {
			t.Errorf("chain %q ×%d, want %q ×%d", c.Chain, c.Count, want, res.Samples)
		}
		for _, c := range res.Counts {
			if c.Service != gwID && c.Version != "1.1" {
				t.Errorf("%s counted %d times: the rule sends xyz=1 to 1.1 only", c.Key, c.Count)
			}
		}
		t.Logf("inspection %s: %d samples, %d chain(s), counts %+v", run.ID, res.Samples, len(res.Chains), res.Counts)
	})

	t.Run("DiscoveryTool's simulator body on the demo's endpoint", func(t *testing.T) {
		body := strings.Join([]string{
			local(automationFile(t, "simulator/application.properties")),
			automationFile(t, "simulator/mock-version-release-basic.yaml"),
			automationFile(t, "simulator/mock-version-release-1.yaml"),
			automationFile(t, "simulator/mock-version-release-2.yaml"),
		}, "\n----------\n")
		first := postText(t, tp.console+"/simulator-test/test-config-properties", body)
		var running []string
		if err := getJSON(tp.console+"/simulator-test/testcases-running", &running); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(running, group+"@@"+gwID) {
			t.Errorf("testcases-running %v while %s runs", running, first)
		}
		// DiscoveryTool answers a second start with its id too, and that
		// task stops at once naming the running one.
		second := postText(t, tp.console+"/simulator-test/test-config-properties", body)
		refused := waitRun(t, admin, second, 30*time.Second)
		if refused.Status != switchyard.VerifyFailed || refused.Reason == nil || !strings.Contains(refused.Reason.Text, first) {
			t.Errorf("the second simulation %s: %s %+v; want FAILED naming %s", second, refused.Status, refused.Reason, first)
		}
		run := waitRun(t, admin, first, 3*time.Minute)
		checkPassed(t, run)
		ruleBack("DiscoveryTool's simulation")
	})

	t.Run("a wrong rule injected after phase 3 fails there", func(t *testing.T) {
		wrong := `<rule><strategy><version>{"discovery-guide-service-a":"1.0", "discovery-guide-service-b":"1.0"}</version></strategy></rule>`
		started, err := admin.StartSimulation(ctx(t), group, gwID, &switchyard.SimulationRequest{
			Basic:          automationFile(t, "simulator/mock-version-release-basic.yaml"),
			Release1:       automationFile(t, "simulator/mock-version-release-1.yaml"),
			Release2:       automationFile(t, "simulator/mock-version-release-2.yaml"),
			ConditionsText: local(automationFile(t, "simulator/application.properties")),
			Inject:         &switchyard.VerifyInject{Phase: 3, Rule: wrong},
		})
		if err != nil {
			t.Fatalf("start: %v", err)
		}
		run := waitRun(t, admin, started.ID, 3*time.Minute)
		if run.Status != switchyard.VerifyFailed || run.Simulation == nil {
			t.Fatalf("simulation with a wrong rule: %s %+v", run.Status, run.Reason)
		}
		var failed *switchyard.VerifyPhase
		for i := range run.Simulation.Result.Phases {
			if ph := &run.Simulation.Result.Phases[i]; ph.Status == switchyard.PhaseFailed {
				failed = ph
				break
			}
		}
		if failed == nil || failed.Index != 3 || !failed.Injected {
			t.Fatalf("failed phase %+v, want phase 3 with the injected rule", failed)
		}
		var broken []string
		for _, b := range failed.Batches {
			for _, a := range b.Assertions {
				if !a.Passed {
					broken = append(broken, a.Name+": expected "+a.Expected+", actual "+a.Actual)
				}
			}
		}
		if len(broken) == 0 {
			t.Fatalf("phase 3 failed without a failing assertion: %+v", failed.Batches)
		}
		t.Logf("phase 3 with the wrong rule: %s", strings.Join(broken, "; "))
		if r := run.Simulation.Restore; r == nil || r.Status != "restored" {
			t.Errorf("restore %+v, want restored", r)
		}
		ruleBack("the failed simulation")
	})

	t.Run("refused while someone operates a release of the key", func(t *testing.T) {
		if _, err := admin.CreateGroup(ctx(t), switchyard.NewGroup{Name: group}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.CreateUser(ctx(t), switchyard.NewUser{Name: "zhangsan", DisplayName: "张三", Role: switchyard.RoleOperator,
			Groups: []string{group}, Password: "zhangsan-secret"}); err != nil {
			t.Fatal(err)
		}
		zs := client.New(tp.cpURL, "")
		it, err := zs.LoginToken(ctx(t), switchyard.LoginRequest{Username: "zhangsan", Password: "zhangsan-secret"})
		if err != nil {
			t.Fatal(err)
		}
		zs.Token = it.Secret
		if _, err := zs.LockRelease(ctx(t), "discovery-guide-1.1"); err != nil {
			t.Fatalf("zhangsan takes the release's lock: %v", err)
		}
		_, err = admin.StartSimulation(ctx(t), group, gwID, &switchyard.SimulationRequest{
			Basic:          automationFile(t, "simulator/mock-version-release-basic.yaml"),
			Release1:       automationFile(t, "simulator/mock-version-release-1.yaml"),
			Release2:       automationFile(t, "simulator/mock-version-release-2.yaml"),
			ConditionsText: local(automationFile(t, "simulator/application.properties")),
		})
		var e *switchyard.Error
		if !errors.As(err, &e) || e.Reason != "verify.release.locked" || e.Params["user"] != "zhangsan" {
			t.Fatalf("simulation while zhangsan holds the release: %v, want verify.release.locked naming zhangsan", err)
		}
		if err := zs.UnlockRelease(ctx(t), "discovery-guide-1.1"); err != nil {
			t.Fatal(err)
		}
		ruleBack("the refused simulation")
	})
}

func automationFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(automation, name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(string(b), "\ufeff")
}

// waitRun polls a run until it ends.
func waitRun(t *testing.T, c *client.Client, id string, timeout time.Duration) *switchyard.VerifyRun {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		run, err := c.VerifyRun(ctx(t), id)
		if err != nil {
			t.Fatalf("run %s: %v", id, err)
		}
		if run.Status.Finished() {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s after %v (%d of %d samples)", id, run.Status, timeout, run.Done, run.Total)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func checkPassed(t *testing.T, run *switchyard.VerifyRun) {
	t.Helper()
	if run.Simulation == nil {
		t.Fatalf("run %s is no simulation", run.ID)
	}
	phases := run.Simulation.Result.Phases
	if run.Status != switchyard.VerifyPassed || len(phases) != 7 {
		t.Fatalf("simulation %s: %s with %d phases (%+v)", run.ID, run.Status, len(phases), run.Reason)
	}
	for _, ph := range phases {
		if ph.Status != switchyard.PhasePassed {
			t.Errorf("phase %d %s: %s", ph.Index, ph.Name, ph.Status)
		}
	}
	if r := run.Simulation.Restore; r == nil || r.Status != "restored" && r.Status != "unchanged" {
		t.Errorf("restore %+v", r)
	}
	t.Logf("simulation %s PASSED: %d samples in %v", run.ID, run.Done, run.EndedAt.Sub(run.StartedAt).Round(time.Millisecond))
}

// postText posts DiscoveryTool's text body to the demo's console listener
// (no token: a program on this machine) and returns the task id it answers.
func postText(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.Post(url, "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || len(b) == 0 || len(b) > 64 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func getJSON(url string, out any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(url + ": " + resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
