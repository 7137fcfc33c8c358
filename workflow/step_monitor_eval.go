package workflow

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// measure takes measurement n: the window of one interval, for every
// service of the release, blue (the new version(s)) against green (the
// old), and its verdict.
func measure(ctx context.Context, t *Tick, s monitorSettings, n int) measurement {
	m := measurement{N: n, At: t.Now}
	services := t.Release.Spec.Services
	if len(services) == 0 {
		m.Verdict, m.Error = verdictError, "the release lists no services"
		return m
	}
	vs, err := t.Env.Releases.Versions(ctx, services, t.Release.Spec.Sort)
	if err != nil {
		m.Verdict, m.Error = verdictError, errDetail(err)
		return m
	}
	depVersion, depServices := deployed(t)
	var blue, green envSum
	for _, v := range vs {
		newSet := strings.Split(v.New, ";")
		if depVersion != "" && slices.Contains(depServices, v.Service) {
			newSet = []string{depVersion}
		}
		sm, err := t.Env.Metrics.ServiceMetrics(ctx, v.Service, s.interval)
		if err != nil {
			m.Verdict, m.Error = verdictError, fmt.Sprintf("%s: %s", v.Service, errDetail(err))
			return m
		}
		for _, vm := range sm.Versions {
			switch {
			case slices.Contains(newSet, vm.Version):
				blue.add(vm)
			case vm.Version == v.Old:
				green.add(vm)
			}
		}
	}
	traffic := t.State.Traffic
	m.Blue, m.Green = ptr(blue.env(traffic)), ptr(green.env(100-traffic))
	if m.Blue.Requests < int64(s.minRequests) {
		m.Verdict = verdictInconclusive
		return m
	}
	m.Breaches = breaches(s.cfg.Thresholds, m.Blue, m.Green, green.seen)
	m.Verdict = verdictPassed
	if len(m.Breaches) > 0 {
		m.Verdict = verdictFailed
	}
	return m
}

// envSum adds up one side over services: requests summed, success rate and
// average latency weighted by requests, p99 the highest, CPU and memory
// summed over the instances.
type envSum struct {
	versions         []string
	requests, errors int64
	okSum, latSum    float64
	p99, cpu         float64
	memory           int64
	seen             bool
}

func (e *envSum) add(v switchyard.VersionMetrics) {
	e.seen = true
	if !slices.Contains(e.versions, v.Version) {
		e.versions = append(e.versions, v.Version)
	}
	e.requests += v.Requests
	e.errors += int64(math.Round(float64(v.Requests) * (100 - v.SuccessRate) / 100))
	e.okSum += v.SuccessRate * float64(v.Requests)
	e.latSum += v.AvgLatencyMs * float64(v.Requests)
	e.p99 = max(e.p99, v.P99LatencyMs)
	if len(v.Instances) > 0 {
		for _, in := range v.Instances {
			e.cpu += in.CPUPercent
		}
	} else {
		e.cpu += v.CPUPercent
	}
	e.memory += v.MemoryBytes
}

// env is the side as the execution page shows it; an idle side's success
// rate is 100 (the metrics port's convention), its requests say it is idle.
func (e *envSum) env(traffic float64) switchyard.EnvMetrics {
	slices.Sort(e.versions)
	out := switchyard.EnvMetrics{Version: strings.Join(e.versions, ";"), Traffic: traffic, SuccessRate: 100, P99: e.p99,
		Requests: e.requests, Errors: e.errors, CPU: e.cpu, Memory: float64(e.memory)}
	if e.requests > 0 {
		out.SuccessRate = e.okSum / float64(e.requests)
		out.ResponseTime = e.latSum / float64(e.requests)
	}
	return out
}

// metricDef is one metric MONITOR can bound: how to read it from a side,
// its unit and whether higher is better.
type metricDef struct {
	name   string // the threshold's key, the alert's metric
	unit   string
	higher bool
	value  func(*switchyard.EnvMetrics) float64
	// rate metrics need requests on the old version for a baseline;
	// resource metrics need it to run.
	rate bool
}

const mib = 1 << 20

