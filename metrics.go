package switchyard

import (
	"context"
	"time"
)

// LatencyBounds are the upper bounds, in milliseconds, of the latency
// buckets data-plane instances report; the last bucket is everything above.
var LatencyBounds = []float64{1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000}

// MetricsReport is what one data-plane instance reports every few seconds:
// the requests it served since its previous report, and its CPU and memory.
type MetricsReport struct {
	Instance string    `json:"instance" doc:"registry instance id"`
	Service  string    `json:"service"`
	Group    string    `json:"group"`
	Version  string    `json:"version"`
	Address  string    `json:"address"`
	Time     time.Time `json:"time"`
	// Seconds is the length of the period the counts cover.
	Seconds   float64 `json:"seconds"`
	Requests  int64   `json:"requests"`
	Errors    int64   `json:"errors" doc:"responses with status >= 500 and failed requests"`
	LatencyMs float64 `json:"latencyMs" doc:"sum of the latencies, in milliseconds"`
	// Buckets counts requests per LatencyBounds bucket (len(LatencyBounds)+1).
	Buckets     []int64 `json:"buckets"`
	CPUPercent  float64 `json:"cpuPercent" doc:"share of one core used over the period"`
	MemoryBytes int64   `json:"memoryBytes" doc:"resident memory"`
}

// MetricsCollector receives reports: builtin.Metrics, or the data plane's
// client of it (controlplane.Collector).
type MetricsCollector interface {
	// Report records one report; reports of unknown instances are accepted.
	Report(ctx context.Context, r *MetricsReport) error
}

// InstanceMetrics is one instance's share of a version's traffic.
type InstanceMetrics struct {
	Instance    string  `json:"instance"`
	Address     string  `json:"address"`
	Requests    int64   `json:"requests"`
	CPUPercent  float64 `json:"cpuPercent"`
	MemoryBytes int64   `json:"memoryBytes"`
}

// VersionMetrics is one version of a service over a window: the numbers the
// execution page shows for the blue (new) and green (old) environments.
type VersionMetrics struct {
	Version      string            `json:"version"`
	Requests     int64             `json:"requests"`
	RPS          float64           `json:"rps"`
	Traffic      float64           `json:"traffic" doc:"percentage of the service's requests served by this version"`
	SuccessRate  float64           `json:"successRate" doc:"percentage of requests without a server error; 100 when idle"`
	AvgLatencyMs float64           `json:"avgLatencyMs"`
	P99LatencyMs float64           `json:"p99LatencyMs" doc:"upper bound of the bucket holding the 99th percentile"`
	CPUPercent   float64           `json:"cpuPercent" doc:"average over the version's instances"`
	MemoryBytes  int64             `json:"memoryBytes" doc:"sum over the version's instances"`
	Instances    []InstanceMetrics `json:"instances"`
}

// ServiceMetrics is a service's traffic by version over a window.
type ServiceMetrics struct {
	Service  string           `json:"service"`
	Window   string           `json:"window"`
	From     time.Time        `json:"from"`
	To       time.Time        `json:"to"`
	Versions []VersionMetrics `json:"versions"`
}

// MetricsProvider answers per-version questions: builtin.Metrics (fed by
// data-plane reports) or Prometheus.
type MetricsProvider interface {
	// ServiceMetrics returns service's versions over the window ending now.
	ServiceMetrics(ctx context.Context, service string, window time.Duration) (*ServiceMetrics, error)
}
