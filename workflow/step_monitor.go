package workflow

import (
	"context"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The verdicts of one measurement.
const (
	verdictPassed       = "passed"
	verdictFailed       = "failed"
	verdictInconclusive = "inconclusive"
	verdictError        = "error"
)

// keptMeasurements is how many measurements a MONITOR keeps in its
// progress and result (Argo Rollouts keeps 10); every one is also in the
// execution's log as a metrics record.
const keptMeasurements = 10

// monitorProgress is a MONITOR between ticks.
type monitorProgress struct {
	Started time.Time `json:"started"`
	// Next is when the next measurement is due.
	Next         time.Time `json:"next"`
	Count        int       `json:"count"`
	Taken        int       `json:"taken"`
	Passed       int       `json:"passed"`
	Failed       int       `json:"failed"`
	Inconclusive int       `json:"inconclusive"`
	Errors       int       `json:"errors"`
	// Consecutive counts the errors since the last measurement that read.
	Consecutive int           `json:"consecutiveErrors"`
	Recent      []measurement `json:"measurements"`
}

// measurement is one look at blue against green.
type measurement struct {
	N        int                    `json:"n"`
	At       time.Time              `json:"at"`
	Verdict  string                 `json:"verdict" enum:"passed,failed,inconclusive,error"`
	Blue     *switchyard.EnvMetrics `json:"blue,omitempty"`
	Green    *switchyard.EnvMetrics `json:"green,omitempty"`
	Breaches []breach               `json:"breaches,omitempty"`
	Error    string                 `json:"error,omitempty"`
}

// breach is one threshold a measurement broke.
type breach struct {
	Metric    string              `json:"metric"`
	Threshold string              `json:"threshold"`
	Value     float64             `json:"value"`
	Baseline  *float64            `json:"baseline,omitempty"`
	Message   *switchyard.Message `json:"message"`
}

// monitorSettings are a MONITOR's config with the defaults applied.
type monitorSettings struct {
	cfg                    MonitorConfig
	interval               time.Duration
	count, minRequests     int
	failureLimit, incLimit int
	errorLimit             int
}

func monitorSettingsOf(cfg MonitorConfig) monitorSettings {
	duration := cfg.Duration.D(5 * time.Minute)
	interval := min(cfg.Interval.D(30*time.Second), duration)
	if interval < time.Second {
		interval = time.Second
	}
	s := monitorSettings{cfg: cfg, interval: interval, count: max(int(duration/interval), 1), minRequests: cfg.MinRequests,
		failureLimit: cfg.FailureLimit, incLimit: cfg.InconclusiveLimit, errorLimit: 4}
	if s.minRequests <= 0 {
		s.minRequests = 10
	}
	if cfg.ConsecutiveErrorLimit != nil {
		s.errorLimit = *cfg.ConsecutiveErrorLimit
	}
	return s
}

// monitor is MONITOR (监控观察): every Interval for Duration it reads the
// metrics port for the release's services, new version (blue) against old
// (green), and judges each measurement against the thresholds with Argo
// Rollouts' semantics: a measurement fails when any threshold is breached;
// fewer than MinRequests requests of the new version is inconclusive (no
// data is never a pass); a read error counts toward ConsecutiveErrorLimit.
// The step fails with an anomaly as soon as more than FailureLimit
// measurements failed, is inconclusive (the engine pauses for a person) as
// soon as more than InconclusiveLimit were, fails when more than
// ConsecutiveErrorLimit reads in a row failed, and is 正常 after the last
// measurement otherwise — unless none of them passed, which is
// inconclusive too. A negative limit disables it. The first measurement is
// one interval after the start: data must accrue.
//
// Idempotency: it only reads. A measurement is numbered from the progress
// saved before the tick, so a tick repeated after a crash takes the same
// measurement again (and only its records are kept); a tick arriving
// before the next measurement is due (a resume) takes none.
func monitor(ctx context.Context, t *Tick) Outcome {
	s := monitorSettingsOf(ConfigOf[MonitorConfig](t))
	if t.Env.Metrics == nil {
		return t.Fail(Msg("monitor.no_metrics"), nil)
	}
	p := ProgressOf[monitorProgress](t)
	if p.Started.IsZero() {
		p = monitorProgress{Started: t.Now, Next: t.Now.Add(s.interval), Count: s.count, Recent: []measurement{}}
		return t.Again(p.Next, "timer", p)
	}
	if t.Now.Before(p.Next) {
		return t.Again(p.Next, "timer", p)
	}
	m := measure(ctx, t, s, p.Taken+1)
	p.Taken++
	p.Recent = append(p.Recent, m)
	if len(p.Recent) > keptMeasurements {
		p.Recent = p.Recent[len(p.Recent)-keptMeasurements:]
	}
	var recs []Record
	switch m.Verdict {
	case verdictError:
		p.Errors++
		p.Consecutive++
		recs = append(recs, logRec(t.Step.ID, "warn", Msg("monitor.measure.error", "n", strconv.Itoa(m.N), "count", strconv.Itoa(p.Count), "detail", m.Error)))
	default:
		p.Consecutive = 0
		switch m.Verdict {
		case verdictPassed:
			p.Passed++
		case verdictFailed:
			p.Failed++
		case verdictInconclusive:
			p.Inconclusive++
		}
		recs = append(recs, measurementRecords(t, s, p.Count, m)...)
	}
	return withRecords(judge(t, s, p, m), recs)
}

// judge decides the step after measurement m.
func judge(t *Tick, s monitorSettings, p monitorProgress, m measurement) Outcome {
	res := p.result()
	switch {
	case s.errorLimit >= 0 && p.Consecutive > s.errorLimit:
		return t.Fail(Msg("monitor.errors", "errors", strconv.Itoa(p.Consecutive), "limit", strconv.Itoa(s.errorLimit), "detail", m.Error), res)
	case s.failureLimit >= 0 && p.Failed > s.failureLimit && m.Verdict == verdictFailed:
		reason := m.Breaches[0].Message
		if p.Failed > 1 {
			reason = Nest("monitor.failed", "breach", reason, "failed", strconv.Itoa(p.Failed), "limit", strconv.Itoa(s.failureLimit))
		}
		o := t.Fail(reason, res)
		o.Anomaly = true
		return o
	case s.incLimit >= 0 && p.Inconclusive > s.incLimit && m.Verdict == verdictInconclusive:
		o := t.Fail(Nest("monitor.inconclusive", "detail", inconclusiveMsg(m, s), "inconclusive", strconv.Itoa(p.Inconclusive),
			"limit", strconv.Itoa(s.incLimit)), res)
		o.Inconclusive = true
		return o
	case p.Taken >= p.Count && p.Passed == 0:
		o := t.Fail(Msg("monitor.nodata", "count", strconv.Itoa(p.Taken)), res)
		o.Inconclusive = true
		return o
	case p.Taken >= p.Count:
		return t.Done(Msg("summary.normal"), res)
	}
	p.Next = t.Now.Add(s.interval)
	return t.Again(p.Next, "timer", p)
}

// result is what a finished MONITOR reports: the counts and the last
// measurements, each with its verdict and breaches.
func (p monitorProgress) result() map[string]any {
	return map[string]any{"count": p.Count, "taken": p.Taken, "passed": p.Passed, "failed": p.Failed,
		"inconclusive": p.Inconclusive, "errors": p.Errors, "measurements": p.Recent}
}

// measurementRecords are a measurement's metrics sample, its alerts and its
// log line.
func measurementRecords(t *Tick, s monitorSettings, count int, m measurement) []Record {
	recs := []Record{{Kind: "metrics", Data: switchyard.ExecutionMetrics{BlueEnv: *m.Blue, GreenEnv: *m.Green, At: m.At}}}
	for _, b := range m.Breaches {
		recs = append(recs, Record{Kind: "alert", Data: switchyard.Alert{Time: m.At, StepID: t.Step.ID, Metric: b.Metric, Threshold: b.Threshold, Value: b.Value, Message: b.Message}})
	}
	verdict, level := Msg("summary.normal"), "info"
	switch m.Verdict {
	case verdictFailed:
		verdict, level = Nest("summary.anomaly", "detail", m.Breaches[0].Message), "warn"
	case verdictInconclusive:
		verdict, level = inconclusiveMsg(m, s), "warn"
	}
	b, g := m.Blue, m.Green
	line := Nest("monitor.measured", "verdict", verdict, "n", strconv.Itoa(m.N), "count", strconv.Itoa(count),
		"blueRate", fmt1(b.SuccessRate), "blueAvg", fmt1(b.ResponseTime), "blueP99", fmt1(b.P99), "blueRequests", strconv.FormatInt(b.Requests, 10),
		"greenRate", fmt1(g.SuccessRate), "greenAvg", fmt1(g.ResponseTime), "greenRequests", strconv.FormatInt(g.Requests, 10))
	return append(recs, logRec(t.Step.ID, level, line))
}

func inconclusiveMsg(m measurement, s monitorSettings) *switchyard.Message {
	var n int64
	if m.Blue != nil {
		n = m.Blue.Requests
	}
	return Msg("monitor.verdict.inconclusive", "requests", strconv.FormatInt(n, 10), "min", strconv.Itoa(s.minRequests))
}

func fmt1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
