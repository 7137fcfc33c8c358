package e2e

import (
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecondServerOnOneDataDirExits is finding 7 end to end: a second
// server started on a running server's data directory exits at once with a
// message naming the first (its pid) and serves nothing; the first keeps
// running.
func TestSecondServerOnOneDataDirExits(t *testing.T) {
	dir := t.TempDir()
	first := start(t, nil, "server", "--data-dir", dir, "--listen", "127.0.0.1:0")
	url := first.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]

	second := start(t, nil, "server", "--data-dir", dir, "--listen", "127.0.0.1:0")
	select {
	case <-second.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the second server is still running")
	}
	var exit *exec.ExitError
	if !errors.As(second.err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("second server exit: %v, want a failure", second.err)
	}
	msg := second.errOut()
	for _, want := range []string{"in use by another switchyard server", "pid " + strconv.Itoa(first.cmd.Process.Pid), "started ", ".lock"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the second server's message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(second.out(), "console: ") {
		t.Errorf("the second server served: %s", second.out())
	}
	if !listening(strings.TrimPrefix(url, "http://")) {
		t.Fatal("the first server stopped")
	}
	if err := first.stop(syscall.SIGTERM, 15*time.Second); err != nil {
		t.Fatalf("first server exit: %v", err)
	}
}
