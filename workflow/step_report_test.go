package workflow

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// TestReportSummarisesTheExecution: every step with status, times,
// duration and summary; the traffic; the last metrics of the last
// MONITOR; a log line and a report notification under the tick's key.
func TestReportSummarisesTheExecution(t *testing.T) {
	e := newActEnv(t)
	e.deployedNew()
	e.step("monitor", switchyard.StepMonitor, MonitorConfig{})
	blue := &switchyard.EnvMetrics{Version: "1.1", Traffic: 50, SuccessRate: 99.8, ResponseTime: 85, Requests: 400}
	green := &switchyard.EnvMetrics{Version: "1.0", Traffic: 50, SuccessRate: 99.9, ResponseTime: 90, Requests: 400}
	e.completed("monitor", monitorProgress{Taken: 2, Recent: []measurement{
		{N: 1, Verdict: verdictPassed, Blue: &switchyard.EnvMetrics{Version: "1.1"}, Green: &switchyard.EnvMetrics{Version: "1.0"}},
		{N: 2, Verdict: verdictPassed, Blue: blue, Green: green, At: e.now},
	}}.result())
	e.st.Steps["monitor"].Started = at(e.now.Add(-5 * time.Minute))
	e.st.Steps["monitor"].Summary = Msg("summary.normal")
	e.step("offline", switchyard.StepOffline, OfflineConfig{})
	s := e.step("report", switchyard.StepReport, nil)
	e.st.Traffic = 100
	e.now = t0.Add(25 * time.Minute)
	o := report(t.Context(), e.tick(s, nil))
	var r releaseReport
	if err := json.Unmarshal(o.Result, &r); err != nil || o.Status != switchyard.StepCompleted {
		t.Fatalf("%s: %v", o.Status, err)
	}
	if len(r.Steps) != 4 || r.Completed != 2 || r.Pending != 1 || r.Traffic != 100 || r.Seconds != 1500 || r.Release != guideRelease {
		t.Fatalf("report = %+v", r)
	}
	if m := r.Steps[1]; m.StepID != "monitor" || m.Seconds != 300 || m.Summary.Key != "summary.normal" {
		t.Fatalf("monitor line = %+v", m)
	}
	if r.Metrics == nil || r.Metrics.BlueEnv.SuccessRate != 99.8 || r.Metrics.GreenEnv.ResponseTime != 90 {
		t.Fatalf("metrics = %+v", r.Metrics)
	}
	if got := actLogs("zh", o)[0]; got != "发布报告：4 个步骤中 2 个完成，0 个失败；新版本流量 100%" {
		t.Fatalf("log = %s", got)
	}
	if len(o.Notify) != 1 || o.Notify[0].Event != "report" || o.Notify[0].Key != "EXE-001/report/1/report" {
		t.Fatalf("notify = %+v", o.Notify)
	}
}

func TestNotifyStep(t *testing.T) {
	e := newActEnv(t)
	e.st.Traffic = 10
	o := notifyStep(t.Context(), e.tick(e.step("tell", switchyard.StepNotify, nil), nil))
	if o.Status != switchyard.StepCompleted || len(o.Notify) != 1 || o.Notify[0].Event != "notify" || o.Notify[0].Key != "EXE-001/tell/1/notify" {
		t.Fatalf("%s %+v", o.Status, o.Notify)
	}
	if got := Render(o.Notify[0].Message, "zh"); got != "发布 "+guideRelease+"（执行 EXE-001）已到达步骤tell，新版本流量 10%" {
		t.Fatalf("message = %s", got)
	}
	o = notifyStep(t.Context(), e.tick(e.step("tell2", switchyard.StepNotify, NotifyConfig{Message: "请关注 V1.1"}), nil))
	if Render(o.Notify[0].Message, "en") != "请关注 V1.1" || actLogs("zh", o)[0] != "发送通知：请关注 V1.1" {
		t.Fatalf("configured message: %+v %q", o.Notify[0].Message, actLogs("zh", o))
	}
}
