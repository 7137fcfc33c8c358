package workflow

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"time"
)

// commandResult is what a TEST's command did.
type commandResult struct {
	Args    []string `json:"args"`
	Exit    int      `json:"exit"`
	Seconds float64  `json:"seconds"`
	// Output is the last outputTail bytes of its stdout and stderr.
	Output string `json:"output"`
	Error  string `json:"error,omitempty"`
}

// outputTail is how much of a command's output a result keeps.
const outputTail = 2048

// runCommand runs a TEST's command without a shell, bounded by its timeout
// (default 60s; the tick's own deadline bounds it too), with the
// execution, the step and the tick's idempotency key in its environment.
func runCommand(ctx context.Context, t *Tick, cfg TestConfig) *commandResult {
	cr := &commandResult{Args: cfg.Command}
	timeout := cfg.Timeout.D(60 * time.Second)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cfg.Command[0], cfg.Command[1:]...)
	cmd.Env = append(os.Environ(), "SWITCHYARD_EXECUTION="+t.Execution.ID, "SWITCHYARD_STEP="+t.Step.ID,
		"SWITCHYARD_KEY="+t.Key, "SWITCHYARD_RELEASE="+t.Release.Name)
	out := &tailBuffer{max: outputTail}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second // a child holding the pipes does not hold the tick
	start := time.Now()
	err := cmd.Run()
	cr.Seconds = time.Since(start).Seconds()
	cr.Output = out.String()
	var exit *exec.ExitError
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		cr.Exit, cr.Error = -1, "timed out after "+timeout.String()
	case errors.As(err, &exit):
		cr.Exit = exit.ExitCode()
	case err != nil:
		cr.Exit, cr.Error = -1, err.Error()
	}
	return cr
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > w.max {
		w.b = append(w.b[:0], w.b[len(w.b)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
