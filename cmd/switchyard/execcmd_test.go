package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func at(hms string) *time.Time {
	t, err := time.Parse(time.DateTime, "2026-11-23 "+hms)
	if err != nil {
		panic(err)
	}
	return &t
}

func msg(text string) *switchyard.Message { return &switchyard.Message{Key: "k", Text: text} }

// seedExecution is the seed's execution page: shifting to 50%, blue and
// green side by side, an alert and the log.
func seedExecution() *switchyard.Execution {
	return &switchyard.Execution{ID: "EXE-001", WorkflowID: "WF-001", WorkflowVersion: 2, ReleaseID: "V2.1.0", StartTime: *at("10:00:00"),
		CurrentStep: "流量切换50%", CurrentStepID: "S7", Status: switchyard.ExecRunning, StartedBy: "alice", Elapsed: 750, EstimatedRemaining: 2400,
		Traffic: &switchyard.Shift{StepID: "S7", From: 10, To: 50, Current: 35},
		Allowed: []string{"pause", "abort", "rollback", "skip"},
		Steps: []switchyard.StepRun{
			{StepID: "S1", Name: "开始", Status: switchyard.StepCompleted, StartTime: at("10:00:00"), EndTime: at("10:00:00")},
			{StepID: "S2", Name: "发布前检查", Status: switchyard.StepCompleted, StartTime: at("10:00:00"), EndTime: at("10:00:02"), Summary: msg("通过")},
			{StepID: "S3", Name: "部署到蓝环境", Status: switchyard.StepCompleted, StartTime: at("10:00:02"), EndTime: at("10:01:10"), Summary: msg("成功")},
			{StepID: "S4", Name: "健康检查", Status: switchyard.StepFailed, StartTime: at("10:01:10"), EndTime: at("10:02:00"), Summary: msg("失败：超时"), Attempt: 2},
			{StepID: "S5", Name: "自动化测试", Status: switchyard.StepSkipped},
			{StepID: "S7", Name: "流量切换50%", Status: switchyard.StepRunning, StartTime: at("10:10:00")},
			{StepID: "S8", Name: "监控观察10分钟", Status: switchyard.StepPending},
			{StepID: "S9", Name: "人工审批", Status: switchyard.StepRunning, StartTime: at("10:11:00"), Waiting: "approval"},
		},
		Metrics: switchyard.ExecutionMetrics{At: *at("10:12:00"),
			BlueEnv:  switchyard.EnvMetrics{Version: "1.1", Traffic: 35, SuccessRate: 99.5, ResponseTime: 120, P99: 300, Requests: 700, Errors: 4, CPU: 12.5, Memory: 64 << 20},
			GreenEnv: switchyard.EnvMetrics{Version: "1.0", Traffic: 65, SuccessRate: 99.9, ResponseTime: 100, P99: 250, Requests: 1300, Errors: 1, CPU: 20, Memory: 128 << 20}},
		Alerts: []switchyard.Alert{{Time: *at("10:11:30"), StepID: "S8", Metric: "successRate", Message: msg("成功率 93% 低于阈值 95%")}},
		Logs: []switchyard.LogLine{
			{Time: *at("10:10:00"), Message: "开始流量切换至50%"},
			{Time: *at("10:10:05"), Message: "流量切换至40%"},
			{Time: *at("10:10:10"), Message: "evil \x1b[2Jline"},
		},
	}
}

