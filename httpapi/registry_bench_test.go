package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The registry benchmark: 5,000 instances beat every 5 s, 1,000
// heartbeats a second, through the built-in registry's HTTP API (PUT
// /api/registry/instances/{id}/heartbeat with an agent's token). The load
// comes from this test binary run again as TestHeartbeatLoad, so the CPU
// time of this process (getrusage) is the server's alone.
const (
	benchInstances = 5000
	benchBeatEvery = 5 * time.Second
	benchBeatConns = 100 // keep-alive connections the load spreads over
	heartbeatLoad  = "SWITCHYARD_HEARTBEAT_LOAD"
	loadLine       = "heartbeat-load: "
)

// loadConfig tells TestHeartbeatLoad what to send.
type loadConfig struct {
	URL      string        `json:"url"`
	Token    string        `json:"token"`
	IDs      string        `json:"ids"` // a file, one instance ID a line
	Rate     int           `json:"rate"`
	Duration time.Duration `json:"duration"`
	Conns    int           `json:"conns"`
}

// loadResult is what TestHeartbeatLoad saw: latencies from when each beat
// was due, so a server that falls behind shows it.
type loadResult struct {
	Beats, Failed int
	P50, P99, Max time.Duration
}

// BenchmarkRegistryHeartbeats drives one round of heartbeats of 5,000
// registered instances (5 s at 1,000/s) per iteration and reports the
// server's CPU seconds per second of wall time (target: < 1 core), the p50
// and p99 latency of a heartbeat and the failed ones.
func BenchmarkRegistryHeartbeats(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) {
			e := newBenchEnv(b, kind)
			go func() { _ = e.reg.Run(b.Context()) }() // the expiry sweep, as the server runs it
			cfg := loadConfig{URL: e.url, Token: e.agentToken(b), IDs: filepath.Join(b.TempDir(), "ids"),
				Rate: int(benchInstances / benchBeatEvery.Seconds()), Duration: benchBeatEvery, Conns: benchBeatConns}
			start, cpu0 := time.Now(), processCPU(b)
			e.registerInstances(b, cfg, benchInstances)
			b.Logf("registered %d instances, 8 at a time, in %v (%v CPU)", benchInstances, time.Since(start).Round(time.Millisecond), (processCPU(b) - cpu0).Round(time.Millisecond))
			var cpu, wall time.Duration
			var res loadResult
			for b.Loop() {
				c, w, r := runHeartbeatLoad(b, cfg)
				cpu, wall = cpu+c, wall+w
				res.Beats, res.Failed, res.P50, res.P99, res.Max = res.Beats+r.Beats, res.Failed+r.Failed, max(res.P50, r.P50), max(res.P99, r.P99), max(res.Max, r.Max)
			}
			b.ReportMetric(cpu.Seconds()/wall.Seconds(), "cpu-cores")
			b.ReportMetric(float64(res.Beats)/wall.Seconds(), "beats/s")
			b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(res.Failed), "failed")
			if res.Failed > 0 {
				b.Errorf("%d of %d heartbeats failed", res.Failed, res.Beats)
			}
		})
	}
}

// agentToken creates a data-plane agent and returns an API token of it.
func (e *benchEnv) agentToken(b *testing.B) string {
	u, err := e.auth.CreateUser(b.Context(), switchyard.NewUser{Name: "bench-agent", Role: switchyard.RoleAgent, Password: "bench-agent-password"})
	if err != nil {
		b.Fatal(err)
	}
	it, err := e.auth.IssueToken(b.Context(), u, switchyard.TokenRequest{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	return it.Secret
}

// registerInstances registers n instances of 50 services through the API
// and writes their IDs to cfg.IDs.
func (e *benchEnv) registerInstances(b *testing.B, cfg loadConfig, n int) {
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				in := switchyard.Instance{Service: fmt.Sprintf("service-%02d", i%50), Group: "bench-group", Version: "1.0", Host: "10.1.0.1", Port: 20000 + i}
				body, _ := json.Marshal(in)
				req, _ := http.NewRequestWithContext(b.Context(), "POST", cfg.URL+"/api/registry/instances", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+cfg.Token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := e.client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				err = json.NewDecoder(resp.Body).Decode(&in)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated || err != nil {
					errs <- fmt.Errorf("register: %d %w", resp.StatusCode, err)
					return
				}
				ids[i] = in.ID
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(cfg.IDs, []byte(strings.Join(ids, "\n")), 0o600); err != nil {
		b.Fatal(err)
	}
}

// runHeartbeatLoad runs TestHeartbeatLoad in a child process and returns
// this process's CPU time and the wall time from the first heartbeat to
// the last answer, and what the child saw.
func runHeartbeatLoad(b *testing.B, cfg loadConfig) (cpu, wall time.Duration, res loadResult) {
	raw, _ := json.Marshal(cfg)
	cmd := exec.CommandContext(b.Context(), os.Args[0], "-test.run=^TestHeartbeatLoad$", "-test.count=1")
	cmd.Env = append(os.Environ(), heartbeatLoad+"="+string(raw))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := cmd.Wait(); err != nil {
			b.Fatalf("load generator: %v", err)
		}
	}()
	var cpu0 time.Duration
	var start time.Time
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), loadLine)
		switch {
		case !ok:
		case line == "start":
			cpu0, start = processCPU(b), time.Now()
		default:
			cpu, wall = processCPU(b)-cpu0, time.Since(start)
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				b.Fatalf("load generator said %q: %v", line, err)
			}
		}
	}
	_, _ = io.Copy(io.Discard, out)
	if wall == 0 {
		b.Fatal("the load generator gave no result")
	}
	return cpu, wall, res
}

// processCPU is the user and system CPU time of this process so far.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
