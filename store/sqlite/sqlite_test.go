package sqlite_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) switchyard.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "switchyard.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsDataAndSkipsAppliedMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "switchyard.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateGroup(t.Context(), &switchyard.Group{Name: "g"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.FindGroup(t.Context(), "g"); err != nil {
		t.Fatalf("group lost on reopen: %v", err)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	if _, err := sqlite.Open(t.Context(), " "); err == nil {
		t.Fatal("want an error for an empty path")
	}
}

// TestSecondOpenNamesTheHolder is finding 7: a second server on the same
// data directory stops at once, naming the first (its pid and when it
// started) and the lock file; once the first closes, the database opens.
func TestSecondOpenNamesTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchyard.db")
	first, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	second, err := sqlite.Open(t.Context(), path)
	if err == nil {
		second.Close()
		first.Close()
		t.Fatal("a second Open of the same database succeeded")
	}
	msg := err.Error()
	for _, want := range []string{"in use by another switchyard server", "pid " + strconv.Itoa(os.Getpid()), "started " + time.Now().UTC().Format("2006-01-02"), path + ".lock"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open after the first closed: %v", err)
	}
	again.Close()
}

// TestLockDiesWithItsHolder: the lock is the kernel's, so a holder killed
// without Close (kill -9) leaves nothing that blocks the next start.
func TestLockDiesWithItsHolder(t *testing.T) {
	if os.Getenv("SQLITE_LOCK_HOLDER") != "" {
		if _, err := sqlite.Open(context.Background(), os.Getenv("SQLITE_LOCK_HOLDER")); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("holding\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "switchyard.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithItsHolder$")
	cmd.Env = append(os.Environ(), "SQLITE_LOCK_HOLDER="+path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 8)
	if _, err := io.ReadFull(out, line); err != nil || string(line) != "holding\n" {
		t.Fatalf("holder: %q %v", line, err)
	}
	_, err := sqlite.Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "pid "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("while another process holds it: %v; want its pid %d named", err, cmd.Process.Pid)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	s.Close()
}
