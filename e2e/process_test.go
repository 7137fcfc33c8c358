package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the switchyard binary built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "switchyard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "switchyard")
	if b := os.Getenv("SWITCHYARD_BIN"); b != "" {
		binary = b
	} else {
		build := exec.Command("go", "build", "-o", binary, "../cmd/switchyard")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build switchyard:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// proc is a running switchyard process with its output captured.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	mu     sync.Mutex
	stdout strings.Builder
	stderr strings.Builder
	lines  chan string
	done   chan struct{}
	err    error
}

// start runs the binary with args and env; the process is killed when the
// test ends if it is still running.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, lines: make(chan string, 256), done: make(chan struct{})}
	p.cmd = exec.Command(binary, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, _ := p.cmd.StdoutPipe()
	errp, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.scan(out, &p.stdout, true) }()
	go func() { defer wg.Done(); p.scan(errp, &p.stderr, false) }()
	go func() { wg.Wait(); p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", p.out(), p.errOut())
		}
	})
	return p
}

func (p *proc) scan(r io.Reader, into *strings.Builder, forward bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		into.WriteString(sc.Text() + "\n")
		p.mu.Unlock()
		if forward {
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}
}

func (p *proc) out() string    { p.mu.Lock(); defer p.mu.Unlock(); return p.stdout.String() }
func (p *proc) errOut() string { p.mu.Lock(); defer p.mu.Unlock(); return p.stderr.String() }

// waitLine waits for a stdout line matching re and returns its submatches.
func (p *proc) waitLine(re string, timeout time.Duration) []string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(timeout)
	for {
		select {
		case l := <-p.lines:
			if m := rx.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-p.done:
			p.t.Fatalf("process exited (%v) before printing %q", p.err, re)
		case <-deadline:
			p.t.Fatalf("no line matching %q within %s", re, timeout)
		}
	}
}

// stop sends sig and waits for the exit; it returns the exit error.
func (p *proc) stop(sig syscall.Signal, timeout time.Duration) error {
	p.t.Helper()
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.t.Fatalf("process did not exit within %s of %s", timeout, sig)
		return nil
	}
}

// listening reports whether something accepts connections at addr.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err == nil {
		c.Close()
	}
	return err == nil
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}
