package process_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/deploytest"
	"github.com/switchyard-io/switchyard/deploy/process"
)

func TestConformance(t *testing.T) {
	deploytest.Run(t, deploytest.Harness{
		New:      func(t *testing.T) switchyard.Deployer { return open(t, t.TempDir(), catalog(), process.Options{}) },
		Service:  "svc",
		Versions: [2]string{"1.0", "1.1"},
		Group:    "g",
	})
}

func spec(service, version string, n int) switchyard.DeploySpec {
	return switchyard.DeploySpec{Service: service, Version: version, Instances: n, Key: "EXE-1/deploy/1"}
}

func ensure(t *testing.T, d *process.Deployer, s switchyard.DeploySpec) *switchyard.DeployStatus {
	t.Helper()
	st, err := d.Ensure(t.Context(), s)
	if err != nil {
		t.Fatalf("Ensure(%+v): %v", s, err)
	}
	return st
}

// TestEnsureRunsRealProcesses: each instance is a process serving on its
// own port, recorded on disk and journaled once, with its log in a file.
func TestEnsureRunsRealProcesses(t *testing.T) {
	dir := t.TempDir()
	d := open(t, dir, catalog(), process.Options{})
	st := ensure(t, d, spec("svc", "1.0", 2))
	for i, in := range st.Instances {
		name := "svc-1.0-" + string(rune('1'+i))
		if got := healthz(t, in.Address); got != "ok "+name {
			t.Fatalf("%s answers %q, want %q", in.Address, got, "ok "+name)
		}
		b, err := os.ReadFile(filepath.Join(dir, "deploy", "svc", "1.0", string(rune('1'+i))+".json"))
		if err != nil || !strings.Contains(string(b), `"status": "running"`) {
			t.Fatalf("record of %s: %s, %v", name, b, err)
		}
		if log, err := os.ReadFile(filepath.Join(dir, "deploy", "logs", name+".log")); err != nil || !strings.Contains(string(log), "listening on") {
			t.Fatalf("log of %s: %q, %v", name, log, err)
		}
	}
	for range 2 {
		ensure(t, d, spec("svc", "1.0", 2))
	}
	if starts := journal(t, dir, process.ActionStart); len(starts) != 2 || starts[0].Key != "EXE-1/deploy/1" {
		t.Fatalf("3 Ensures of 2 journaled %d starts (%+v), want 2", len(starts), starts)
	}
}

