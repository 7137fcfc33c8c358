package process_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/process"
)

// The test binary is also the program the deployer runs: with
// PROCESSTEST_ROLE set, TestMain plays that role instead of testing.
//
//	serve         a service: listens on --listen, answers /healthz and /env
//	controlplane  a control plane: a Deployer on os.Args[1] ensures 2
//	              instances of "svc" 1.0, prints their ids, then waits to be killed
const roleEnv = "PROCESSTEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "serve":
		serve(os.Args[2:])
		return
	case "controlplane":
		controlPlane(os.Args[1])
		return
	}
	code := m.Run()
	if left := helpersRunning(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "processes left running after the tests: %v\n", left)
		for _, pid := range left {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		code = 1
	}
	os.Exit(code)
}

func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	listen := fs.String("listen", "", "")
	instance := fs.String("instance", "", "")
	fs.String("group", "", "")
	exitNow := fs.Bool("exit-now", false, "exit at once, failing")
	noListen := fs.Bool("no-listen", false, "never listen")
	ignoreTerm := fs.Bool("ignore-term", false, "ignore SIGTERM")
	_ = fs.Parse(args)
	if *exitNow {
		fmt.Println("boom: this instance fails at start")
		os.Exit(3)
	}
	sigs := make(chan os.Signal, 1)
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	} else {
		signal.Notify(sigs, syscall.SIGTERM)
	}
	if !*noListen {
		ln, err := net.Listen("tcp", *listen)
		if err != nil {
			fmt.Println("listen:", err)
			os.Exit(1)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok", *instance) })
		mux.HandleFunc("/env", func(w http.ResponseWriter, _ *http.Request) { _ = json.NewEncoder(w).Encode(os.Environ()) })
		go func() { _ = http.Serve(ln, mux) }()
		fmt.Println("listening on", ln.Addr(), "as", *instance)
	}
	<-sigs
	fmt.Println("terminated")
}

func controlPlane(dir string) {
	d, err := process.New(dir, catalog(), process.Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	st, err := d.Ensure(context.Background(), switchyard.DeploySpec{Service: "svc", Version: "1.0", Instances: 2, Key: "cp"})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(strings.Join(st.Started, " "))
	select {}
}

// catalog is the test services: svc serves; the others misbehave.
func catalog() process.Catalog {
	args := func(extra ...string) []string {
		return append([]string{"serve", "--listen", "{host}:{port}", "--instance", "{instance}", "--group", "{group}"}, extra...)
	}
	// Above every fixed port of the other suites that `go test ./...` runs
	// beside this one (e2e's reach 43080).
	ports := process.PortRange{From: 47100, To: 47999}
	return process.Catalog{
		StopGrace: 2 * time.Second, StartTimeout: 10 * time.Second,
		Env: map[string]string{roleEnv: "serve"},
		Services: []process.Service{
			{Name: "svc", Args: args(), Group: "g", Ports: ports},
			{Name: "crash", Args: args("--exit-now"), Group: "g", Ports: ports},
			{Name: "mute", Args: args("--no-listen"), Group: "g", Ports: ports},
			{Name: "stubborn", Args: args("--ignore-term"), Group: "g", Ports: ports},
		},
	}
}

// argvOf is the command line the deployer gives svc's instance.
func argvOf(service, version string, index, port int) []string {
	self, _ := os.Executable()
	return []string{self, "serve", "--listen", "127.0.0.1:" + strconv.Itoa(port), "--instance", service + "-" + version + "-" + strconv.Itoa(index), "--group", "g"}
}

// helpersRunning lists the pids of this binary's serve processes.
func helpersRunning() []int {
	self, _ := os.Executable()
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		argv := strings.Split(string(b), "\x00")
		if err == nil && len(argv) > 1 && argv[0] == self && argv[1] == "serve" && !zombie(pid) {
			out = append(out, pid)
		}
	}
	return out
}

func zombie(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || len(b) < i+3 || b[i+2] == 'Z'
}

// alive reports whether pid runs (not a zombie).
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil && !zombie(pid) }

// pidOf is the pid in an instance id (<name>@<pid>).
func pidOf(t *testing.T, id string) int {
	t.Helper()
	_, p, _ := strings.Cut(id, "@")
	pid, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("instance id %q has no pid", id)
	}
	return pid
}

func waitDead(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("pid %d still runs", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// open makes a deployer on dir that stops everything at the test's end.
func open(t *testing.T, dir string, cat process.Catalog, opts process.Options) *process.Deployer {
	t.Helper()
	d, err := process.New(dir, cat, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.StopAll(context.Background()); err != nil {
			t.Errorf("StopAll: %v", err)
		}
		_ = d.Close()
	})
	return d
}

func healthz(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("GET %s/healthz: %v", addr, err)
	}
	defer resp.Body.Close()
	var b [256]byte
	n, _ := resp.Body.Read(b[:])
	return strings.TrimSpace(string(b[:n]))
}

func journal(t *testing.T, dir, action string) []process.JournalEntry {
	t.Helper()
	all, err := process.ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(all, func(e process.JournalEntry) bool { return e.Action != action })
}

// startDecoy starts this binary with argv in its own session, as a process
// the deployer did not start (or a crashed control plane did).
func startDecoy(t *testing.T, argv []string) *os.Process {
	t.Helper()
	p, err := os.StartProcess(argv[0], argv, &os.ProcAttr{Env: []string{roleEnv + "=serve"}, Sys: &syscall.SysProcAttr{Setsid: true},
		Files: []*os.File{nil, nil, nil}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = p.Kill()
		_, _ = p.Wait()
	})
	return p
}
