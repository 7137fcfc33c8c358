package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// targets are loaded in this order in every round.
var targets = []string{"direct", "nginx", "gateway"}

// sample is one wrk run.
type sample struct {
	round  int // 1…; 0 for the one-connection round
	target string
	res    wrkResult
	// cpu is the CPU time the proxy's processes used during the load (0
	// for direct, or when it could not be read).
	cpu cpuUse
	err error // wrk failed, or too many errors
}

// errStackDown: a process of the comparison exited.
var errStackDown = errors.New("a process of the comparison exited")

// maxErrorShare is the share of failed requests beyond which a target
// failed (wrk's socket errors and statuses of 400 or more).
const maxErrorShare = 0.001

// variantResult is everything measured for one variant.
type variantResult struct {
	v        variant
	rounds   int
	duration time.Duration
	routing  string
	samples  []sample
	c1       []sample
	// paced are the equal-load rounds: every target at one pace, wrk
	// pausing pacedDelay before each request of a connection, aimed at
	// pacedRate req/s.
	paced      []sample
	pacedDelay time.Duration
	pacedRate  float64
}

// wrkRun is one load: connections, threads, duration, the variant's request.
type wrkRun struct {
	url, script string
	connections int
	threads     int
	duration    time.Duration
}

// runWrk runs wrk --latency and parses its report.
func runWrk(ctx context.Context, bin string, w wrkRun) (wrkResult, string, error) {
	args := []string{"-t", strconv.Itoa(w.threads), "-c", strconv.Itoa(w.connections),
		"-d", strconv.Itoa(int(w.duration.Round(time.Second)/time.Second)) + "s", "--latency"}
	if w.script != "" {
		args = append(args, "-s", w.script)
	}
	args = append(args, w.url)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if ctx.Err() != nil {
		return wrkResult{}, string(out), ctx.Err()
	}
	if err != nil {
		return wrkResult{}, string(out), fmt.Errorf("wrk %v: %w: %s", args, err, strings.TrimSpace(string(out)))
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return r, string(out), err
	}
	if err := r.failure(); err != nil {
		return r, string(out), fmt.Errorf("%w:\n%s", err, strings.TrimSpace(string(out)))
	}
	return r, string(out), nil
}

// failure says why r counts as a failed target: more than maxErrorShare of
// its requests failed.
func (r wrkResult) failure() error {
	if share := r.ErrorShare(); share > maxErrorShare {
		return fmt.Errorf("%d of %d requests failed (%.2f %%, more than %.1f %%)", r.Errors(), r.Requests, share*100, maxErrorShare*100)
	}
	return nil
}

// measure runs variant v: rule and nginx for it, the routing check, a
// warm-up, the alternating rounds, the one-connection round.
func (s *stack) measure(ctx context.Context, v variant, rounds int, dur time.Duration, progress io.Writer) (*variantResult, error) {
	if err := s.publishRule(ctx, v.conditions); err != nil {
		return nil, err
	}
	if err := s.startNginx(ctx, v.conditions); err != nil {
		return nil, err
	}
	routing, err := s.checkRouting(ctx, v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", v.name, err)
	}
	fmt.Fprintf(progress, "%s: %s\n", v.name, routing)
	script, err := v.wrkScript(s.dir)
	if err != nil {
		return nil, err
	}
	loadWith := func(script, target string, connections, threads int, d time.Duration) (wrkResult, cpuUse, error) {
		meter := startCPU(s.proxyProc(target))
		r, _, err := runWrk(ctx, s.o.Wrk, wrkRun{url: s.url(target, v), script: script, connections: connections, threads: threads, duration: d})
		cpu := meter.stop()
		if err != nil && ctx.Err() == nil {
			// A process that died makes every later round meaningless.
			if dead := s.ps.dead(); dead != nil {
				return r, cpu, fmt.Errorf("%w: %w", errStackDown, dead)
			}
		}
		return r, cpu, err
	}
	load := func(target string, connections, threads int, d time.Duration) (wrkResult, cpuUse, error) {
		return loadWith(script, target, connections, threads, d)
	}
	if s.o.Warmup >= time.Second {
		for _, t := range targets {
			if _, _, err := load(t, s.o.Connections, s.o.Threads, s.o.Warmup); errors.Is(err, context.Canceled) || errors.Is(err, errStackDown) {
				return nil, err
			}
		}
	}
	vr := &variantResult{v: v, rounds: rounds, duration: dur, routing: routing}
	for round := 1; round <= rounds; round++ {
		for _, t := range targets {
			r, cpu, err := load(t, s.o.Connections, s.o.Threads, dur)
			if errors.Is(err, context.Canceled) || errors.Is(err, errStackDown) {
				return vr, err
			}
			vr.samples = append(vr.samples, sample{round: round, target: t, res: r, cpu: cpu, err: err})
			fmt.Fprintf(progress, "%s round %d/%d %-7s %s\n", v.name, round, rounds, t, brief(r, cpu, err))
		}
	}
	if err := s.pacedRounds(vr, dur, loadWith, progress); err != nil {
		return vr, err
	}
	for _, t := range targets {
		r, cpu, err := load(t, 1, 1, s.o.C1Duration)
		if errors.Is(err, context.Canceled) || errors.Is(err, errStackDown) {
			return vr, err
		}
		vr.c1 = append(vr.c1, sample{target: t, res: r, cpu: cpu, err: err})
		fmt.Fprintf(progress, "%s -c1 %-7s %s\n", v.name, t, brief(r, cpu, err))
	}
	return vr, nil
}

// brief is a progress line's result.
func brief(r wrkResult, cpu cpuUse, err error) string {
	if err != nil {
		return "FAILED: " + err.Error()
	}
	line := fmt.Sprintf("%8.0f req/s  p50 %-9s p99 %-9s", r.RPS, fmtDur(r.P50), fmtDur(r.P99))
	if per := cpu.perRequest(r); per.total() > 0 {
		line += fmt.Sprintf(" proxy CPU %s/req (user %s, system %s)", fmtCPU(per.total()), fmtCPU(per.user), fmtCPU(per.sys))
	}
	return line
}

// failed reports whether any load of vr failed.
func (vr *variantResult) failed() bool {
	for _, s := range slices.Concat(vr.samples, vr.c1, vr.paced) {
		if s.err != nil {
			return true
		}
	}
	return false
}
