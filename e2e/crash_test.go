package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/controlplane"
)

// TestKillNineDuringReleaseOperations kills the control plane with SIGKILL
// at random points of release operations, at least 24 times, and after each
// restart checks that every release's state and config version match what
// the config center holds, and that the history says what was reconciled.
// A third of the kills land exactly at the three points of the publish path
// (intent recorded, rule written, release about to be saved); the others
// come at a random moment while operations run back to back.
func TestKillNineDuringReleaseOperations(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the control plane 24 times; skipped with -short")
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	url := "http://" + addr
	env := []string{"SWITCHYARD_ADMIN_PASSWORD=crash-test-admin"}
	server := func(extra ...string) *proc {
		p := start(t, append(append([]string{}, env...), extra...), "server", "--data-dir", dir, "--listen", addr)
		p.waitLine(`^console: `, 30*time.Second)
		return p
	}

	p := server()
	admin := client.New(url, "")
	it, err := admin.LoginToken(ctx(t), switchyard.LoginRequest{Username: "admin", Password: "crash-test-admin"})
	if err != nil {
		t.Fatal(err)
	}
	admin.Token = it.Secret
	agentToken := agent(t, admin)
	const group = "crash-group"
	if _, err := admin.CreateGroup(ctx(t), switchyard.NewGroup{Name: group}); err != nil {
		t.Fatal(err)
	}
	stopBeats := registerInstances(t, url, agentToken, group)
	defer stopBeats()
	releases := []string{"r0", "r1", "r2"}
	for i, name := range releases {
		_, err := admin.CreateRelease(ctx(t), switchyard.NewRelease{Name: name, Subscription: switchyard.Partial, Group: group, App: fmt.Sprintf("gateway-%d", i),
			Spec: switchyard.ReleaseSpec{Services: []string{"svc-a", "svc-b"}, Sort: "version", GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Weight: 10}}}})
		if err != nil {
			t.Fatal(err)
		}
	}

	points := []string{"publish.recorded", "publish.written", "publish.finishing"}
	kills, atPoint := 0, map[string]int{}
	deadline := time.Now().Add(4 * time.Minute)
	for round := 0; kills < 24; round++ {
		if time.Now().After(deadline) {
			t.Fatalf("only %d kills in the time allowed", kills)
		}
		p.stop(syscall.SIGTERM, 15*time.Second)
		if round%3 == 0 {
			point := points[(round/3)%len(points)]
			p = server(crashAtEnv + "=" + point)
			operateUntilDead(t, admin, releases, p)
			atPoint[point]++
		} else {
			p = server()
			var wg sync.WaitGroup
			stop := make(chan struct{})
			wg.Add(1)
			go func() { defer wg.Done(); operateUntil(admin, releases, stop) }()
			time.Sleep(time.Duration(5+rand.IntN(150)) * time.Millisecond)
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
			close(stop)
			wg.Wait()
		}
		kills++
		p = server()
		checkInStep(t, admin, releases)
	}
	// Each reconciled operation has a history entry saying what was done
	// and a system audit entry (the audit is paged, so it counts them all).
	page, err := admin.Audit(ctx(t), switchyard.AuditFilter{Action: "release.reconcile", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	reconciled := len(page.Entries)
	for _, name := range releases {
		hist, err := admin.ReleaseHistory(ctx(t), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hist {
			if h.By == "system/reconciler" && !strings.Contains(h.Detail, "completed on restart") && !strings.Contains(h.Detail, "interrupted") {
				t.Errorf("a reconciled entry says neither what was finished nor what was undone: %q", h.Detail)
			}
		}
	}
	for _, e := range page.Entries {
		if e.Via != "system" || e.Actor != "system/reconciler" || e.Outcome != "ok" {
			t.Errorf("reconcile audit entry = %+v", e)
		}
	}
	// Every kill at a point after the intent was recorded leaves one.
	if want := atPoint["publish.recorded"] + atPoint["publish.written"] + atPoint["publish.finishing"]; reconciled < want {
		t.Fatalf("history has %d reconciled entries after %d kills at publish points", reconciled, want)
	}
	t.Logf("%d kills (%v at publish points); %d operations reconciled", kills, atPoint, reconciled)
	p.stop(syscall.SIGTERM, 15*time.Second)
}

// crashAtEnv is cmd/switchyard's crash point variable.
const crashAtEnv = "SWITCHYARD_TEST_CRASH_AT"

// nextOperation picks an operation the release's state allows, with a
// gray weight that changes the rule each time.
func nextOperation(r *switchyard.ReleaseView) switchyard.OperationRequest {
	spec := r.Spec
	spec.GrayConditions = []switchyard.GrayCondition{{Weight: 1 + rand.IntN(99)}}
	op := switchyard.OpRelease
	switch r.State {
	case switchyard.StateNew:
		op = switchyard.OpFallback
	case switchyard.StateReleased:
		op = []switchyard.Operation{switchyard.OpRollback, switchyard.OpFallback, switchyard.OpRelease}[rand.IntN(3)]
	}
	return switchyard.OperationRequest{Operation: op, Spec: &spec}
}

// operateOnce runs one operation on a random release; errors (the server
// dying under it) are expected.
func operateOnce(c *client.Client, releases []string) error {
	name := releases[rand.IntN(len(releases))]
	cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := c.Release(cctx, name)
	if err != nil {
		return err
	}
	_, err = c.Operate(cctx, name, nextOperation(r))
	return err
}

func operateUntil(c *client.Client, releases []string, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			_ = operateOnce(c, releases)
		}
	}
}

