package process

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procInfo is what /proc says of a process.
type procInfo struct {
	state byte   // R, S, D, Z, X, …
	start uint64 // clock ticks after boot
	argv  []string
}

// readProc reads /proc/<pid>/stat and cmdline; an error means no such
// process (or one this user cannot see).
func readProc(pid int) (procInfo, error) {
	if pid <= 0 {
		return procInfo{}, fmt.Errorf("no pid")
	}
	base := filepath.Join("/proc", strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(base, "stat"))
	if err != nil {
		return procInfo{}, err
	}
	pi, err := parseStat(stat)
	if err != nil {
		return procInfo{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	cmdline, err := os.ReadFile(filepath.Join(base, "cmdline"))
	if err != nil {
		return procInfo{}, err
	}
	pi.argv = splitCmdline(cmdline)
	return pi, nil
}

// parseStat reads the state (field 3) and start time (field 22) of a
// /proc/<pid>/stat line; the command name (field 2) may hold spaces and
// parentheses, so fields are counted after its last ')'.
func parseStat(b []byte) (procInfo, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procInfo{}, errors.New("no command name")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 || len(f[0]) != 1 {
		return procInfo{}, errors.New("too few fields")
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return procInfo{}, fmt.Errorf("start time: %w", err)
	}
	return procInfo{state: f[0][0], start: start}, nil
}

func splitCmdline(b []byte) []string {
	b = bytes.TrimSuffix(b, []byte{0})
	if len(b) == 0 {
		return nil
	}
	return strings.Split(string(b), "\x00")
}

// gone reports whether a process state is an ended one (zombie or dead).
func (p procInfo) gone() bool { return p.state == 'Z' || p.state == 'X' || p.state == 'x' }

// is reports whether the process is r's: alive, with r's command line and,
// once known, r's start time. A pid the kernel reused fails one or both.
// A process that is exiting has released its memory and shows an empty
// command line before it turns zombie; with the start time known it is
// still r's (and still running), so a stop does not report it gone early.
func (r *record) is(p procInfo) bool {
	if p.gone() {
		return false
	}
	if r.ProcStart != 0 {
		return p.start == r.ProcStart && (p.argv == nil || slices.Equal(p.argv, r.Argv))
	}
	return slices.Equal(p.argv, r.Argv)
}

// alive reports whether r's process runs.
func (r *record) alive() bool {
	p, err := readProc(r.Pid)
	return err == nil && r.is(p)
}

// findByArgv looks through /proc for a live process with exactly argv that
// is not in skip: the process a control plane started and died before
// recording.
func findByArgv(argv []string, skip map[int]bool) (int, procInfo, bool) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, procInfo{}, false
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || skip[pid] {
			continue
		}
		p, err := readProc(pid)
		if err == nil && !p.gone() && slices.Equal(p.argv, argv) {
			return pid, p, true
		}
	}
	return 0, procInfo{}, false
}

// signal sends sig to r's process group (each instance leads its own
// session), or to the process if it leads none.
func signal(r *record, sig syscall.Signal) error {
	if err := syscall.Kill(-r.Pid, sig); err == nil {
		return nil
	}
	return syscall.Kill(r.Pid, sig)
}

// waitGone waits until r's process is gone, done is closed (this process
// reaped it) or ctx ends, polling /proc for processes not ours.
func waitGone(ctx context.Context, r *record, done <-chan struct{}) bool {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		if !r.alive() {
			return true
		}
		select {
		case <-done:
			return true
		case <-ctx.Done():
			return !r.alive()
		case <-t.C:
		}
	}
}

// portFree reports whether host:port can be listened on now.
func portFree(host string, port int) bool {
	ln, err := net.Listen("tcp", joinHostPort(host, port))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

func joinHostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }

// waitListening waits until addr accepts connections, the process exits
// (exited closes) or ctx ends.
func waitListening(ctx context.Context, addr string, exited <-chan struct{}) error {
	var d net.Dialer
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		actx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		c, err := d.DialContext(actx, "tcp", addr)
		cancel()
		if err == nil {
			_ = c.Close()
			return nil
		}
		select {
		case <-exited:
			return errExited
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

var errExited = errors.New("exited")
