package workflow

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func fptr(v float64) *float64 { return &v }

// monitorStep adds a MONITOR of 3 measurements, 10 s apart.
func monitorStep(e *actEnv, cfg MonitorConfig) *switchyard.Step {
	if cfg.Duration == "" {
		cfg.Duration, cfg.Interval = "30s", "10s"
	}
	return e.step("monitor", switchyard.StepMonitor, cfg)
}

// healthy sets both services' metrics: 1.1 (blue) and 1.0 (green) alike.
func healthy(e *actEnv) {
	for _, s := range []string{guideA, guideB} {
		e.metrics.set(s, vmOf("1.0", 100, 100, 20), vmOf("1.1", 100, 99.5, 22))
	}
}

// TestMonitorMeasuresEveryIntervalAndPasses: the first measurement is one
// interval after the start (no read before), then every interval; each
// appends a metrics record and a log line; after the last the step is 正常.
func TestMonitorMeasuresEveryIntervalAndPasses(t *testing.T) {
	e := newActEnv(t)
	e.deployedNew()
	e.st.Traffic = 10
	healthy(e)
	s := monitorStep(e, MonitorConfig{Thresholds: MonitorThresholds{SuccessRate: &Threshold{Min: fptr(95)}}})
	first := monitor(t.Context(), e.tick(s, nil))
	if first.Status != switchyard.StepRunning || !first.Next.Equal(t0.Add(10*time.Second)) || e.metrics.calls != 0 {
		t.Fatalf("first tick: %s next %v, %d metric reads", first.Status, first.Next, e.metrics.calls)
	}
	e.now = first.Next
	outs := append([]Outcome{first}, e.runFrom(monitor, s, first.Progress, 5)...)
	last := outs[len(outs)-1]
	if last.Status != switchyard.StepCompleted || Render(last.Summary, "zh") != "正常" || e.now.Sub(t0) != 30*time.Second {
		t.Fatalf("last %s after %v", last.Status, e.now.Sub(t0))
	}
	if e.metrics.calls != 6 || e.metrics.windows[0] != 10*time.Second {
		t.Fatalf("%d reads, window %v", e.metrics.calls, e.metrics.windows[0])
	}
	samples := actRecords[switchyard.ExecutionMetrics]("metrics", outs...)
	if len(samples) != 3 {
		t.Fatalf("%d metrics records", len(samples))
	}
	b, g := samples[0].BlueEnv, samples[0].GreenEnv
	if b.Version != "1.1" || b.Traffic != 10 || b.Requests != 200 || b.SuccessRate != 99.5 || b.Errors != 2 || g.Version != "1.0" || g.Traffic != 90 || g.ResponseTime != 20 {
		t.Fatalf("blue %+v green %+v", b, g)
	}
	lines := actLogs("zh", outs...)
	if len(lines) != 3 || lines[0] != "第 1/3 次测量：新版本成功率 99.5%，平均响应时间 22.0ms，P99 44.0ms，200 个请求；旧版本成功率 100.0%，平均响应时间 20.0ms，200 个请求：正常" {
		t.Fatalf("log = %q", lines)
	}
	var res struct {
		Passed       int           `json:"passed"`
		Measurements []measurement `json:"measurements"`
	}
	_ = json.Unmarshal(last.Result, &res)
	if res.Passed != 3 || len(res.Measurements) != 3 || res.Measurements[2].Verdict != verdictPassed {
		t.Fatalf("result = %s", last.Result)
	}
}

// runFrom ticks on from progress (see run).
func (e *actEnv) runFrom(act ActivityFunc, s *switchyard.Step, progress json.RawMessage, limit int) []Outcome {
	e.t.Helper()
	var out []Outcome
	for range limit {
		o := act(e.t.Context(), e.tick(s, progress))
		out = append(out, o)
		if o.Status != switchyard.StepRunning {
			return out
		}
		progress, e.now = o.Progress, o.Next
	}
	e.t.Fatalf("still running after %d ticks", limit)
	return nil
}

