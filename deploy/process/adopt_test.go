package process_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/process"
)

// TestAdoptAfterRestart: a new deployer on the dir (a restarted control
// plane) adopts what runs and starts no second copy.
func TestAdoptAfterRestart(t *testing.T) {
	dir := t.TempDir()
	d1, err := process.New(dir, catalog(), process.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := ensure(t, d1, spec("svc", "1.0", 2))
	if _, err := process.New(dir, catalog(), process.Options{}); !switchyard.IsCode(err, switchyard.CodeConflict) {
		t.Fatalf("a second deployer on the dir: %v, want conflict", err)
	}
	if err := d1.Close(); err != nil {
		t.Fatal(err)
	}
	for _, in := range first.Instances {
		if !alive(pidOf(t, in.ID)) {
			t.Fatalf("Close stopped %s", in.ID)
		}
	}
	d2 := open(t, dir, catalog(), process.Options{})
	in, err := d2.Status(t.Context(), "svc", "1.0")
	if err != nil || len(in) != 2 || in[0].ID != first.Instances[0].ID || in[1].ID != first.Instances[1].ID {
		t.Fatalf("Status after restart = %v, %v; want %v", in, err, first.Instances)
	}
	again := ensure(t, d2, spec("svc", "1.0", 2))
	if len(again.Started) != 0 || len(journal(t, dir, process.ActionStart)) != 2 {
		t.Fatalf("after restart Ensure started %v", again.Started)
	}
	if err := d2.StopAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, in := range first.Instances {
		waitDead(t, pidOf(t, in.ID))
	}
}

// TestSurvivesControlPlaneKill: instances outlive a kill -9 of the control
// plane's process group, and the next control plane adopts them.
func TestSurvivesControlPlaneKill(t *testing.T) {
	dir := t.TempDir()
	self, _ := os.Executable()
	cp := exec.Command(self, dir)
	cp.Env = append(os.Environ(), "PROCESSTEST_ROLE=controlplane")
	// Its own process group, killed whole below: what a terminal's Ctrl-C
	// or a supervisor's group kill does. The instances are not in it.
	cp.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, _ := cp.StdoutPipe()
	if err := cp.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.HasPrefix(line, "error") {
		_ = cp.Process.Kill()
		t.Fatalf("control plane: %q, %v", line, err)
	}
	ids := strings.Fields(line)
	if err := syscall.Kill(-cp.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cp.Wait()
	d := open(t, dir, catalog(), process.Options{})
	in, err := d.Status(t.Context(), "svc", "1.0")
	if err != nil || len(in) != 2 || in[0].ID != ids[0] || in[1].ID != ids[1] {
		t.Fatalf("after kill -9: Status = %v, %v; the dead control plane started %v", in, err, ids)
	}
	for _, x := range in {
		healthz(t, x.Address)
	}
	if st := ensure(t, d, spec("svc", "1.0", 2)); len(st.Started) != 0 {
		t.Fatalf("Ensure after kill -9 started %v", st.Started)
	}
	if err := d.StopAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		waitDead(t, pidOf(t, id))
	}
}

// TestDeadReplaced: an instance that died is journaled and replaced in
// its slot.
func TestDeadReplaced(t *testing.T) {
	dir := t.TempDir()
	d := open(t, dir, catalog(), process.Options{})
	st := ensure(t, d, spec("svc", "1.0", 2))
	victim := pidOf(t, st.Instances[0].ID)
	_ = syscall.Kill(-victim, syscall.SIGKILL)
	waitDead(t, victim)
	if in, _ := d.Status(t.Context(), "svc", "1.0"); len(in) != 1 {
		t.Fatalf("Status with one dead = %d instances", len(in))
	}
	again := ensure(t, d, spec("svc", "1.0", 2))
	if len(again.Started) != 1 || !strings.HasPrefix(again.Started[0], "svc-1.0-1@") || again.Started[0] == st.Instances[0].ID {
		t.Fatalf("after a death Ensure started %v", again.Started)
	}
	if died := journal(t, dir, process.ActionDied); len(died) != 1 || died[0].Pid != victim {
		t.Fatalf("journaled deaths %+v", died)
	}
	healthz(t, again.Instances[0].Address)
}

// TestForeignPidNotAdopted: a record whose pid now belongs to another
// process — another command line, or the same command line started at
// another time — is not adopted, counted or signalled.
func TestForeignPidNotAdopted(t *testing.T) {
	self, _ := os.Executable()
	recorded := append(argvOf("svc", "1.0", 1, 47099), "--no-listen")
	for _, tt := range []struct {
		name      string
		decoy     []string
		sameStart bool
	}{
		// The pid and its start time are the record's; the command line is not.
		{"OtherCommandLine", []string{self, "serve", "--no-listen", "--instance", "decoy"}, true},
		// The command line is the record's; the start time is not.
		{"SameCommandLineOtherStart", recorded, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			decoy := startDecoy(t, tt.decoy)
			start := uint64(1) // no process of this test started one tick after boot
			if tt.sameStart {
				start = procStart(t, decoy.Pid)
			}
			writeRecord(t, dir, map[string]any{"status": "running", "pid": decoy.Pid, "procStart": start, "port": 47099, "argv": recorded})
			d := open(t, dir, catalog(), process.Options{})
			if in, _ := d.Status(t.Context(), "svc", "1.0"); len(in) != 0 {
				t.Fatalf("Status counts the foreign pid: %v", in)
			}
			st := ensure(t, d, spec("svc", "1.0", 1))
			if len(st.Started) != 1 || pidOf(t, st.Started[0]) == decoy.Pid {
				t.Fatalf("Ensure started %v (decoy %d)", st.Started, decoy.Pid)
			}
			ensure(t, d, spec("svc", "1.0", 0))
			time.Sleep(50 * time.Millisecond)
			if !alive(decoy.Pid) {
				t.Fatal("the deployer signalled a process it did not start")
			}
		})
	}
}

