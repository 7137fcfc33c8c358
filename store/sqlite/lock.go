package sqlite

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dirLock is an exclusive lock on a database, held from Open until Close:
// flock(2) on "<database>.lock", which says who holds it (pid, host, start
// time, program), so a second server on the same data directory exits
// naming the first instead of sweeping its registrations. The kernel
// releases the lock when the holder dies, even by kill -9.
type dirLock struct {
	f *os.File
}

// lockDatabase takes the lock of the database at path, or says who has it.
func lockDatabase(path string, now time.Time) (*dirLock, error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open lock file %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sqlite: the database %s is in use by another switchyard server (%s, lock file %s); stop it, or give this one another data directory", path, holder, name)
		}
		return nil, fmt.Errorf("sqlite: lock %s: %w", name, err)
	}
	if err := writeHolder(f, now); err != nil {
		f.Close() // closing releases the lock
		return nil, fmt.Errorf("sqlite: write lock file %s: %w", name, err)
	}
	return &dirLock{f: f}, nil
}

// writeHolder replaces the lock file's content with who holds it.
func writeHolder(f *os.File, now time.Time) error {
	host, _ := os.Hostname()
	prog, _ := os.Executable()
	text := fmt.Sprintf("pid %d\nhost %s\nstarted %s\nprogram %s\n", os.Getpid(), host, now.UTC().Format(time.RFC3339), prog)
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte(text), 0); err != nil {
		return err
	}
	return f.Sync()
}

// readHolder describes the lock's holder from its lock file.
func readHolder(f *os.File) string {
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	fields := map[string]string{}
	for _, line := range strings.Split(string(bytes.ToValidUTF8(b[:n], nil)), "\n") {
		if k, v, ok := strings.Cut(line, " "); ok {
			fields[k] = strings.Map(func(r rune) rune {
				if r < ' ' || r == 0x7f {
					return -1
				}
				return r
			}, v)
		}
	}
	pid, err := strconv.Atoi(fields["pid"])
	if err != nil {
		return "which has not written its pid yet"
	}
	out := "pid " + strconv.Itoa(pid)
	if h := fields["host"]; h != "" {
		out += " on " + h
	}
	if s := fields["started"]; s != "" {
		out += ", started " + s
	}
	if p := fields["program"]; p != "" {
		out += ", " + p
	}
	return out
}

// release gives the lock up (idempotent).
func (l *dirLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