// TestMonitorBreachFailsWithEvidence: the success rate of the new version
// aggregated over both services (132 requests at 80%) is below 95%: the
// step fails with an anomaly at once, its reason names the metric, the
// threshold and the values for blue and green, and an alert is recorded.
func TestMonitorBreachFailsWithEvidence(t *testing.T) {
	e := newActEnv(t)
	e.deployedNew()
	e.metrics.set(guideA, vmOf("1.0", 50, 100, 20), vmOf("1.1", 100, 80, 20))
	e.metrics.set(guideB, vmOf("1.0", 50, 100, 20), vmOf("1.1", 32, 80, 20))
	s := monitorStep(e, MonitorConfig{Thresholds: MonitorThresholds{SuccessRate: &Threshold{Min: fptr(95)}}})
	outs := e.run(monitor, s, 5)
	last := outs[len(outs)-1]
	if len(outs) != 2 || last.Status != switchyard.StepFailed || !last.Anomaly || last.Inconclusive {
		t.Fatalf("%d ticks, last %s anomaly %v", len(outs), last.Status, last.Anomaly)
	}
	if got := actReason(last, "zh"); got != "成功率 80.0% 低于阈值 95%（旧版本 100.0%，样本 132 个请求）" {
		t.Fatalf("reason = %q", got)
	}
	if got := actReason(last, "en"); got != "success rate 80.0% is below the threshold 95% (old version 100.0%, 132 requests sampled)" {
		t.Fatalf("reason = %q", got)
	}
	alerts := actRecords[switchyard.Alert]("alert", outs...)
	if len(alerts) != 1 || alerts[0].Metric != "successRate" || alerts[0].Threshold != ">= 95%" || alerts[0].Value != 80 || alerts[0].StepID != "monitor" {
		t.Fatalf("alerts = %+v", alerts)
	}
	wantContains(t, "log", actLogs("zh", outs...)[0], "：异常：成功率 80.0%")
}

// TestMonitorThresholds: each kind of bound, absolute and relative.
func TestMonitorThresholds(t *testing.T) {
	blue := &switchyard.EnvMetrics{SuccessRate: 98, ResponseTime: 90, P99: 250, Requests: 500, Errors: 10, CPU: 70, Memory: 300 * mib}
	green := &switchyard.EnvMetrics{SuccessRate: 99.9, ResponseTime: 50, P99: 100, Requests: 500, Errors: 1, CPU: 40, Memory: 200 * mib}
	for _, tc := range []struct {
		name   string
		th     MonitorThresholds
		noBase bool
		want   string // the first breach, English
	}{
		{"all within", MonitorThresholds{SuccessRate: &Threshold{Min: fptr(95), MaxDelta: fptr(5)}, AvgLatency: &Threshold{Max: fptr(100)}, Memory: &Threshold{Max: fptr(512)}}, false, ""},
		{"success rate below the old one", MonitorThresholds{SuccessRate: &Threshold{MaxDelta: fptr(1)}}, false,
			"success rate 98.0% is more than 1 points below the old version's 99.9% (500 requests sampled)"},
		{"average latency ratio", MonitorThresholds{AvgLatency: &Threshold{MaxRatio: fptr(1.5)}}, false,
			"average response time 90.0 ms is more than 1.5 times the old version's 50.0 ms (500 requests sampled)"},
		{"p99 above", MonitorThresholds{P99Latency: &Threshold{MaxDelta: fptr(100)}}, false,
			"p99 response time 250.0 ms is more than 100 ms above the old version's 100.0 ms (500 requests sampled)"},
		{"errors", MonitorThresholds{Errors: &Threshold{Max: fptr(5)}}, false, "errors 10 is above the threshold 5 (old version 1, 500 requests sampled)"},
		{"cpu", MonitorThresholds{CPU: &Threshold{Max: fptr(60)}}, false, "CPU 70.0% is above the threshold 60% (old version 40.0%, 500 requests sampled)"},
		{"memory in MiB", MonitorThresholds{Memory: &Threshold{Max: fptr(256)}}, false, "memory 300.0 MiB is above the threshold 256 MiB (old version 200.0 MiB, 500 requests sampled)"},
		{"relative needs a baseline", MonitorThresholds{SuccessRate: &Threshold{MaxDelta: fptr(1)}}, true, ""},
		{"absolute without a baseline", MonitorThresholds{SuccessRate: &Threshold{Min: fptr(99)}}, true,
			"success rate 98.0% is below the threshold 99% (old version no data, 500 requests sampled)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := *green
			if tc.noBase {
				g = switchyard.EnvMetrics{SuccessRate: 100}
			}
			got := breaches(tc.th, blue, &g, !tc.noBase)
			first := ""
			if len(got) > 0 {
				first = Render(got[0].Message, "en")
			}
			if first != tc.want {
				t.Fatalf("first breach = %q\nwant            %q", first, tc.want)
			}
		})
	}
}