// writeRecord writes svc 1.0's record 1 as a previous deployer would.
func writeRecord(t *testing.T, dir string, fields map[string]any) {
	t.Helper()
	r := map[string]any{"format": 1, "service": "svc", "version": "1.0", "group": "g", "index": 1, "host": "127.0.0.1",
		"dir": filepath.Join(dir, "deploy", "svc", "1.0", "1"), "log": filepath.Join(dir, "deploy", "logs", "svc-1.0-1.log"),
		"intentAt": time.Now().UTC()}
	for k, v := range fields {
		r[k] = v
	}
	b, _ := json.Marshal(r)
	p := filepath.Join(dir, "deploy", "svc", "1.0", "1.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestStartCutOff: a control plane that died after writing its intent
// left a "starting" record; the next Ensure adopts the process if the
// exec happened, and starts one if it did not — one instance either way.
func TestStartCutOff(t *testing.T) {
	for _, execed := range []bool{false, true} {
		t.Run(map[bool]string{false: "BeforeExec", true: "AfterExec"}[execed], func(t *testing.T) {
			dir := t.TempDir()
			port := freePort(t)
			argv := argvOf("svc", "1.0", 1, port)
			var pid int
			if execed {
				p := startDecoy(t, argv)
				pid = p.Pid
				waitServing(t, "127.0.0.1:"+strconv.Itoa(port))
			}
			writeRecord(t, dir, map[string]any{"status": "starting", "port": port, "argv": argv})
			d := open(t, dir, catalog(), process.Options{})
			st := ensure(t, d, spec("svc", "1.0", 1))
			switch {
			case execed && (len(st.Started) != 0 || pidOf(t, st.Instances[0].ID) != pid):
				t.Fatalf("the process started before the crash was not adopted: %+v (pid %d)", st, pid)
			case !execed && len(st.Started) != 1:
				t.Fatalf("the start cut off before exec was not made: %+v", st)
			}
			if len(st.Instances) != 1 || len(helpersRunning()) != 1 {
				t.Fatalf("%d instances, %d processes; want 1", len(st.Instances), len(helpersRunning()))
			}
		})
	}
}

// procStart is field 22 of /proc/<pid>/stat.
func procStart(t *testing.T, pid int) uint64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	n, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStopCutOff: a stop a crash cut off (the record says "stopping", the
// process runs) is finished by the next Ensure.
func TestStopCutOff(t *testing.T) {
	dir := t.TempDir()
	port := freePort(t)
	argv := argvOf("svc", "1.0", 1, port)
	p := startDecoy(t, argv)
	waitServing(t, "127.0.0.1:"+strconv.Itoa(port))
	writeRecord(t, dir, map[string]any{"status": "stopping", "pid": p.Pid, "procStart": procStart(t, p.Pid), "port": port, "argv": argv})
	d := open(t, dir, catalog(), process.Options{})
	st := ensure(t, d, spec("svc", "1.0", 0))
	if len(st.Stopped) != 1 || pidOf(t, st.Stopped[0]) != p.Pid {
		t.Fatalf("Ensure after a cut-off stop stopped %v, want pid %d", st.Stopped, p.Pid)
	}
	waitDead(t, p.Pid)
}
