package workflow

import (
	"encoding/json"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Duration is a Go duration written as a string ("5m", "30s") in a step's
// config.
type Duration string

// D parses d; "" or an invalid value is def (validation reports invalid
// values before anything runs).
func (d Duration) D(def time.Duration) time.Duration {
	if d == "" {
		return def
	}
	v, err := time.ParseDuration(string(d))
	if err != nil || v < 0 {
		return def
	}
	return v
}

// The step configs. Every field is optional unless marked; defaults are
// in docs/workflows.md and in the functions reading them.

// DeployConfig is a DEPLOY step's: bring Instances copies of each service
// at Version up (部署到蓝环境).
type DeployConfig struct {
	// Services default to the release's services.
	Services []string `json:"services,omitempty"`
	// Version is the new version (required).
	Version   string `json:"version"`
	Instances int    `json:"instances,omitempty" doc:"per service, default 1"`
	// Deployer names the deployer (default "process").
	Deployer string `json:"deployer,omitempty"`
}

// HealthCheckConfig is a HEALTH_CHECK step's: wait until the new version's
// instances are registered and their health endpoints answer.
type HealthCheckConfig struct {
	Services  []string `json:"services,omitempty" doc:"default: the services the last DEPLOY deployed, else the release's"`
	Version   string   `json:"version,omitempty" doc:"default: the version the last DEPLOY brought up"`
	Instances int      `json:"instances,omitempty" doc:"per service, default 1"`
	Path      string   `json:"path,omitempty" doc:"health endpoint, default /healthz"`
	Interval  Duration `json:"interval,omitempty" doc:"between probes, default 1s"`
	// Settle is how long every instance must have been healthy (default 2s).
	Settle Duration `json:"settle,omitempty"`
}

// TestConfig is a TEST step's: an inspection along the chain through the
// gateway (every hop on the expected version) and/or a command.
type TestConfig struct {
	// Gateway is the entry's base URL (default: the release's entry
	// gateway, found in the registry).
	Gateway  string            `json:"gateway,omitempty"`
	Path     string            `json:"path,omitempty" doc:"the request path through the gateway"`
	Requests int               `json:"requests,omitempty" doc:"default 20"`
	Headers  map[string]string `json:"headers,omitempty" doc:"sent with every request"`
	// Expect is the version every hop must be on: "new" (default, the test
	// routes to the new versions with a version header), "old", or "none"
	// (skip the inspection).
	Expect string `json:"expect,omitempty" enum:",new,old,none"`
	// Command, when set, runs too; exit status 0 passes.
	Command []string `json:"command,omitempty"`
	Timeout Duration `json:"commandTimeout,omitempty" doc:"default 60s"`
}

// ShiftMode is how a TRAFFIC_SHIFT moves the weight (切换方式).
type ShiftMode string

// The shift modes.
const (
	ShiftGradual   ShiftMode = "GRADUAL"   // 渐进式: Increment every Interval
	ShiftImmediate ShiftMode = "IMMEDIATE" // 立即
)

// ShiftConfig is a TRAFFIC_SHIFT step's (切换比例, 切换方式).
type ShiftConfig struct {
	// Weight is the new version's target share, 0..100 (required).
	Weight    *int      `json:"weight"`
	Mode      ShiftMode `json:"mode,omitempty" enum:",GRADUAL,IMMEDIATE" doc:"default GRADUAL"`
	Increment int       `json:"increment,omitempty" doc:"percentage points per move, default 5"`
	Interval  Duration  `json:"interval,omitempty" doc:"between moves, default 5s"`
}

// Threshold bounds one metric of the new version: absolutely (Min/Max) and
// relative to the old version (MaxDelta points below for rates, MaxRatio
// times for latencies).
type Threshold struct {
	Min      *float64 `json:"min,omitempty"`
	Max      *float64 `json:"max,omitempty"`
	MaxDelta *float64 `json:"maxDelta,omitempty" doc:"success rate: at most this many points below the old version's"`
	MaxRatio *float64 `json:"maxRatio,omitempty" doc:"latency: at most this many times the old version's"`
	// Floor: the relative checks (MaxDelta, MaxRatio) apply only when the
	// new version's value is above it — 1.5× a sub-millisecond latency is
	// noise, not an anomaly.
	Floor *float64 `json:"floor,omitempty" doc:"in the metric's unit"`
}

// MonitorThresholds are what a MONITOR checks the new version against.
type MonitorThresholds struct {
	SuccessRate *Threshold `json:"successRate,omitempty" doc:"percent"`
	AvgLatency  *Threshold `json:"avgLatency,omitempty" doc:"ms"`
	P99Latency  *Threshold `json:"p99Latency,omitempty" doc:"ms"`
	Errors      *Threshold `json:"errors,omitempty" doc:"failed requests per measurement"`
	CPU         *Threshold `json:"cpu,omitempty" doc:"percent of one core"`
	Memory      *Threshold `json:"memory,omitempty" doc:"MiB"`
}

// MonitorConfig is a MONITOR step's (监控观察): measure every Interval for
// Duration, with Argo Rollouts' limits.
type MonitorConfig struct {
	Duration   Duration          `json:"duration,omitempty" doc:"default 5m"`
	Interval   Duration          `json:"interval,omitempty" doc:"default 30s (at most the duration)"`
	Thresholds MonitorThresholds `json:"thresholds"`
	// MinRequests is the fewest requests of the new version a measurement
	// needs; fewer is inconclusive, never a pass (default 10).
	MinRequests int `json:"minRequests,omitempty"`
	// FailureLimit: the step fails when more measurements than this
	// failed (default 0: the first failed measurement fails it).
	FailureLimit int `json:"failureLimit,omitempty"`
	// InconclusiveLimit: more inconclusive measurements than this make the
	// step inconclusive, which pauses for a person (default 0).
	InconclusiveLimit int `json:"inconclusiveLimit,omitempty"`
	// ConsecutiveErrorLimit: more measurements in a row whose metrics could
	// not be read fail the step (default 4).
	ConsecutiveErrorLimit *int `json:"consecutiveErrorLimit,omitempty"`
}

// DecisionConfig is a DECISION step's (异常?): the analysis it reads
// (default: the last MONITOR or TEST that ended).
type DecisionConfig struct {
	Step string `json:"step,omitempty"`
}

// OfflineConfig is an OFFLINE step's (下线绿环境): the old version's
// instances stopped, their deregistration waited for, then 结束发布.
type OfflineConfig struct {
	Services []string `json:"services,omitempty" doc:"default: the release's services"`
	Version  string   `json:"version,omitempty" doc:"default: every online version but the new one (the last DEPLOY's); never the new one"`
	Deployer string   `json:"deployer,omitempty" doc:"default process"`
	Settle   Duration `json:"settle,omitempty" doc:"wait after deregistration, default 2s"`
	// KeepRelease leaves the release as it is (default: 结束发布 ends it).
	KeepRelease bool `json:"keepRelease,omitempty"`
}

// ApprovalConfig is an APPROVAL step's: who may approve (default: the
// release's group members and admins).
type ApprovalConfig struct {
	Approvers []string `json:"approvers,omitempty" doc:"user names; empty: anyone who may operate the release"`
	Message   string   `json:"message,omitempty"`
}

// NotifyConfig is a NOTIFY step's.
type NotifyConfig struct {
	Message string `json:"message,omitempty"`
}

// WaitConfig is a WAIT step's.
type WaitConfig struct {
	Duration Duration `json:"duration"`
}

// configOf decodes s's config into a value of type T (zero on error:
// validation reports it before anything runs).
func configOf[T any](s *switchyard.Step) T {
	var c T
	if len(s.Config) > 0 {
		_ = json.Unmarshal(s.Config, &c)
	}
	return c
}

func decisionConfig(s *switchyard.Step) DecisionConfig { return configOf[DecisionConfig](s) }
