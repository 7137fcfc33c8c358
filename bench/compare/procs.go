package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// procs are the processes the harness started; stopAll ends them all.
type procs struct {
	logDir string
	mu     sync.Mutex
	list   []*proc
}

// proc is one started process, its output in a log file.
type proc struct {
	name, log string
	cmd       *exec.Cmd
	done      chan struct{}
	err       error // the exit, once done is closed
}

// start runs path with args and env, output to logDir/name.log. Each
// process leads a process group of its own (nginx's workers included), so
// stopAll reaches every descendant and a Ctrl-C on the terminal reaches only
// the harness, which then stops them in order; the kernel sends SIGKILL
// should the harness die first.
func (ps *procs) start(name string, env []string, path string, args ...string) (*proc, error) {
	logPath := filepath.Join(ps.logDir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	defer f.Close()
	cmd := exec.Command(path, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	ps.mu.Lock()
	ps.list = append(ps.list, p)
	ps.mu.Unlock()
	return p, nil
}

// exited reports whether p has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to p's group, then SIGKILL after grace.
func (p *proc) stop(grace time.Duration) {
	if p.exited() {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
	// Whatever the leader left behind in its group (nginx workers).
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
}

// stopAll stops every process, the last started first (the gateway and the
// backends deregister while the control plane still answers).
func (ps *procs) stopAll() {
	ps.mu.Lock()
	list := ps.list
	ps.list = nil
	ps.mu.Unlock()
	for i := len(list) - 1; i >= 0; i-- {
		list[i].stop(5 * time.Second)
	}
}

// dead returns the failure of the first process that exited, or nil.
func (ps *procs) dead() error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, p := range ps.list {
		if p.exited() {
			return p.failure("exited during the comparison")
		}
	}
	return nil
}

// remove forgets p after it was stopped (nginx between variants).
func (ps *procs) remove(p *proc) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for i, q := range ps.list {
		if q == p {
			ps.list = append(ps.list[:i], ps.list[i+1:]...)
			return
		}
	}
}

// tail is the end of p's log, for an error message.
func (p *proc) tail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return ""
	}
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// failure describes p's failure with the end of its log.
func (p *proc) failure(what string) error {
	msg := fmt.Sprintf("%s: %s", p.name, what)
	if p.exited() {
		msg += fmt.Sprintf(" (exited: %v)", p.err)
	}
	if t := p.tail(); t != "" {
		msg += "\n--- " + p.log + " (end) ---\n" + t
	}
	return fmt.Errorf("%s", msg)
}

// waitListening waits until addr accepts connections, p exits or timeout.
func (p *proc) waitListening(ctx context.Context, addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		if p.exited() {
			return p.failure("exited before listening on " + addr)
		}
		if time.Now().After(deadline) {
			return p.failure(fmt.Sprintf("does not listen on %s after %s", addr, timeout))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// freePorts returns n distinct loopback addresses that were free a moment
// ago (held open together so that they differ).
func freePorts(n int) ([]string, error) {
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	var out []string
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		lns = append(lns, ln)
		out = append(out, ln.Addr().String())
	}
	return out, nil
}

// cleanEnv is the harness's environment without SWITCHYARD_* settings (a
// user's token, store DSN or listen address are not the benchmark's), plus
// extra.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SWITCHYARD_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}
