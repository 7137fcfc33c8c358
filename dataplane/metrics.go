package dataplane

import (
	"net/http"
	"strconv"
	"sync"
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
	version string

	mu     sync.Mutex
	window window
}

// window accumulates inbound traffic between two reports.
type window struct {
	requests, errors int64
	latencyMs        float64
	buckets          []int64
}

// NewMetrics returns the metrics of one instance of service at version.
func NewMetrics(service, version string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	l := prometheus.Labels{"service": service}
	m := &Metrics{reg: reg, version: version, window: window{buckets: make([]int64, len(switchyard.LatencyBounds)+1)},
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
	}
	reg.MustRegister(m.inReq, m.inDur, m.outReq, m.outDur, m.ruleVer, m.ruleRej)
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry exposes the Prometheus registry for extra collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func codeClass(status int) string {
	if status <= 0 {
		return "error"
	}
	return strconv.Itoa(status/100) + "xx"
}

// Inbound records one served request.
func (m *Metrics) Inbound(status int, d time.Duration) {
	if m == nil {
		return
	}
	m.inReq.WithLabelValues(m.version, codeClass(status)).Inc()
	m.inDur.WithLabelValues(m.version).Observe(d.Seconds())
	ms := float64(d) / float64(time.Millisecond)
	m.mu.Lock()
	w := &m.window
	w.requests++
	if status >= 500 || status <= 0 {
		w.errors++
	}
	w.latencyMs += ms
	w.buckets[bucketOf(ms)]++
	m.mu.Unlock()
}

func bucketOf(ms float64) int {
	for i, b := range switchyard.LatencyBounds {
		if ms <= b {
			return i
		}
	}
	return len(switchyard.LatencyBounds)
}

// Outbound records one call to an upstream instance; status 0 = no response.
func (m *Metrics) Outbound(upstream, upstreamVersion string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.outReq.WithLabelValues(upstream, upstreamVersion, codeClass(status)).Inc()
	m.outDur.WithLabelValues(upstream, upstreamVersion).Observe(d.Seconds())
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

// takeWindow returns the inbound traffic since the last call and starts a
// new window.
func (m *Metrics) takeWindow() window {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.window
	m.window = window{buckets: make([]int64, len(switchyard.LatencyBounds)+1)}
	return w
}