var metricDefs = []struct {
	metricDef
	pick func(*MonitorThresholds) *Threshold
}{
	{metricDef{"successRate", "%", true, func(e *switchyard.EnvMetrics) float64 { return e.SuccessRate }, true}, func(t *MonitorThresholds) *Threshold { return t.SuccessRate }},
	{metricDef{"avgLatency", "ms", false, func(e *switchyard.EnvMetrics) float64 { return e.ResponseTime }, true}, func(t *MonitorThresholds) *Threshold { return t.AvgLatency }},
	{metricDef{"p99Latency", "ms", false, func(e *switchyard.EnvMetrics) float64 { return e.P99 }, true}, func(t *MonitorThresholds) *Threshold { return t.P99Latency }},
	{metricDef{"errors", "", false, func(e *switchyard.EnvMetrics) float64 { return float64(e.Errors) }, true}, func(t *MonitorThresholds) *Threshold { return t.Errors }},
	{metricDef{"cpu", "%", false, func(e *switchyard.EnvMetrics) float64 { return e.CPU }, false}, func(t *MonitorThresholds) *Threshold { return t.CPU }},
	{metricDef{"memory", "MiB", false, func(e *switchyard.EnvMetrics) float64 { return e.Memory / mib }, false}, func(t *MonitorThresholds) *Threshold { return t.Memory }},
}

// breaches checks blue against every threshold set: absolutely (min, max)
// and relative to green (maxDelta points below it for the success rate,
// above it for the others; maxRatio times it). Relative bounds need a
// baseline: green's requests for rates and latencies, green's instances
// for CPU and memory; without one they are not checked (the absolute
// bounds still are).
func breaches(th MonitorThresholds, blue, green *switchyard.EnvMetrics, greenSeen bool) []breach {
	var out []breach
	for _, d := range metricDefs {
		t := d.pick(&th)
		if t == nil {
			continue
		}
		v, base := d.value(blue), d.value(green)
		hasBase := greenSeen && (!d.rate || green.Requests > 0)
		add := func(kind, bound, threshold string) {
			b := breach{Metric: d.name, Threshold: threshold, Value: v}
			baseText := Msg("monitor.nobaseline")
			if hasBase {
				b.Baseline = ptr(base)
				baseText = Msg("reason.internal", "detail", d.value1(base))
			}
			b.Message = msgWith("monitor.breach."+kind, map[string]*switchyard.Message{"metric": Msg("metric." + d.name), "baseline": baseText},
				"value", d.value1(v), "threshold", bound, "requests", strconv.FormatInt(blue.Requests, 10))
			out = append(out, b)
		}
		if t.Min != nil && v < *t.Min {
			add("min", d.bound(*t.Min), ">= "+d.bound(*t.Min))
			continue
		}
		if t.Max != nil && v > *t.Max {
			add("max", d.bound(*t.Max), "<= "+d.bound(*t.Max))
			continue
		}
		if !hasBase {
			continue
		}
		if t.MaxDelta != nil {
			delta := strconv.FormatFloat(*t.MaxDelta, 'f', -1, 64)
			if d.higher && v < base-*t.MaxDelta {
				add("below", delta, ">= green - "+delta+"pt")
				continue
			}
			if !d.higher && v > base+*t.MaxDelta {
				add("above", d.bound(*t.MaxDelta), "<= green + "+d.bound(*t.MaxDelta))
				continue
			}
		}
		if t.Floor != nil && !d.higher && v <= *t.Floor {
			continue // below the floor, relative checks are noise
		}
		if t.MaxRatio != nil && !d.higher && v > *t.MaxRatio*base {
			ratio := strconv.FormatFloat(*t.MaxRatio, 'f', -1, 64)
			add("ratio", ratio, "<= "+ratio+"x green")
		}
	}
	return out
}

// value1 writes a measured value in d's unit with one decimal (errors
// as a count).
func (d metricDef) value1(v float64) string {
	if d.name == "errors" {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return withUnit(strconv.FormatFloat(v, 'f', 1, 64), d.unit)
}

// bound writes a threshold in d's unit as it was typed.
func (d metricDef) bound(v float64) string {
	return withUnit(strconv.FormatFloat(v, 'f', -1, 64), d.unit)
}

func withUnit(s, unit string) string {
	switch unit {
	case "":
		return s
	case "%":
		return s + "%"
	}
	return s + " " + unit
}
