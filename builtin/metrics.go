package builtin

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// MetricsRetention is how long reports are kept.
const MetricsRetention = time.Hour

// Metrics implements switchyard.MetricsProvider and MetricsCollector:
// data-plane instances report what they served every few seconds; Metrics
// keeps the last MetricsRetention of reports in memory and answers
// per-version questions (traffic share, success rate, average and p99
// latency, CPU and memory).
type Metrics struct {
	Now func() time.Time

	mu      sync.Mutex
	reports map[string][]switchyard.MetricsReport // by service, oldest first
}

var (
	_ switchyard.MetricsProvider  = (*Metrics)(nil)
	_ switchyard.MetricsCollector = (*Metrics)(nil)
)

// NewMetrics returns an empty metrics provider.
func NewMetrics() *Metrics {
	return &Metrics{Now: time.Now, reports: map[string][]switchyard.MetricsReport{}}
}

// Report implements switchyard.MetricsCollector.
func (m *Metrics) Report(_ context.Context, r *switchyard.MetricsReport) error {
	if r.Service == "" || r.Instance == "" {
		return switchyard.FieldErrorf("service", "metrics.report", "a report names its service and instance")
	}
	if r.Requests < 0 || r.Errors < 0 || r.Errors > r.Requests || r.Seconds < 0 {
		return switchyard.FieldErrorf("requests", "metrics.report", "counts must be non-negative and errors at most requests")
	}
	if len(r.Buckets) != 0 && len(r.Buckets) != len(switchyard.LatencyBounds)+1 {
		return switchyard.FieldErrorf("buckets", "metrics.report", "buckets must have %d entries", len(switchyard.LatencyBounds)+1)
	}
	c := *r
	c.Time = m.Now() // the control plane's clock orders reports
	m.mu.Lock()
	defer m.mu.Unlock()
	list := append(m.reports[c.Service], c)
	cut := 0
	for cut < len(list) && c.Time.Sub(list[cut].Time) > MetricsRetention {
		cut++
	}
	m.reports[c.Service] = slices.Clip(list[cut:])
	return nil
}

// ServiceMetrics implements switchyard.MetricsProvider.
func (m *Metrics) ServiceMetrics(_ context.Context, service string, window time.Duration) (*switchyard.ServiceMetrics, error) {
	if window <= 0 || window > MetricsRetention {
		return nil, switchyard.FieldErrorf("window", "metrics.window", "window must be between 1s and %s", MetricsRetention)
	}
	now := m.Now()
	from := now.Add(-window)
	m.mu.Lock()
	var in []switchyard.MetricsReport
	for _, r := range m.reports[service] {
		if !r.Time.Before(from) {
			in = append(in, r)
		}
	}
	m.mu.Unlock()
	out := &switchyard.ServiceMetrics{Service: service, Window: window.String(), From: from, To: now, Versions: aggregate(in, window)}
	return out, nil
}

// aggregate folds reports into per-version metrics.
func aggregate(reports []switchyard.MetricsReport, window time.Duration) []switchyard.VersionMetrics {
	type acc struct {
		v         switchyard.VersionMetrics
		latencyMs float64
		errors    int64
		buckets   []int64
		inst      map[string]*switchyard.InstanceMetrics
		cpu       map[string]float64
	}
	byVersion := map[string]*acc{}
	var total int64
	for _, r := range reports {
		a := byVersion[r.Version]
		if a == nil {
			a = &acc{v: switchyard.VersionMetrics{Version: r.Version}, buckets: make([]int64, len(switchyard.LatencyBounds)+1), inst: map[string]*switchyard.InstanceMetrics{}, cpu: map[string]float64{}}
			byVersion[r.Version] = a
		}
		a.v.Requests += r.Requests
		a.errors += r.Errors
		a.latencyMs += r.LatencyMs
		for i, n := range r.Buckets {
			a.buckets[i] += n
		}
		im := a.inst[r.Instance]
		if im == nil {
			im = &switchyard.InstanceMetrics{Instance: r.Instance}
			a.inst[r.Instance] = im
		}
		// The newest report gives the instance's current CPU and memory.
		im.Address, im.CPUPercent, im.MemoryBytes = r.Address, r.CPUPercent, r.MemoryBytes
		im.Requests += r.Requests
		total += r.Requests
	}
	out := make([]switchyard.VersionMetrics, 0, len(byVersion))
	for _, a := range byVersion {
		v := a.v
		v.RPS = float64(v.Requests) / window.Seconds()
		v.SuccessRate = 100
		if v.Requests > 0 {
			v.SuccessRate = 100 * float64(v.Requests-a.errors) / float64(v.Requests)
			v.AvgLatencyMs = a.latencyMs / float64(v.Requests)
			v.P99LatencyMs = quantile(a.buckets, 0.99)
		}
		if total > 0 {
			v.Traffic = 100 * float64(v.Requests) / float64(total)
		}
		for _, im := range a.inst {
			v.Instances = append(v.Instances, *im)
			v.CPUPercent += im.CPUPercent
			v.MemoryBytes += im.MemoryBytes
		}
		if n := len(v.Instances); n > 0 {
			v.CPUPercent /= float64(n)
		}
		sort.Slice(v.Instances, func(i, j int) bool { return v.Instances[i].Address < v.Instances[j].Address })
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out
}

// quantile returns the upper bound of the bucket holding quantile q; the
// overflow bucket reports twice the last bound.
func quantile(buckets []int64, q float64) float64 {
	var n int64
	for _, b := range buckets {
		n += b
	}
	if n == 0 {
		return 0
	}
	rank := int64(q*float64(n) + 0.999999)
	var seen int64
	for i, b := range buckets {
		seen += b
		if seen >= rank {
			if i < len(switchyard.LatencyBounds) {
				return switchyard.LatencyBounds[i]
			}
			break
		}
	}
	return 2 * switchyard.LatencyBounds[len(switchyard.LatencyBounds)-1]
}
