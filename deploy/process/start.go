package process

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/switchyard-io/switchyard"
)

// starting is an instance this Ensure started: its record and the channel
// closed when it exits.
type starting struct {
	rec  *record
	done <-chan struct{}
	c    *child
}

// start starts instance index of spec: port, record with the intent, exec,
// record with the pid — in this order, so a crash anywhere leaves a record
// the next Ensure settles.
func (d *Deployer) start(svc *Service, spec switchyard.DeploySpec, index int) (*starting, error) {
	name := instanceName(spec.Service, spec.Version, index)
	port, err := d.allocPort(svc, spec.Version, index, name)
	if err != nil {
		return nil, err
	}
	sl := slot{service: spec.Service, version: spec.Version, group: cmp.Or(spec.Group, svc.Group), host: svc.Host, index: index, port: port,
		datadir: filepath.Join(d.st.versionDir(spec.Service, spec.Version), fmt.Sprint(index))}
	rec := &record{Service: spec.Service, Version: spec.Version, Group: sl.group, Index: index, Status: statusStarting,
		Host: svc.Host, Port: port, Dir: cmp.Or(svc.Dir, sl.datadir), Log: d.st.logPath(spec.Service, spec.Version, index),
		Key: spec.Key, IntentAt: d.now().UTC(),
		Argv: append([]string{svc.Binary}, sl.expand(slices.Concat(svc.Args, svc.version(spec.Version).Args))...)}
	s, err := d.exec(svc, rec, sl.datadir)
	if s == nil {
		d.releasePort(port, name)
	}
	// An error after the exec (a record or journal write) leaves the
	// process running and recorded: the next Ensure counts or adopts it.
	return s, err
}

func (d *Deployer) exec(svc *Service, rec *record, datadir string) (*starting, error) {
	if err := os.MkdirAll(datadir, 0o700); err != nil {
		return nil, fmt.Errorf("process: make the data dir of %s: %w", rec.name(), err)
	}
	logf, offset, err := openLog(rec.Log, d.cat.LogMaxBytes)
	if err != nil {
		return nil, fmt.Errorf("process: open the log of %s: %w", rec.name(), err)
	}
	defer logf.Close()
	if err := d.st.write(rec); err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{Path: rec.Argv[0], Args: rec.Argv, Env: d.env(svc), Dir: rec.Dir, Stdout: logf, Stderr: logf,
		// Its own session: the instance outlives the control plane and a
		// Ctrl-C in its terminal; its process group is what a stop signals.
		SysProcAttr: &syscall.SysProcAttr{Setsid: true}}
	if err := cmd.Start(); err != nil {
		_ = d.st.remove(rec)
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "process: start %s: %v", rec.name(), err).WithCause(err)
	}
	// Read the start time before anything reaps the process: until Wait,
	// its pid stays its own even if it exits.
	p, _ := readProc(cmd.Process.Pid)
	rec.Pid, rec.ProcStart, rec.Status, rec.StartedAt = cmd.Process.Pid, p.start, statusRunning, d.now().UTC()
	c := &child{start: p.start, done: make(chan struct{})}
	d.mu.Lock()
	d.children[rec.Pid] = c
	d.mu.Unlock()
	go func() {
		c.err = cmd.Wait()
		close(c.done)
		d.mu.Lock()
		if d.children[rec.Pid] == c {
			delete(d.children, rec.Pid)
		}
		d.mu.Unlock()
	}()
	s := &starting{rec: rec, done: c.done, c: c}
	// If this write fails the record stays "starting" and the next Ensure
	// adopts the process by its argv.
	if err := d.st.write(rec); err != nil {
		return s, err
	}
	d.follow(rec, offset)
	return s, d.st.journal(JournalEntry{Time: rec.StartedAt, Action: ActionStart, Instance: rec.name(), Service: rec.Service, Version: rec.Version, Pid: rec.Pid, Port: rec.Port, Key: rec.Key})
}

