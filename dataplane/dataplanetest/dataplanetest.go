// Package dataplanetest helps test data-plane processes (gateway, sidecar,
// SDK services) from outside: their logs, their metrics, and a client that
// gives up on a slow upstream.
package dataplanetest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Logs collects what a process under test logs, from any goroutine.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Logger returns a text logger at info level writing to l.
func (l *Logs) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// Write implements io.Writer.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// Problems returns the WARN and ERROR lines logged so far.
func (l *Logs) Problems() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
			out = append(out, line)
		}
	}
	return out
}

// Stalled is an upstream that answers no request: each waits until its
// client goes away or the test ends.
type Stalled struct {
	*httptest.Server
	entered chan struct{}
}

// NewStalled starts a stalled upstream, closed when the test ends.
func NewStalled(t testing.TB) *Stalled {
	s := &Stalled{entered: make(chan struct{}, 16)}
	end := make(chan struct{})
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.entered <- struct{}{}
		select {
		case <-end:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(end); s.Close() })
	return s
}

// Abandon sends GET url, waits until the request reached the stalled
// upstream behind it, and gives up on it.
func (s *Stalled) Abandon(t testing.TB, url string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-s.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the upstream")
	}
	cancel()
	<-done
}

// CheckAbandoned gives up on a request to the process under test at base
// (in front of s), and fails t unless the process counted it as abandoned
// (its metrics' service label is service) and logged no WARN or ERROR line:
// a client that goes away is no failure of the process.
func (s *Stalled) CheckAbandoned(t testing.TB, base, service string, logs *Logs) {
	t.Helper()
	s.Abandon(t, base+"/abandoned")
	if !WaitMetric(t, base, `switchyard_inbound_abandoned_total{service="`+service+`"} 1`) {
		t.Error("the abandoned request is not counted")
	}
	if p := logs.Problems(); len(p) > 0 {
		t.Errorf("an abandoned request was logged as a problem: %q", p)
	}
}

// WaitMetric waits up to 3 s for the /metrics page at base to hold line,
// and reports whether it did.
func WaitMetric(t testing.TB, base, line string) bool {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), line) {
			return true
		}
	}
	return false
}