// TestExecutionPage: exec get's page — the overview (开始时间, 当前步骤,
// 已耗时, 预计剩余, status), each step's mark, times and summary, the
// blue/green metrics, the alerts and the last log lines; columns aligned
// by display width; the server's text cannot act on the terminal.
func TestExecutionPage(t *testing.T) {
	page := execPage{zh: true, loc: time.UTC, logs: 2}.render(seedExecution())
	t.Log("\n" + page)
	for _, want := range []string{
		"执行 EXE-001 · 流程 WF-001 v2 · 发布 V2.1.0 · 启动人 alice\n",
		"状态        RUNNING\n",
		"开始时间    2026-11-23 10:00:00\n",
		"当前步骤    流量切换50%\n",
		"已耗时      12m30s\n",
		"预计剩余    40m0s\n",
		"当前流量    35% → 50%\n",
		"可执行操作  pause, abort, rollback, skip\n",
		"\n执行步骤\n",
		"✅ 开始            10:00:00 → 10:00:00  0s\n",
		"✅ 发布前检查      10:00:00 → 10:00:02  2s     通过\n",
		"❌ 健康检查        10:01:10 → 10:02:00  50s    失败：超时 (第 2 次)\n",
		"⏭️ 自动化测试\n",
		"🔵 流量切换50%     10:10:00 →           2m30s  进行中\n",
		"⚪ 监控观察10分钟\n",
		"🔵 人工审批        10:11:00 →           1m30s  等待审批\n",
		"\n实时监控 @ 10:12:00\n",
		"                 蓝环境（新） 1.1  绿环境（旧） 1.0\n",
		"流量             35%               65%\n",
		"成功率           99.50%            99.90%\n",
		"响应时间         120ms             100ms\n",
		"P99              300ms             250ms\n",
		"请求数 / 错误数  700 / 4           1300 / 1\n",
		"CPU              12.5%             20.0%\n",
		"内存             64.0 MiB          128.0 MiB\n",
		"\n告警\n⚠️  10:11:30  S8  成功率 93% 低于阈值 95%\n",
		"\n执行日志（最近 2 条，共 3 条）\n10:10:05  流量切换至40%\n10:10:10  evil \\x1b[2Jline\n",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	if strings.Contains(page, "\x1b") || strings.Contains(page, "开始流量切换至50%") {
		t.Error("an escape reached the page, or more log lines than asked")
	}
	// Every step row's times start in the same column, whatever the name.
	col := -1
	for _, line := range strings.Split(page, "\n") {
		if i := strings.Index(line, " 10:"); i > 0 && strings.ContainsAny(line[:4], "✅❌🔵") {
			if w := displayWidth(line[:i]); col < 0 {
				col = w
			} else if w != col {
				t.Errorf("misaligned: %q (%d, not %d)", line, w, col)
			}
		}
	}

	en := execPage{zh: false, loc: time.UTC, logs: 10}.render(seedExecution())
	for _, want := range []string{"Execution EXE-001 · workflow WF-001 v2", "Started       2026-11-23 10:00:00\n", "Current step  流量切换50%\n",
		"Elapsed       12m30s\n", "Remaining     40m0s\n", "Traffic       35% → 50%\n", "waiting for an approval", "\nMETRICS @ 10:12:00\n", "LOGS (last 3 of 3)"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English page has no %q:\n%s", want, en)
		}
	}
	// Before a MONITOR measured: the traffic split only.
	early := seedExecution()
	early.Metrics = switchyard.ExecutionMetrics{BlueEnv: switchyard.EnvMetrics{Traffic: 10}, GreenEnv: switchyard.EnvMetrics{Traffic: 90}}
	if p := (execPage{zh: true, loc: time.UTC}).render(early); !strings.Contains(p, "\n实时监控\n      蓝环境（新）  绿环境（旧）\n流量  10%           90%\n\n告警") {
		t.Errorf("the page before a sample:\n%s", p)
	}
	// A finished execution shows its end and reason, no estimate.
	x := seedExecution()
	x.Status, x.EndTime, x.Reason, x.Traffic = switchyard.ExecRolledBack, at("10:20:00"), msg("成功率 93% 低于阈值 95%"), nil
	done := execPage{zh: true, loc: time.UTC}.render(x)
	if !strings.Contains(done, "状态        ROLLED_BACK\n") || !strings.Contains(done, "结束时间    2026-11-23 10:20:00\n") || !strings.Contains(done, "原因        成功率 93%") || strings.Contains(done, "预计剩余") {
		t.Errorf("finished page:\n%s", done)
	}
}

func TestCLILanguage(t *testing.T) {
	for _, tt := range []struct {
		flag, lcAll, lang, want string
	}{
		{"", "", "zh_CN.UTF-8", "zh"},
		{"", "en_US.UTF-8", "zh_CN.UTF-8", "en"},
		{"", "", "C", "en"},
		{"", "", "", "en"},
		{"zh", "en_US.UTF-8", "", "zh"},
		{"EN", "", "zh_TW", "en"},
	} {
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tt.lang)
		if got, err := cliLang(tt.flag); err != nil || got != tt.want {
			t.Errorf("--lang %q LC_ALL %q LANG %q: %q %v, want %q", tt.flag, tt.lcAll, tt.lang, got, err, tt.want)
		}
	}
}