// openLog opens p for appending, emptied first if it is over max; offset
// is where this start's lines begin.
func openLog(p string, max int64) (*os.File, int64, error) {
	if fi, err := os.Stat(p); err == nil && fi.Size() > max {
		if err := os.Truncate(p, 0); err != nil {
			return nil, 0, err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// env is a child's environment: PassEnv from the control plane's, then the
// catalog's Env, then the service's. No SWITCHYARD_* setting of the
// control plane gets through (Validate refuses them in PassEnv).
func (d *Deployer) env(svc *Service) []string {
	parent := map[string]string{}
	for _, kv := range d.environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			parent[k] = v
		}
	}
	vals := map[string]string{}
	for _, k := range d.cat.PassEnv {
		if v, ok := parent[k]; ok && !strings.HasPrefix(k, "SWITCHYARD_") {
			vals[k] = v
		}
	}
	maps.Copy(vals, d.cat.Env)
	maps.Copy(vals, svc.Env)
	out := make([]string, 0, len(vals))
	for _, k := range slices.Sorted(maps.Keys(vals)) {
		out = append(out, k+"="+vals[k])
	}
	return out
}

// allocPort picks instance index's port and reserves it: the version's
// fixed port for the index, else the lowest port of the range no instance
// holds and nothing listens on.
func (d *Deployer) allocPort(svc *Service, version string, index int, name string) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if fixed := svc.version(version).Ports; index <= len(fixed) {
		p := fixed[index-1]
		if holder := d.ports[p]; holder != "" && holder != name {
			return 0, switchyard.Errorf(switchyard.CodeConflict, "process: port %d of %s is held by %s", p, name, holder)
		}
		if !portFree(svc.Host, p) {
			return 0, switchyard.Errorf(switchyard.CodeUnavailable, "process: port %d of %s is in use by another program", p, name)
		}
		d.ports[p] = name
		return p, nil
	}
	for p := svc.Ports.From; p <= svc.Ports.To && p > 0; p++ {
		if d.ports[p] == "" && portFree(svc.Host, p) {
			d.ports[p] = name
			return p, nil
		}
	}
	return 0, switchyard.Errorf(switchyard.CodeUnavailable, "process: no free port in %s for %s", svc.Ports, name)
}

func (d *Deployer) releasePort(p int, name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ports[p] == name {
		delete(d.ports, p)
	}
}

// waitStarted waits until every started instance accepts connections. One
// that exits first is forgotten, one that does not listen within
// StartTimeout is stopped; both fail Ensure, naming the instance's log.
// If ctx ends, the instances are left running for the next Ensure.
func (d *Deployer) waitStarted(ctx context.Context, svc *Service, started []*starting) error {
	if svc.NoWait || len(started) == 0 {
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, d.cat.StartTimeout)
	defer cancel()
	errc := make(chan error, len(started))
	for _, s := range started {
		go func() { errc <- d.waitOne(ctx, wctx, s) }()
	}
	var errs []error
	for range started {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

func (d *Deployer) waitOne(ctx, wctx context.Context, s *starting) error {
	r := s.rec
	err := waitListening(wctx, r.address(), s.done)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errExited):
		if ferr := d.forget(r, ActionDied); ferr != nil {
			return ferr
		}
		return switchyard.Errorf(switchyard.CodeUnavailable, "process: %s exited (%v) before listening on %s; its log %s ends: %s",
			r.name(), s.c.err, r.address(), r.Log, lastLine(r.Log))
	case ctx.Err() != nil:
		return fmt.Errorf("process: wait for %s to listen: %w", r.name(), ctx.Err())
	}
	if serr := d.stop(context.WithoutCancel(ctx), r); serr != nil {
		return serr
	}
	return switchyard.Errorf(switchyard.CodeUnavailable, "process: %s did not listen on %s within %s and was stopped; its log %s ends: %s",
		r.name(), r.address(), d.cat.StartTimeout, r.Log, lastLine(r.Log))
}

// lastLine is the last non-empty line of the log at p, at most 200 bytes.
func lastLine(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return "(unreadable)"
	}
	defer f.Close()
	const tail = 4096
	if fi, err := f.Stat(); err == nil && fi.Size() > tail {
		_, _ = f.Seek(-tail, io.SeekEnd)
	}
	b, _ := io.ReadAll(io.LimitReader(f, tail))
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if len(l) > 200 {
		l = l[:200] + "…"
	}
	if l == "" {
		return "(empty)"
	}
	return l
}

// stop ends r's process: SIGTERM to its group, StopGrace (cut short if
// ctx ends), SIGKILL; then its record goes. The record says "stopping"
// first, so a stop cut off by a crash is finished by the next Ensure.
func (d *Deployer) stop(ctx context.Context, r *record) error {
	if !r.alive() {
		return d.forget(r, ActionStop)
	}
	r.Status = statusStopping
	if err := d.st.write(r); err != nil {
		return err
	}
	var done <-chan struct{}
	d.mu.Lock()
	if c := d.children[r.Pid]; c != nil && c.start == r.ProcStart {
		done = c.done
	}
	d.mu.Unlock()
	_ = signal(r, syscall.SIGTERM)
	gctx, cancel := context.WithTimeout(ctx, d.cat.StopGrace)
	gone := waitGone(gctx, r, done)
	cancel()
	action := ActionStop
	if !gone {
		action = ActionKill
		_ = signal(r, syscall.SIGKILL)
		kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		gone = waitGone(kctx, r, done)
		cancel()
	}
	if !gone {
		return switchyard.Errorf(switchyard.CodeUnavailable, "process: %s (pid %d) did not end after SIGKILL", r.name(), r.Pid)
	}
	d.log.Info("deployer: stopped an instance", "instance", r.name(), "pid", r.Pid, "how", action)
	return d.forget(r, action)
}