// TestMonitorAggregatesOverServices: requests summed, rates and averages
// weighted by requests, p99 the highest, CPU and memory summed over
// instances.
func TestMonitorAggregatesOverServices(t *testing.T) {
	var s envSum
	a := vmOf("1.1", 300, 100, 10)
	a.Instances = []switchyard.InstanceMetrics{{CPUPercent: 20}, {CPUPercent: 30}}
	a.CPUPercent, a.MemoryBytes = 25, 100*mib
	b := vmOf("1.1", 100, 90, 50)
	b.CPUPercent, b.MemoryBytes = 15, 50*mib
	s.add(a)
	s.add(b)
	got := s.env(40)
	if got.Requests != 400 || got.SuccessRate != 97.5 || got.ResponseTime != 20 || got.P99 != 100 || got.CPU != 65 || got.Memory != 150*mib || got.Errors != 10 || got.Traffic != 40 {
		t.Fatalf("aggregate = %+v", got)
	}
}

// TestMonitorTooLittleDataIsInconclusive: fewer requests of the new version
// than MinRequests is never a pass.
func TestMonitorTooLittleDataIsInconclusive(t *testing.T) {
	e := newActEnv(t)
	e.deployedNew()
	e.metrics.set(guideA, vmOf("1.0", 100, 100, 20), vmOf("1.1", 3, 0, 20))
	s := monitorStep(e, MonitorConfig{Thresholds: MonitorThresholds{SuccessRate: &Threshold{Min: fptr(95)}}})
	outs := e.run(monitor, s, 5)
	last := outs[len(outs)-1]
	if last.Status != switchyard.StepFailed || !last.Inconclusive || last.Anomaly {
		t.Fatalf("last %s inconclusive %v anomaly %v", last.Status, last.Inconclusive, last.Anomaly)
	}
	wantContains(t, "reason", actReason(last, "zh"), "1 次测量无法判断，超过上限 0", "新版本仅 3 个请求，至少需要 10 个")
	if len(actRecords[switchyard.Alert]("alert", outs...)) != 0 {
		t.Fatal("an inconclusive measurement raised alerts")
	}
}

