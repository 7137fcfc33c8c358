package fanout

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

// The fleet of the target: 50 gateways and 200 SDK instances.
const (
	gateways = 50
	services = 200
	watchers = gateways + services
)

// BenchmarkPublishApplied publishes a new version of one rule key, watched
// by 50 gateways and 200 SDK instances over real long-polls, through the
// API's config publish endpoint (release.Service.Publish) and waits until
// every watcher's dataplane.Rules applied it. One op is one publish.
//
// Metrics: applied-p50/p99/max-ms from the publish call's start to each
// watcher's applied time (its Rules status), returned-p99-ms the same from
// the call's return (negative: applied before the API answered),
// publish-ms the call itself, fleet-cpu-ms/op the CPU time all watchers
// spent per publish (the data plane's side, in the fleet process);
// allocs/op, B/op, server-cpu-ms/op are the
// control plane's (this process's) per publish; server-goroutines/watcher
// what the control plane holds per idle watcher (two long-polls each).
func BenchmarkPublishApplied(b *testing.B) {
	if err := raiseFileLimit(4*watchers + 256); err != nil {
		b.Fatal(err)
	}
	env := apitest.Start(b)
	ctx := b.Context()
	if _, err := client.New(env.URL, env.AdminToken).PutConfig(ctx, group, group, ruleText(0), "xml", -1); err != nil {
		b.Fatal(err)
	}
	idle := settledGoroutines()
	fl := startFleetProcess(b, env)
	held := settledGoroutines() - idle

	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		fl.call(b, "publish", "fanout applied ")
	}
	cpu = cpuTime() - cpu
	n := b.N

	f := strings.Fields(string(fl.call(b, "report", "fanout report ")))
	names := []string{"applied-p50-ms", "applied-p99-ms", "applied-max-ms", "returned-p50-ms", "returned-p99-ms", "returned-max-ms", "publish-ms", "fleet-cpu-ms/op"}
	if len(f) != len(names)+1 {
		b.Fatalf("fleet report %q", f)
	}
	for i, name := range names {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			b.Fatalf("fleet report %q: %v", f, err)
		}
		if name != "returned-p50-ms" && name != "returned-max-ms" {
			b.ReportMetric(v, name)
		}
	}
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(n), "server-cpu-ms/op")
	b.ReportMetric(float64(held)/watchers, "server-goroutines/watcher")
	b.Logf("%d publishes, %s samples; server holds %d goroutines for %d watchers", n, f[len(f)-1], held, watchers)
}

// fleetProcess is the fleet: this test binary started again as
// TestFleetProcess, driven over its stdin and stdout.
type fleetProcess struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr *bytes.Buffer
	guard  *time.Timer
}

// startFleetProcess starts the fleet against env and waits until every
// watcher applied the current rule.
func startFleetProcess(b *testing.B, env *apitest.Env) *fleetProcess {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestFleetProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envURL+"="+env.URL, envAgent+"="+env.AgentToken, envAdmin+"="+env.AdminToken,
		envGateways+"="+strconv.Itoa(gateways), envServices+"="+strconv.Itoa(services))
	fp := &fleetProcess{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = fp.stderr
	if fp.in, err = cmd.StdinPipe(); err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	fp.out = bufio.NewScanner(stdout)
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	// A fleet that stops answering is killed, so the benchmark fails
	// instead of hanging.
	fp.guard = time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	b.Cleanup(func() {
		fp.in.Close() // the fleet ends at the end of its input
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		fp.guard.Stop()
	})
	fp.await(b, "fanout ready ")
	return fp
}

// call sends command and returns the rest of the answer line starting with
// prefix, valid until the next call.
func (fp *fleetProcess) call(b *testing.B, command, prefix string) []byte {
	fp.guard.Reset(time.Minute)
	if _, err := io.WriteString(fp.in, command+"\n"); err != nil {
		b.Fatalf("fleet: %v\n%s", err, fp.stderr)
	}
	return fp.await(b, prefix)
}

// await reads the fleet's output up to a line starting with prefix (the
// test framework's lines are skipped) and returns the rest of it, valid
// until the next read.
func (fp *fleetProcess) await(b *testing.B, prefix string) []byte {
	for fp.out.Scan() {
		if line := fp.out.Bytes(); bytes.HasPrefix(line, []byte(prefix)) {
			return line[len(prefix):]
		}
	}
	err := fp.cmd.Wait()
	b.Fatalf("fleet process ended (%v) before %q:\n%s", err, strings.TrimSpace(prefix), fp.stderr)
	return nil
}

// settledGoroutines is the number of goroutines once it stopped changing
// (the long-polls of a fleet just started are still arriving).
func settledGoroutines() int {
	last, same := runtime.NumGoroutine(), 0
	for deadline := time.Now().Add(10 * time.Second); same < 5 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == last {
			same++
		} else {
			last, same = n, 0
		}
	}
	return last
}
