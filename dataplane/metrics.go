package dataplane

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/switchyard-io/switchyard"
)

// latencyBuckets are the Prometheus histogram bounds, in seconds.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Metrics are a data-plane process's metrics: served requests by its own
// version (inbound), calls by upstream service and version (outbound), rule
// swaps. They are exposed in Prometheus format and summarised for the
// control plane's built-in metrics provider.
type Metrics struct {
	reg     *prometheus.Registry
	inReq   *prometheus.CounterVec
	inDur   *prometheus.HistogramVec
	outReq  *prometheus.CounterVec
	outDur  *prometheus.HistogramVec
	ruleVer *prometheus.GaugeVec
	ruleRej *prometheus.CounterVec
	gone    prometheus.Counter
	version string

	// The hot path's series, resolved once: inbound by status class, and
	// outbound by upstream, version and class in a map replaced whole when
	// a series is added (reads take no lock and build no label slice).
	inByClass [numClasses]prometheus.Counter
	inLatency prometheus.Observer
	outMu     sync.Mutex
	out       atomic.Pointer[map[outKey]*outSeries]

	window window
}

// The status classes of the series: 1xx … 5xx, and "error" (no response).
const numClasses = 6

var classNames = [numClasses]string{"error", "1xx", "2xx", "3xx", "4xx", "5xx"}

func classOf(status int) int {
	if c := status / 100; status > 0 && c >= 1 && c <= 5 {
		return c
	}
	return 0
}

type outKey struct {
	upstream, version string
}

type outSeries struct {
	requests [numClasses]prometheus.Counter
	latency  prometheus.Observer
}

// window accumulates inbound traffic between two reports, in atomics.
type window struct {
	requests, errors atomic.Int64
	latencyNs        atomic.Int64
	buckets          []atomic.Int64 // len(switchyard.LatencyBounds)+1
}

// NewMetrics returns the metrics of one instance of service at version.
func NewMetrics(service, version string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	l := prometheus.Labels{"service": service}
	m := &Metrics{reg: reg, version: version, window: window{buckets: make([]atomic.Int64, len(switchyard.LatencyBounds)+1)},
		inReq: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchyard_inbound_requests_total", Help: "Requests served, by this instance's version and status class.", ConstLabels: l},
			[]string{"version", "code"}),
		inDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "switchyard_inbound_request_duration_seconds", Help: "Time to serve a request.", ConstLabels: l, Buckets: latencyBuckets},
			[]string{"version"}),
		outReq: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchyard_outbound_requests_total", Help: "Calls to upstream instances, by upstream service, version and status class (\"error\" when no response).", ConstLabels: l},
			[]string{"upstream", "upstream_version", "code"}),
		outDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "switchyard_outbound_request_duration_seconds", Help: "Time of calls to upstream instances.", ConstLabels: l, Buckets: latencyBuckets},
			[]string{"upstream", "upstream_version"}),
		ruleVer: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "switchyard_rule_version", Help: "Version of the rule applied from each config key.", ConstLabels: l},
			[]string{"key"}),
		ruleRej: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchyard_rule_rejected_total", Help: "Rule texts refused (invalid); the last good rule stayed.", ConstLabels: l},
			[]string{"key"}),
		gone: prometheus.NewCounter(prometheus.CounterOpts{Name: "switchyard_inbound_abandoned_total", Help: "Requests whose client went away before the upstream answered (answered 499).", ConstLabels: l}),
	}
	reg.MustRegister(m.inReq, m.inDur, m.outReq, m.outDur, m.ruleVer, m.ruleRej, m.gone)
	for c := range numClasses {
		m.inByClass[c] = m.inReq.WithLabelValues(version, classNames[c])
	}
	m.inLatency = m.inDur.WithLabelValues(version)
	empty := map[outKey]*outSeries{}
	m.out.Store(&empty)
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry exposes the Prometheus registry for extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Inbound records one served request.
func (m *Metrics) Inbound(status int, d time.Duration) {
	if m == nil {
		return
	}
	m.inByClass[classOf(status)].Inc()
	m.inLatency.Observe(d.Seconds())
	w := &m.window
	w.requests.Add(1)
	if status >= 500 || status <= 0 {
		w.errors.Add(1)
	}
	w.latencyNs.Add(int64(d))
	w.buckets[bucketOf(float64(d)/float64(time.Millisecond))].Add(1)
}

func bucketOf(ms float64) int {
	for i, b := range switchyard.LatencyBounds {
		if ms <= b {
			return i
		}
	}
	return len(switchyard.LatencyBounds)
}

// Abandoned records a request whose client went away before the answer
// (no failure of this process; Inbound counts it too, as a 4xx).
func (m *Metrics) Abandoned() {
	if m != nil {
		m.gone.Inc()
	}
}

// Outbound records one call to an upstream instance; status 0 = no response.
func (m *Metrics) Outbound(upstream, upstreamVersion string, status int, d time.Duration) {
	if m == nil {
		return
	}
	s := m.outSeries(upstream, upstreamVersion)
	s.requests[classOf(status)].Inc()
	s.latency.Observe(d.Seconds())
}

func (m *Metrics) outSeries(upstream, version string) *outSeries {
	k := outKey{upstream, version}
	if s, ok := (*m.out.Load())[k]; ok {
		return s
	}
	m.outMu.Lock()
	defer m.outMu.Unlock()
	old := *m.out.Load()
	if s, ok := old[k]; ok {
		return s
	}
	s := &outSeries{latency: m.outDur.WithLabelValues(upstream, version)}
	for c := range numClasses {
		s.requests[c] = m.outReq.WithLabelValues(upstream, version, classNames[c])
	}
	next := make(map[outKey]*outSeries, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[k] = s
	m.out.Store(&next)
	return s
}

func (m *Metrics) ruleApplied(k switchyard.ConfigKey, version int64) {
	if m != nil {
		m.ruleVer.WithLabelValues(k.String()).Set(float64(version))
	}
}

func (m *Metrics) ruleRejected(k switchyard.ConfigKey) {
	if m != nil {
		m.ruleRej.WithLabelValues(k.String()).Inc()
	}
}

// windowTotals is one report's inbound traffic.
type windowTotals struct {
	requests, errors int64
	latencyMs        float64
	buckets          []int64
}

// takeWindow returns the inbound traffic since the last call and starts a
// new window (each counter is swapped on its own: a request counted while
// the window turns lands in one of the two windows).
func (m *Metrics) takeWindow() windowTotals {
	w := &m.window
	t := windowTotals{requests: w.requests.Swap(0), errors: w.errors.Swap(0), buckets: make([]int64, len(w.buckets))}
	t.latencyMs = float64(w.latencyNs.Swap(0)) / float64(time.Millisecond)
	for i := range w.buckets {
		t.buckets[i] = w.buckets[i].Swap(0)
	}
	return t
}