// TestExecCommands: start prints the id; get, list and logs read it in the
// asked language; the signals answer the execution's new state or the
// refusal (exit 1); get --watch and logs -f follow it until it ends.
func TestExecCommands(t *testing.T) {
	env, c := workflowAPI(t)
	env.Runner.Poll = 10 * time.Millisecond
	go env.Runner.Run(t.Context())
	mustRun(t, "workflow", "create", "--release", "R1", "--template", "BLUE_GREEN", "--param", "newVersion=1.1", "--param", "observe=5s,5s,5s")
	if out := mustRun(t, "exec", "start", "WF-001"); out != "EXE-001\n" {
		t.Fatalf("start: %q", out)
	}
	waitUntil(t, func() bool {
		x, err := c.Execution(t.Context(), "EXE-001", "")
		return err == nil && x.CurrentStepID == "S3"
	})
	out := mustRun(t, "exec", "get", "EXE-001", "--lang", "zh")
	for _, want := range []string{"执行 EXE-001 · 流程 WF-001 v1 · 发布 R1 · 启动人 admin", "当前步骤    部署到蓝环境", "✅ 发布前检查", "🔵 部署到蓝环境", "⚪ 健康检查", "admin 启动了执行", "流量切换至40%"} {
		if !strings.Contains(out, want) {
			t.Errorf("exec get --lang zh has no %q:\n%s", want, out)
		}
	}
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("LC_ALL", "")
	if out := mustRun(t, "exec", "get", "EXE-001"); !strings.Contains(out, "Current step  部署到蓝环境") || !strings.Contains(out, "Traffic shifted to 40%") {
		t.Errorf("exec get in English:\n%s", out)
	}
	var x switchyard.Execution
	if out := mustRun(t, "exec", "get", "EXE-001", "-o", "json"); json.Unmarshal([]byte(out), &x) != nil || x.ID != "EXE-001" || x.Status != switchyard.ExecRunning {
		t.Errorf("exec get -o json: %q", out)
	}
	if out := mustRun(t, "exec", "list", "--status", "running"); !strings.Contains(out, "EXE-001") || !strings.Contains(out, "1 executions") {
		t.Errorf("exec list: %q", out)
	}
	if out := mustRun(t, "exec", "logs", "EXE-001", "--lang", "zh"); !strings.Contains(out, "admin 启动了执行") || !strings.Contains(out, "流量切换至40%") {
		t.Errorf("exec logs: %q", out)
	}
	if out := mustRun(t, "exec", "pause", "EXE-001", "--comment", "look"); !strings.Contains(out, "EXE-001: pause sent; Status PAUSED") || !strings.Contains(out, "resume") {
		t.Errorf("pause: %q", out)
	}
	if code, _, errOut := runCLI(t, "", "exec", "approve", "EXE-001"); code != 1 || !strings.Contains(errOut, "cannot approve: no step waits for an approval") {
		t.Errorf("approve: %d %q", code, errOut)
	}
	mustRun(t, "exec", "resume", "EXE-001")

	// Following: the page again at each change, the log line by line,
	// until the execution ends (aborted here through the API).
	watch, logs := newSyncBuffer(), newSyncBuffer()
	done := make(chan error, 2)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	cl, _ := apiClient()
	go func() { done <- watchExecution(ctx, cl, "EXE-001", "en", watch, 5) }()
	go func() { done <- printLogs(ctx, cl, "EXE-001", "en", logs, true) }()
	<-watch.written // both have read the execution and follow it now
	<-logs.written
	if _, err := c.Abort(t.Context(), "EXE-001", switchyard.SignalRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	pages := strings.Count(watch.String(), "Execution EXE-001 ·")
	if pages < 2 || !strings.Contains(watch.String(), "Status        RUNNING") || !strings.HasSuffix(strings.TrimSpace(watch.String()), "Execution aborted by admin") ||
		strings.Contains(watch.String(), "\x1b") {
		t.Errorf("watch (%d pages):\n%s", pages, watch.String())
	}
	if !strings.Contains(logs.String(), "Execution aborted by admin") {
		t.Errorf("logs -f: %q", logs.String())
	}
}

// syncBuffer is an output written by another goroutine; written closes at
// the first write.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{}
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() == 0 {
		close(s.written)
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
