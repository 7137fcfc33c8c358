package workflow

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// smallBlueGreen is the seed's drawing in small: deploy, shift 10% gradually,
// monitor, 异常? → rollback, else all traffic to the new version, take the
// old version offline, report.
func smallBlueGreen() *switchyard.Workflow {
	cfg := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	w10, w100 := 10, 100
	return &switchyard.Workflow{ID: "WF-001", Version: 1, ReleaseID: guideRelease, Steps: []switchyard.Step{
		{ID: "start", Name: "开始", Type: switchyard.StepStart},
		{ID: "deploy", Name: "部署到蓝环境", Type: switchyard.StepDeploy, Config: cfg(DeployConfig{Version: "1.1"})},
		{ID: "shift", Name: "流量切换10%", Type: switchyard.StepTrafficShift, Config: cfg(ShiftConfig{Weight: &w10, Increment: 5, Interval: "1s"})},
		{ID: "monitor", Name: "监控观察", Type: switchyard.StepMonitor, Config: cfg(MonitorConfig{Duration: "3s", Interval: "1s",
			Thresholds: MonitorThresholds{SuccessRate: &Threshold{Min: fptr(95)}}})},
		{ID: "check", Name: "异常?", Type: switchyard.StepDecision},
		{ID: "rollback", Name: "回滚", Type: switchyard.StepRollback},
		{ID: "full", Name: "流量切换100%", Type: switchyard.StepTrafficShift, Config: cfg(ShiftConfig{Weight: &w100, Mode: ShiftImmediate})},
		{ID: "offline", Name: "下线绿环境", Type: switchyard.StepOffline, Config: cfg(OfflineConfig{Settle: "1s"})},
		{ID: "report", Name: "发布报告", Type: switchyard.StepReport},
		{ID: "end", Name: "结束", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{
		{From: "start", To: "deploy"}, {From: "deploy", To: "shift"}, {From: "shift", To: "monitor"}, {From: "monitor", To: "check"},
		{From: "check", To: "rollback", When: "yes"}, {From: "check", To: "full", When: "no"}, {From: "full", To: "offline"},
		{From: "offline", To: "report"}, {From: "report", To: "end"},
	}}
}

// drive runs w through Decide with the real activities, the clock jumping
// to each wake, and returns the records.
func (e *actEnv) drive(w *switchyard.Workflow) []Record {
	e.t.Helper()
	e.use(w)
	acts := Activities()
	var recs []Record
	d, err := Decide(w, "EXE-001", e.st, Start{By: "alice"}, e.now)
	for range 200 {
		if err != nil {
			e.t.Fatal(err)
		}
		recs = append(recs, d.Records...)
		var next Event = Wake{}
		for _, c := range d.Commands {
			rs, ok := c.(RunStep)
			if !ok {
				continue
			}
			s := w.Step(rs.StepID)
			if rs.StepID == RollbackStep {
				s = &switchyard.Step{ID: RollbackStep, Name: "回滚", Type: switchyard.StepRollback}
			}
			tk := e.tick(s, rs.Progress)
			tk.Attempt, tk.Key = rs.Attempt, rs.Key
			o := acts[s.Type].Tick(e.t.Context(), tk)
			o.StepID, o.Attempt = rs.StepID, rs.Attempt
			next = o
		}
		if _, isWake := next.(Wake); isWake {
			if e.st.Status.Finished() {
				return recs
			}
			if e.st.WakeAt == nil {
				e.t.Fatalf("stuck at %s (%s)", e.st.Current, e.st.Status)
			}
			e.now = *e.st.WakeAt
		}
		d, err = Decide(w, "EXE-001", e.st, next, e.now)
	}
	e.t.Fatalf("the execution did not finish: at %s", e.st.Current)
	return nil
}

func recordLogs(recs []Record, lang string) []string {
	return actLogs(lang, Outcome{Records: recs})
}

// TestActivitiesRunABlueGreenToCompletion: the activities through the engine:
// deployed, shifted 5 → 10 with the seed's lines, observed, 1.0 offline,
// the release ended, reported.
func TestActivitiesRunABlueGreenToCompletion(t *testing.T) {
	e := newActEnv(t)
	healthy(e)
	recs := e.drive(smallBlueGreen())
	log := strings.Join(recordLogs(recs, "zh"), "\n")
	if e.st.Status != switchyard.ExecCompleted {
		t.Fatalf("status %s, reason %s\n%s", e.st.Status, Render(e.st.Reason, "zh"), log)
	}
	wantContains(t, "log", log, "开始流量切换至10%\n流量切换至5%\n流量切换至10%\n流量切换完成，开始监控观察", "第 3/3 次测量", "：正常",
		"异常?：未发现异常", "下线 "+guideA+" 1.0", "结束发布：配置版本", "发布报告：10 个步骤中", "执行完成")
	if r := e.release(); r.State != switchyard.StateEnded || e.st.Traffic != 100 {
		t.Fatalf("release %s, traffic %v", r.State, e.st.Traffic)
	}
	if e.deployer.starts != 0 || e.deployer.stops != 2 {
		t.Fatalf("the running 1.1 was not started again (starts %d); 1.0 stopped twice (%d)", e.deployer.starts, e.deployer.stops)
	}
}

// TestActivitiesRollABlueGreenBackOnAnomaly: errors in 1.1 during MONITOR take 异常?'s
// 是 branch: the release is rolled back, the log names the threshold and
// the measured value, 1.0 keeps running.
func TestActivitiesRollABlueGreenBackOnAnomaly(t *testing.T) {
	e := newActEnv(t)
	for _, s := range []string{guideA, guideB} {
		e.metrics.set(s, vmOf("1.0", 100, 100, 20), vmOf("1.1", 100, 80, 20))
	}
	recs := e.drive(smallBlueGreen())
	log := strings.Join(recordLogs(recs, "zh"), "\n")
	if e.st.Status != switchyard.ExecRolledBack || e.st.Traffic != 0 {
		t.Fatalf("status %s traffic %v\n%s", e.st.Status, e.st.Traffic, log)
	}
	wantContains(t, "log", log, "成功率 80.0% 低于阈值 95%（旧版本 100.0%，样本 200 个请求）", "异常?：监控观察发现异常", "回滚完成：发布状态 ROLLED_BACK")
	if r := e.release(); r.State != switchyard.StateRolledBack || e.deployer.stops != 0 {
		t.Fatalf("release %s, stops %d", r.State, e.deployer.stops)
	}
	wantContains(t, "reason", Render(e.st.Reason, "en"), "success rate 80.0% is below the threshold 95%")
}
