package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"
)

// Targets of issue 14, reported as met or not.
const (
	targetRatio      = 0.8
	targetAddedP50C1 = 100 * time.Microsecond
)

// summary is a variant's medians over its rounds.
type summary struct {
	rps, p50, p99 map[string]float64 // target → median (req/s; seconds)
	ratios        []float64          // gateway/nginx req/s per round
	p99Ratios     []float64          // gateway/nginx p99 per round
	c1p50         map[string]time.Duration
	// cpu is the median proxy CPU per request (seconds) by target;
	// cpuRatios the gateway/nginx ratio of it per round.
	cpu       map[string]float64
	cpuRatios []float64
}

func summarize(vr *variantResult) summary {
	sm := summary{rps: map[string]float64{}, p50: map[string]float64{}, p99: map[string]float64{}, c1p50: map[string]time.Duration{}, cpu: map[string]float64{}}
	by := map[string][]sample{}
	perRound := map[int]map[string]sample{}
	for _, s := range vr.samples {
		if s.err != nil {
			continue
		}
		by[s.target] = append(by[s.target], s)
		if perRound[s.round] == nil {
			perRound[s.round] = map[string]sample{}
		}
		perRound[s.round][s.target] = s
	}
	for t, ss := range by {
		var rps, p50, p99, cpu []float64
		for _, s := range ss {
			rps = append(rps, s.res.RPS)
			p50 = append(p50, s.res.P50.Seconds())
			p99 = append(p99, s.res.P99.Seconds())
			if per := cpuPerRequest(s.cpu, s.res); per > 0 {
				cpu = append(cpu, per.Seconds())
			}
		}
		sm.rps[t], sm.p50[t], sm.p99[t] = median(rps), median(p50), median(p99)
		if len(cpu) > 0 {
			sm.cpu[t] = median(cpu)
		}
	}
	for round := 1; round <= vr.rounds; round++ {
		gw, okG := perRound[round]["gateway"]
		ng, okN := perRound[round]["nginx"]
		if okG && okN {
			sm.ratios = append(sm.ratios, ratio(gw.res.RPS, ng.res.RPS))
			sm.p99Ratios = append(sm.p99Ratios, ratio(gw.res.P99.Seconds(), ng.res.P99.Seconds()))
			if g, n := cpuPerRequest(gw.cpu, gw.res), cpuPerRequest(ng.cpu, ng.res); g > 0 && n > 0 {
				sm.cpuRatios = append(sm.cpuRatios, ratio(g.Seconds(), n.Seconds()))
			}
		}
	}
	for _, s := range vr.c1 {
		if s.err == nil {
			sm.c1p50[s.target] = s.res.P50
		}
	}
	return sm
}

