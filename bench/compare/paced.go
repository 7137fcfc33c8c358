package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// loadFunc runs one wrk load of the variant being measured with script at
// target.
type loadFunc func(script, target string, connections, threads int, d time.Duration) (wrkResult, cpuUse, error)

// pacedRounds measures every target at the same offered load: a share
// (PacedShare) of nginx's median saturated req/s, set by a pause before
// each request of every connection. Saturated rounds compare how much each
// proxy serves; at saturation a proxy that serves less also queues more,
// so its p99 is longer by construction. At one pace below saturation the
// p99s compare the proxies' own latency under the same load.
func (s *stack) pacedRounds(vr *variantResult, dur time.Duration, load loadFunc, progress io.Writer) error {
	if s.o.PacedRounds == 0 {
		return nil
	}
	var nginx []float64
	for _, sm := range vr.samples {
		if sm.err == nil && sm.target == "nginx" {
			nginx = append(nginx, sm.res.RPS)
		}
	}
	rps := median(nginx)
	if math.IsNaN(rps) || rps <= 0 {
		fmt.Fprintf(progress, "%s paced: skipped, no saturated nginx round to pace from\n", vr.v.name)
		return nil
	}
	vr.pacedRate = s.o.PacedShare * rps
	vr.pacedDelay = pacedDelay(s.o.Connections, vr.pacedRate)
	script, err := vr.v.pacedScript(s.dir, vr.pacedDelay)
	if err != nil {
		return err
	}
	for round := 1; round <= s.o.PacedRounds; round++ {
		for _, t := range targets {
			r, cpu, err := load(script, t, s.o.Connections, s.o.Threads, dur)
			if errors.Is(err, context.Canceled) || errors.Is(err, errStackDown) {
				return err
			}
			vr.paced = append(vr.paced, sample{round: round, target: t, res: r, cpu: cpu, err: err})
			fmt.Fprintf(progress, "%s paced %d/%d %-7s %s\n", vr.v.name, round, s.o.PacedRounds, t, brief(r, cpu, err))
		}
	}
	return nil
}

// pacedDelay is the pause per request that brings connections to about
// rate req/s together (each connection sends one request per pause, the
// answer's time not counted), in whole milliseconds as wrk takes it.
func pacedDelay(connections int, rate float64) time.Duration {
	ms := math.Round(float64(connections) * 1000 / rate)
	return time.Duration(max(ms, 1)) * time.Millisecond
}

// printPaced writes the equal-load rounds of vr: each round and target, the
// gateway/nginx p99 per round and its median.
func printPaced(w io.Writer, vr *variantResult) {
	if len(vr.paced) == 0 {
		return
	}
	fmt.Fprintf(w, "\n   equal load: every target paced, %d ms between a connection's requests (aimed at %.0f req/s; the answer's time adds to the pause, so each row shows the rate it reached)\n", vr.pacedDelay.Milliseconds(), vr.pacedRate)
	tw := newTable(w)
	fmt.Fprintln(tw, "round\ttarget\treq/s\tp50\tp99\terrors\tproxy CPU/req\tgw/nginx p99\t")
	byRound := map[int]map[string]sample{}
	var ratios []float64
	p99, cpu := map[string][]float64{}, map[string][]float64{}
	for _, sm := range vr.paced {
		if sm.err != nil {
			fmt.Fprintf(tw, "%d\t%s\tFAILED\t\t\t\t\t\t\n", sm.round, sm.target)
			continue
		}
		if byRound[sm.round] == nil {
			byRound[sm.round] = map[string]sample{}
		}
		byRound[sm.round][sm.target] = sm
		p99[sm.target] = append(p99[sm.target], sm.res.P99.Seconds())
		if per := cpuPerRequest(sm.cpu, sm.res); per > 0 {
			cpu[sm.target] = append(cpu[sm.target], per.Seconds())
		}
		pr := ""
		if ng, ok := byRound[sm.round]["nginx"]; ok && sm.target == "gateway" {
			r := ratio(sm.res.P99.Seconds(), ng.res.P99.Seconds())
			ratios = append(ratios, r)
			pr = fmtRatio(r)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.0f\t%s\t%s\t%d\t%s\t%s\t\n", sm.round, sm.target, sm.res.RPS, fmtDur(sm.res.P50), fmtDur(sm.res.P99), sm.res.Errors(), fmtCPU(cpuPerRequest(sm.cpu, sm.res)), pr)
	}
	tw.Flush()
	med := median(ratios)
	fmt.Fprintf(w, "   equal-load p99: gateway %s vs nginx %s (median of the per-round ratios %s, %s): %s\n",
		fmtSec(median(p99["gateway"])), fmtSec(median(p99["nginx"])), fmtRatio(med), joinRatios(ratios), p99Verdict(med))
	if g, n := median(cpu["gateway"]), median(cpu["nginx"]); !math.IsNaN(g) && !math.IsNaN(n) {
		fmt.Fprintf(w, "   equal-load proxy CPU per request: gateway %s vs nginx %s (%s)\n",
			fmtCPU(time.Duration(g*float64(time.Second))), fmtCPU(time.Duration(n*float64(time.Second))), fmtRatio(ratio(g, n)))
	}
}