// TestMonitorLimits: failure and inconclusive limits, consecutive read
// errors, and a run whose reads all failed (no data is never a pass).
func TestMonitorLimits(t *testing.T) {
	t.Run("failure limit 1: the second failure fails", func(t *testing.T) {
		e := newActEnv(t)
		e.deployedNew()
		e.metrics.set(guideA, vmOf("1.0", 100, 100, 20), vmOf("1.1", 100, 50, 20))
		outs := e.run(monitor, monitorStep(e, MonitorConfig{FailureLimit: 1, Thresholds: MonitorThresholds{SuccessRate: &Threshold{Min: fptr(95)}}}), 5)
		last := outs[len(outs)-1]
		if len(outs) != 3 || !last.Anomaly {
			t.Fatalf("%d ticks, anomaly %v", len(outs), last.Anomaly)
		}
		wantContains(t, "reason", actReason(last, "en"), "2 measurements failed, more than the limit 1; the last: success rate 50.0%")
	})
	t.Run("errors within the limit then data", func(t *testing.T) {
		e := newActEnv(t)
		e.deployedNew()
		healthy(e)
		e.metrics.errs = []error{errDown, errDown} // the first two measurements cannot read
		outs := e.run(monitor, monitorStep(e, MonitorConfig{}), 5)
		last := outs[len(outs)-1]
		if last.Status != switchyard.StepCompleted {
			t.Fatalf("last %s: %s", last.Status, actReason(last, "en"))
		}
		wantContains(t, "log", actLogs("zh", outs...)[0], "第 1/3 次测量：无法读取监控指标", "connection refused")
	})
	t.Run("consecutive errors past the limit", func(t *testing.T) {
		e := newActEnv(t)
		e.deployedNew()
		healthy(e)
		e.metrics.errs = []error{errDown, errDown, errDown}
		outs := e.run(monitor, monitorStep(e, MonitorConfig{Duration: "1m", Interval: "10s", ConsecutiveErrorLimit: ptr(2)}), 10)
		last := outs[len(outs)-1]
		if len(outs) != 4 || last.Status != switchyard.StepFailed || last.Anomaly || last.Inconclusive {
			t.Fatalf("%d ticks, %s", len(outs), last.Status)
		}
		wantContains(t, "reason", actReason(last, "zh"), "连续 3 次无法读取监控指标，超过上限 2")
	})
	t.Run("every read failed: inconclusive, not a pass", func(t *testing.T) {
		e := newActEnv(t)
		e.deployedNew()
		e.metrics.errs = []error{errDown, errDown, errDown}
		outs := e.run(monitor, monitorStep(e, MonitorConfig{}), 10)
		last := outs[len(outs)-1]
		if last.Status != switchyard.StepFailed || !last.Inconclusive {
			t.Fatalf("last %s inconclusive %v", last.Status, last.Inconclusive)
		}
		wantContains(t, "reason", actReason(last, "zh"), "3 次测量均没有足够数据")
	})
}

// TestMonitorRepeatedTickMeasuresOnce: a tick repeated with the same
// progress takes measurement n again (the same number, the same verdict:
// only one is kept by the engine), and a tick before the measurement is
// due (a resume) reads nothing.
func TestMonitorRepeatedTickMeasuresOnce(t *testing.T) {
	e := newActEnv(t)
	e.deployedNew()
	healthy(e)
	s := monitorStep(e, MonitorConfig{})
	first := monitor(t.Context(), e.tick(s, nil))
	e.now = e.now.Add(3 * time.Second)
	early := monitor(t.Context(), e.tick(s, first.Progress))
	if e.metrics.calls != 0 || !early.Next.Equal(first.Next) || string(early.Progress) != string(first.Progress) {
		t.Fatalf("an early tick read %d times, next %v", e.metrics.calls, early.Next)
	}
	e.now = first.Next
	o1 := monitor(t.Context(), e.tick(s, first.Progress))
	o2 := monitor(t.Context(), e.tick(s, first.Progress))
	p1, p2 := ProgressOf[monitorProgress](&Tick{Progress: o1.Progress}), ProgressOf[monitorProgress](&Tick{Progress: o2.Progress})
	if p1.Taken != 1 || p2.Taken != 1 || p1.Passed != 1 || p2.Passed != 1 || !strings.HasPrefix(actLogs("en", o2)[0], "Measurement 1/3") {
		t.Fatalf("repeated measurement: %+v / %+v", p1, p2)
	}
}