// printVariant writes a variant's table: every round and target, the
// gateway/nginx ratios per round, the medians, the one-connection latency.
func printVariant(w io.Writer, vr *variantResult, o options) {
	v := vr.v
	fmt.Fprintf(w, "\n== %s — %s\n", v.name, v.title)
	fmt.Fprintf(w, "   %d connections, %d threads; %d rounds × %s, targets alternating (direct = backend %s called directly)\n",
		o.Connections, o.Threads, vr.rounds, vr.duration, newVersion)
	fmt.Fprintf(w, "   %s\n\n", vr.routing)
	sm := summarize(vr)
	tw := newTable(w)
	fmt.Fprintln(tw, "round\ttarget\treq/s\tp50\tp99\terrors\tproxy CPU/req\tgw/nginx req/s\tgw/nginx p99\t")
	for round := 1; round <= vr.rounds; round++ {
		var gw, ng *sample
		for i := range vr.samples {
			s := &vr.samples[i]
			if s.round != round {
				continue
			}
			if s.err != nil {
				fmt.Fprintf(tw, "%d\t%s\tFAILED\t\t\t\t\t\t\t\n", round, s.target)
				continue
			}
			switch s.target {
			case "gateway":
				gw = s
			case "nginx":
				ng = s
			}
			rr, pr := "", ""
			if s.target == "gateway" && gw != nil && ng != nil {
				rr = fmt.Sprintf("%.2f×", ratio(gw.res.RPS, ng.res.RPS))
				pr = fmt.Sprintf("%.2f×", ratio(gw.res.P99.Seconds(), ng.res.P99.Seconds()))
			}
			fmt.Fprintf(tw, "%d\t%s\t%.0f\t%s\t%s\t%d\t%s\t%s\t%s\t\n", round, s.target, s.res.RPS, fmtDur(s.res.P50), fmtDur(s.res.P99), s.res.Errors(), fmtCPU(cpuPerRequest(s.cpu, s.res)), rr, pr)
		}
	}
	for _, t := range targets {
		if _, ok := sm.rps[t]; !ok {
			continue
		}
		fmt.Fprintf(tw, "median\t%s\t%.0f\t%s\t%s\t\t%s\t\t\t\n", t, sm.rps[t], fmtSec(sm.p50[t]), fmtSec(sm.p99[t]), fmtCPU(time.Duration(sm.cpu[t]*float64(time.Second))))
	}
	tw.Flush()
	fmt.Fprintln(w)
	med := median(sm.ratios)
	fmt.Fprintf(w, "   gateway/nginx req/s: median %s over %d rounds (%s); target ≥ %.1f×: %s\n",
		fmtRatio(med), len(sm.ratios), joinRatios(sm.ratios), targetRatio, ratioVerdict(med))
	fmt.Fprintf(w, "   p99 gateway %s vs nginx %s (median of the per-round ratios %s): %s\n",
		fmtSec(sm.p99["gateway"]), fmtSec(sm.p99["nginx"]), fmtRatio(median(sm.p99Ratios)), p99Verdict(median(sm.p99Ratios)))
	if len(sm.cpuRatios) > 0 {
		fmt.Fprintf(w, "   proxy CPU per request (all its processes, user + system): gateway %s vs nginx %s (median of the per-round ratios %s, %s)\n",
			fmtCPU(time.Duration(sm.cpu["gateway"]*float64(time.Second))), fmtCPU(time.Duration(sm.cpu["nginx"]*float64(time.Second))), fmtRatio(median(sm.cpuRatios)), joinRatios(sm.cpuRatios))
	}
	d, okD := sm.c1p50["direct"]
	n, okN := sm.c1p50["nginx"]
	g, okG := sm.c1p50["gateway"]
	if okD && okN && okG {
		fmt.Fprintf(w, "   -c1 (one connection, %s each) p50: direct %s, nginx %s (%s), gateway %s (%s); added by the gateway ≤ %s: %s\n",
			o.C1Duration, fmtDur(d), fmtDur(n), fmtDelta(n-d), fmtDur(g), fmtDelta(g-d), fmtDur(targetAddedP50C1), verdict(g-d <= targetAddedP50C1))
	} else {
		fmt.Fprintf(w, "   -c1: a target failed, no added latency\n")
	}
	printPaced(w, vr)
}

// newTable is the right-aligned table every report section uses.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}

func ratioVerdict(r float64) string {
	if math.IsNaN(r) {
		return "no ratio"
	}
	return verdict(r >= targetRatio)
}

func p99Verdict(r float64) string {
	switch {
	case math.IsNaN(r):
		return "no ratio"
	case r <= 1:
		return "gateway equal or better"
	default:
		return "gateway worse"
	}
}

func joinRatios(rs []float64) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("%.2f", r))
	}
	return strings.Join(parts, " ")
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", r)
}

func fmtSec(s float64) string {
	if math.IsNaN(s) || s == 0 {
		return "n/a"
	}
	return fmtDur(time.Duration(s * float64(time.Second)))
}

// fmtCPU is CPU time per request in µs with one decimal; empty when unknown.
func fmtCPU(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
}

// fmtDelta is a latency difference with its sign.
func fmtDelta(d time.Duration) string {
	if d >= 0 {
		return "+" + fmtDur(d)
	}
	return fmtDur(d)
}

// fmtDur writes a latency as wrk does: µs below 1 ms, ms below 1 s.
func fmtDur(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%s%dµs", neg, d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%s%.2fms", neg, float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%s%.2fs", neg, d.Seconds())
	}
}