// TestScaleDown: the highest-numbered instances stop, the others keep
// serving.
func TestScaleDown(t *testing.T) {
	d := open(t, t.TempDir(), catalog(), process.Options{})
	three := ensure(t, d, spec("svc", "1.0", 3))
	one := ensure(t, d, spec("svc", "1.0", 1))
	if !slices.Equal(one.Stopped, []string{three.Instances[2].ID, three.Instances[1].ID}) {
		t.Fatalf("3 → 1 stopped %v, want instances 3 and 2 (%v)", one.Stopped, three.Instances)
	}
	for _, id := range one.Stopped {
		waitDead(t, pidOf(t, id))
	}
	if !alive(pidOf(t, three.Instances[0].ID)) || healthz(t, three.Instances[0].Address) != "ok svc-1.0-1" {
		t.Fatal("instance 1 does not serve after 3 → 1")
	}
	zero := ensure(t, d, spec("svc", "1.0", 0))
	if len(zero.Stopped) != 1 || alive(pidOf(t, three.Instances[0].ID)) {
		t.Fatalf("1 → 0 stopped %v", zero.Stopped)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	for p := 47050; p < 47099; p++ {
		if portFree(p) {
			return p
		}
	}
	t.Fatal("no free port")
	return 0
}

func waitServing(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not serve: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStopEscalates: an instance that ignores SIGTERM is killed after the
// grace.
func TestStopEscalates(t *testing.T) {
	dir := t.TempDir()
	cat := catalog()
	cat.StopGrace = 200 * time.Millisecond
	d := open(t, dir, cat, process.Options{})
	st := ensure(t, d, spec("stubborn", "1.0", 1))
	start := time.Now()
	ensure(t, d, spec("stubborn", "1.0", 0))
	waitDead(t, pidOf(t, st.Instances[0].ID))
	if kills := journal(t, dir, process.ActionKill); len(kills) != 1 || time.Since(start) < cat.StopGrace {
		t.Fatalf("journaled kills %+v after %s", kills, time.Since(start))
	}
}

// TestStartFailures: an instance that exits before listening, or never
// listens, fails Ensure with its log named, and leaves nothing running.
func TestStartFailures(t *testing.T) {
	for _, tt := range []struct{ service, want string }{
		{"crash", "boom: this instance fails at start"},
		{"mute", "did not listen"},
	} {
		t.Run(tt.service, func(t *testing.T) {
			cat := catalog()
			cat.StartTimeout = 500 * time.Millisecond
			d := open(t, t.TempDir(), cat, process.Options{})
			_, err := d.Ensure(t.Context(), spec(tt.service, "1.0", 1))
			if !switchyard.IsCode(err, switchyard.CodeUnavailable) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.service+"-1.0-1.log") {
				t.Fatalf("Ensure of %s: %v; want unavailable with %q and the log's name", tt.service, err, tt.want)
			}
			if in, _ := d.Status(t.Context(), tt.service, ""); len(in) != 0 {
				t.Fatalf("a failed start left %v", in)
			}
		})
	}
}

// TestChildEnvironment: children get PassEnv and the catalog's Env, never
// the control plane's SWITCHYARD_* settings or anything else of it.
func TestChildEnvironment(t *testing.T) {
	cat := catalog()
	cat.Env["SWITCHYARD_TOKEN"] = "agent-token"
	parent := []string{"PATH=/usr/bin:/bin", "SWITCHYARD_ADMIN_PASSWORD=hunter2", "SWITCHYARD_STORE_DSN=postgres://x", "AWS_SECRET_ACCESS_KEY=k"}
	d := open(t, t.TempDir(), cat, process.Options{Environ: func() []string { return parent }})
	st := ensure(t, d, spec("svc", "1.0", 1))
	resp, err := http.Get("http://" + st.Instances[0].Address + "/env")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env []string
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	slices.Sort(env)
	want := []string{"PATH=/usr/bin:/bin", "PROCESSTEST_ROLE=serve", "SWITCHYARD_TOKEN=agent-token"}
	if !slices.Equal(env, want) {
		t.Fatalf("child environment %v, want %v", env, want)
	}
}

// TestOutput: the hook gets each instance's lines, one per Write.
func TestOutput(t *testing.T) {
	var mu sync.Mutex
	lines := map[string][]string{}
	out := func(name string) io.Writer {
		return writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			lines[name] = append(lines[name], string(p))
			return len(p), nil
		})
	}
	d := open(t, t.TempDir(), catalog(), process.Options{Output: out})
	ensure(t, d, spec("svc", "1.1", 1))
	ensure(t, d, spec("svc", "1.1", 0))
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		got := slices.Clone(lines["svc-1.1-1"])
		mu.Unlock()
		if len(got) == 2 && strings.HasPrefix(got[0], "listening on") && got[1] == "terminated\n" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Output got %q", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStopAll: every service and version stops.
func TestStopAll(t *testing.T) {
	d := open(t, t.TempDir(), catalog(), process.Options{})
	var pids []int
	for _, s := range []switchyard.DeploySpec{spec("svc", "1.0", 2), spec("svc", "1.1", 1), spec("stubborn", "2.0", 1)} {
		for _, in := range ensure(t, d, s).Instances {
			pids = append(pids, pidOf(t, in.ID))
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := d.StopAll(ctx); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Fatalf("pid %d runs after StopAll", pid)
		}
	}
	for _, s := range []string{"svc", "stubborn"} {
		if in, _ := d.Status(t.Context(), s, ""); len(in) != 0 {
			t.Fatalf("Status(%s) after StopAll = %v", s, in)
		}
	}
}

// TestConcurrentVersions: Ensures of several versions at once get distinct
// ports and start each instance once.
func TestConcurrentVersions(t *testing.T) {
	dir := t.TempDir()
	d := open(t, dir, catalog(), process.Options{})
	var wg sync.WaitGroup
	for _, v := range []string{"1.0", "1.1", "1.2", "1.3"} {
		for range 2 {
			wg.Go(func() {
				if _, err := d.Ensure(t.Context(), spec("svc", v, 2)); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	in, _ := d.Status(t.Context(), "svc", "")
	addrs := map[string]bool{}
	for _, x := range in {
		addrs[x.Address] = true
	}
	if len(in) != 8 || len(addrs) != 8 || len(journal(t, dir, process.ActionStart)) != 8 {
		t.Fatalf("%d instances on %d addresses, %d starts; want 8", len(in), len(addrs), len(journal(t, dir, process.ActionStart)))
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func portFree(p int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}