// operateUntilDead operates until the server kills itself at its crash
// point (every operation publishes, so the first one reaches it).
func operateUntilDead(t *testing.T, c *client.Client, releases []string, p *proc) {
	t.Helper()
	for range 50 {
		_ = operateOnce(c, releases)
		select {
		case <-p.done:
			return
		default:
		}
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the server never reached its crash point")
	}
}

// checkInStep: every release's config version is the version the config
// center holds at its key, and the rule there is what its state publishes.
func checkInStep(t *testing.T, c *client.Client, releases []string) {
	t.Helper()
	for _, name := range releases {
		r, err := c.Release(ctx(t), name)
		if err != nil {
			t.Fatal(err)
		}
		key := r.Key()
		e, err := c.Config(ctx(t), key.Group, key.DataID)
		if err != nil {
			t.Fatal(err)
		}
		if r.State == switchyard.StateNew {
			if e.Version != 0 {
				t.Fatalf("%s was never executed but its key is at version %d", name, e.Version)
			}
			continue
		}
		if r.ConfigVersion != e.Version {
			t.Fatalf("%s (%s) records config version %d; the config center is at %d:\n%s", name, r.State, r.ConfigVersion, e.Version, e.Content)
		}
		released := strings.Contains(e.Content, "<strategy-release>")
		if released != (r.State == switchyard.StateReleased) {
			t.Fatalf("%s is %s but its rule %s conditions:\n%s", name, r.State, map[bool]string{true: "has", false: "has no"}[released], e.Content)
		}
	}
}

// agent creates a data-plane user and returns its token.
func agent(t *testing.T, admin *client.Client) string {
	t.Helper()
	if _, err := admin.CreateUser(ctx(t), switchyard.NewUser{Name: "crash-agent", Role: switchyard.RoleAgent, Password: "crash-agent-password"}); err != nil {
		t.Fatal(err)
	}
	c := client.New(admin.BaseURL, "")
	it, err := c.LoginToken(ctx(t), switchyard.LoginRequest{Username: "crash-agent", Password: "crash-agent-password"})
	if err != nil {
		t.Fatal(err)
	}
	return it.Secret
}

// registerInstances registers svc-a and svc-b at versions 1.0 and 1.1 and
// keeps them alive across the restarts; the returned function stops that.
func registerInstances(t *testing.T, url, token, group string) func() {
	t.Helper()
	reg := controlplane.New(url, token, nil).Registry()
	var ids []string
	for i, in := range []switchyard.Instance{
		{Service: "svc-a", Version: "1.0", Port: 7001}, {Service: "svc-a", Version: "1.1", Port: 7002},
		{Service: "svc-b", Version: "1.0", Port: 7003}, {Service: "svc-b", Version: "1.1", Port: 7004},
	} {
		in.Group, in.Host, in.ID = group, "127.0.0.1", fmt.Sprintf("crash-instance-%d", i)
		got, err := reg.Register(ctx(t), &in)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(2 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				for _, id := range ids {
					hctx, cancel := context.WithTimeout(context.Background(), time.Second)
					_ = reg.Heartbeat(hctx, id)
					cancel()
				}
			}
		}
	}()
	return func() { close(done) }
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
