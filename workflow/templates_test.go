package workflow

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

var allTemplates = []switchyard.Template{switchyard.TemplateBlueGreen, switchyard.TemplateCanary, switchyard.TemplateRolling, switchyard.TemplateCustom}

// seconds are the short durations of tests and the demo.
var seconds = switchyard.TemplateParams{NewVersion: "1.1", Observe: []string{"10s", "20s", "30s"}, Sample: "5s", Interval: "1s"}

func edgeText(e switchyard.Edge) string {
	s := e.From + "→" + e.To
	if e.When != "" {
		s += " " + e.When
	}
	if e.MaxTraversals != nil {
		s += fmt.Sprintf(" max %d", *e.MaxTraversals)
	}
	return s
}

// TestBlueGreenIsTheSeedsDrawing: document 000's flow chart, node for node
// and edge for edge, ids S1… in the drawing's order.
func TestBlueGreenIsTheSeedsDrawing(t *testing.T) {
	steps, edges, err := FromTemplate(switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1.1"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, s.ID+" "+s.Name+" "+string(s.Type))
	}
	want := []string{"S1 开始 START", "S2 发布前检查 PRE_CHECK", "S3 部署到蓝环境 DEPLOY", "S4 健康检查 HEALTH_CHECK", "S5 自动化测试 TEST",
		"S6 流量切换10% TRAFFIC_SHIFT", "S7 监控观察5分钟 MONITOR", "S8 异常? DECISION", "S9 回滚 ROLLBACK",
		"S10 流量切换50% TRAFFIC_SHIFT", "S11 监控观察10分钟 MONITOR", "S12 异常? DECISION", "S13 回滚 ROLLBACK",
		"S14 流量切换100% TRAFFIC_SHIFT", "S15 监控观察30分钟 MONITOR", "S16 下线绿环境 OFFLINE", "S17 发布报告 REPORT", "S18 结束 END"}
	if !slices.Equal(got, want) {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	got = nil
	for _, e := range edges {
		got = append(got, edgeText(e))
	}
	want = []string{"S1→S2", "S2→S3", "S3→S4", "S4→S5", "S5→S6", "S6→S7", "S7→S8", "S8→S9 yes", "S9→S3 max 0", "S8→S10 no",
		"S10→S11", "S11→S12", "S12→S13 yes", "S13→S3 max 0", "S12→S14 no", "S14→S15", "S15→S16", "S16→S17", "S17→S18"}
	if !slices.Equal(got, want) {
		t.Errorf("edges: %v\nwant:  %v", got, want)
	}
	g := NewGraph(&switchyard.Workflow{Steps: steps, Edges: edges})
	for _, e := range edges {
		if back := e.To == "S3" && (e.From == "S9" || e.From == "S13"); g.ClosesLoop(e) != back {
			t.Errorf("%s closes a loop: %v", edgeText(e), g.ClosesLoop(e))
		}
	}
}

// TestBlueGreenSidePanel: 流量切换10% is configured as the seed's side
// panel draws it: 10%, 渐进式, 自动回滚, 5 分钟, ☑ 健康检查通过 ☑ 自动化测试通过,
// ☑ 发送通知 ☑ 记录日志.
func TestBlueGreenSidePanel(t *testing.T) {
	steps, _, err := FromTemplate(switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1.1"})
	if err != nil {
		t.Fatal(err)
	}
	s := steps[5]
	cfg := configOf[ShiftConfig](&s)
	if cfg.Weight == nil || *cfg.Weight != 10 || cfg.Mode != ShiftGradual || cfg.Increment != 5 || cfg.Interval != "5s" {
		t.Errorf("config %s", s.Config)
	}
	if s.OnFailure == nil || s.OnFailure.Action != switchyard.OnFailureRollback || s.Timeout != 5 {
		t.Errorf("onFailure %+v, timeout %v", s.OnFailure, s.Timeout)
	}
	if !slices.Equal(s.Preconditions, []string{"HEALTH_CHECK_PASSED", "TEST_PASSED"}) || !slices.Equal(s.PostActions, []string{"NOTIFY", "LOG"}) {
		t.Errorf("preconditions %v, post-actions %v", s.Preconditions, s.PostActions)
	}
	deploy := configOf[DeployConfig](&steps[2])
	if deploy.Version != "1.1" || deploy.Instances != 1 {
		t.Errorf("deploy %s", steps[2].Config)
	}
	mon := configOf[MonitorConfig](&steps[6])
	if mon.Duration != "5m" || mon.Interval != "30s" || *mon.Thresholds.SuccessRate.Min != 95 || *mon.Thresholds.SuccessRate.MaxDelta != 2 || *mon.Thresholds.AvgLatency.MaxRatio != 1.5 {
		t.Errorf("monitor %s", steps[6].Config)
	}
	if dec := configOf[DecisionConfig](&steps[7]); dec.Step != "S7" {
		t.Errorf("decision reads %q", dec.Step)
	}
}

// TestTemplatesValidateClean: every template, with the defaults and with
// other params, passes Validate.
func TestTemplatesValidateClean(t *testing.T) {
	params := []switchyard.TemplateParams{
		{NewVersion: "1.1"},
		seconds,
		{NewVersion: "2.1.0", Weights: []int{20, 100}, Observe: []string{"1m"}, Increment: 10, Interval: "2s", Sample: "10s", Retries: 3, Instances: 3},
		{NewVersion: "1.1", Weights: []int{100}, Retries: 10},
		{NewVersion: "1.1", Observe: []string{"1s"}, Sample: "1s", Interval: "1s", Increment: 100},
		{NewVersion: "1.1", Observe: []string{"168h"}, Sample: "1h"},
	}
	for _, tp := range allTemplates {
		for i, p := range params {
			steps, edges, err := FromTemplate(tp, p)
			if err != nil {
				t.Errorf("%s params %d: %v", tp, i, err)
				continue
			}
			if problems := Validate(&switchyard.Workflow{Template: tp, Steps: steps, Edges: edges}); len(problems) != 0 {
				t.Errorf("%s params %d: %s", tp, i, describe(problems))
			}
		}
	}
}

// TestBlueGreenInSeconds: durations are params; names follow them, and
// the shifts' timeouts shrink with them but still exceed what the shift
// takes.
func TestBlueGreenInSeconds(t *testing.T) {
	steps, _, err := FromTemplate(switchyard.TemplateBlueGreen, seconds)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"S7": "监控观察10秒", "S11": "监控观察20秒", "S15": "监控观察30秒"}
	for _, s := range steps {
		if want, ok := names[s.ID]; ok && s.Name != want {
			t.Errorf("%s is %q, want %q", s.ID, s.Name, want)
		}
		if s.Type == switchyard.StepTrafficShift && s.Timeout >= 5 {
			t.Errorf("%s timeout %v min: the seconds template keeps the 5 minutes", s.ID, s.Timeout)
		}
	}
	mon := configOf[MonitorConfig](&steps[6])
	if mon.Duration != "10s" || mon.Interval != "5s" || mon.MinRequests != 1 || mon.InconclusiveLimit != 1 {
		t.Errorf("S7 config %s", steps[6].Config)
	}
	if sh := configOf[ShiftConfig](&steps[5]); sh.Interval != "1s" {
		t.Errorf("S6 config %s", steps[5].Config)
	}
}

// TestShiftTimeoutsExceedTheShift: every shift of every template can
// finish within its timeout: a gradual shift from 0 holds its start and
// each move for one interval.
func TestShiftTimeoutsExceedTheShift(t *testing.T) {
	for _, tp := range allTemplates {
		for _, p := range []switchyard.TemplateParams{{NewVersion: "1"}, seconds, {NewVersion: "1", Increment: 1, Interval: "30s"}} {
			steps, _, err := FromTemplate(tp, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range steps {
				if s.Type != switchyard.StepTrafficShift {
					continue
				}
				cfg := configOf[ShiftConfig](&s)
				takes := time.Second
				if cfg.Mode != ShiftImmediate {
					takes = time.Duration((*cfg.Weight+cfg.Increment-1)/cfg.Increment+1) * cfg.Interval.D(0)
				}
				if minutes(s.Timeout) <= takes+10*time.Second {
					t.Errorf("%s %s: timeout %v min, the shift takes up to %v", tp, s.Name, s.Timeout, takes)
				}
			}
		}
	}
}

// TestMonitorsFitGentleTraffic: at the demo's traffic (templateRate
// requests a second) a MONITOR's sample of its share holds at least twice
// minRequests (or minRequests is 1), minRequests is at most 20, and at the
// seed's defaults the 50% and 100% monitors ask for 20.
func TestMonitorsFitGentleTraffic(t *testing.T) {
	for _, tp := range allTemplates {
		for _, p := range []switchyard.TemplateParams{{NewVersion: "1"}, seconds} {
			steps, _, err := FromTemplate(tp, p)
			if err != nil {
				t.Fatal(err)
			}
			weight := 0
			for _, s := range steps {
				switch s.Type {
				case switchyard.StepTrafficShift:
					weight = *configOf[ShiftConfig](&s).Weight
				case switchyard.StepMonitor:
					cfg := configOf[MonitorConfig](&s)
					expected := float64(templateRate*weight) / 100 * cfg.Interval.D(0).Seconds()
					if cfg.MinRequests < 1 || cfg.MinRequests > 20 || (cfg.MinRequests > 1 && expected < 2*float64(cfg.MinRequests)) {
						t.Errorf("%s %s at %d%%: minRequests %d for %.1f expected requests", tp, s.Name, weight, cfg.MinRequests, expected)
					}
					count := int(cfg.Duration.D(0) / cfg.Interval.D(0))
					if cfg.InconclusiveLimit != count/2 {
						t.Errorf("%s %s: inconclusiveLimit %d of %d measurements", tp, s.Name, cfg.InconclusiveLimit, count)
					}
					if tp == switchyard.TemplateBlueGreen && p.Sample == "" && weight >= 50 && cfg.MinRequests != 20 {
						t.Errorf("%s %s: minRequests %d at the defaults", tp, s.Name, cfg.MinRequests)
					}
				}
			}
		}
	}
	steps, _, _ := FromTemplate(switchyard.TemplateBlueGreen, seconds)
	if got := []int{configOf[MonitorConfig](&steps[6]).MinRequests, configOf[MonitorConfig](&steps[10]).MinRequests, configOf[MonitorConfig](&steps[14]).MinRequests}; !slices.Equal(got, []int{1, 6, 12}) {
		t.Errorf("blue-green in seconds asks for %v requests at 10%%, 50%%, 100%%", got)
	}
}

// TestCanaryAndRolling: canary is small immediate steps each analysed with
// a decision and one rollback, an approval before 100%; rolling is equal
// immediate batches each observed, no decision.
func TestCanaryAndRolling(t *testing.T) {
	steps, edges, err := FromTemplate(switchyard.TemplateCanary, switchyard.TemplateParams{NewVersion: "1.1", Retries: 1})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, s := range steps {
		k := string(s.Type)
		if s.Type == switchyard.StepTrafficShift {
			cfg := configOf[ShiftConfig](&s)
			k = fmt.Sprintf("%d%% %s", *cfg.Weight, cfg.Mode)
		}
		kinds = append(kinds, k)
	}
	want := []string{"START", "PRE_CHECK", "DEPLOY", "HEALTH_CHECK", "TEST", "5% IMMEDIATE", "MONITOR", "DECISION", "25% IMMEDIATE", "MONITOR", "DECISION",
		"50% IMMEDIATE", "MONITOR", "DECISION", "APPROVAL", "100% IMMEDIATE", "MONITOR", "OFFLINE", "REPORT", "END", "ROLLBACK"}
	if !slices.Equal(kinds, want) {
		t.Errorf("canary: %v", kinds)
	}
	var toRollback []string
	for _, e := range edges {
		if e.To == "S21" {
			toRollback = append(toRollback, edgeText(e))
		}
		if e.From == "S21" && edgeText(e) != "S21→S3 max 1" {
			t.Errorf("canary rollback edge %s", edgeText(e))
		}
	}
	if !slices.Equal(toRollback, []string{"S8→S21 yes", "S11→S21 yes", "S14→S21 yes"}) {
		t.Errorf("canary edges into 回滚: %v", toRollback)
	}
	steps, edges, err = FromTemplate(switchyard.TemplateRolling, switchyard.TemplateParams{NewVersion: "1.1"})
	if err != nil {
		t.Fatal(err)
	}
	kinds = nil
	for _, s := range steps {
		k := string(s.Type)
		if s.Type == switchyard.StepTrafficShift {
			cfg := configOf[ShiftConfig](&s)
			k = fmt.Sprintf("%d%% %s", *cfg.Weight, cfg.Mode)
		}
		kinds = append(kinds, k)
	}
	want = []string{"START", "PRE_CHECK", "DEPLOY", "HEALTH_CHECK", "25% IMMEDIATE", "MONITOR", "50% IMMEDIATE", "MONITOR", "75% IMMEDIATE", "MONITOR",
		"100% IMMEDIATE", "MONITOR", "OFFLINE", "REPORT", "END"}
	if !slices.Equal(kinds, want) || len(edges) != len(steps)-1 {
		t.Errorf("rolling: %v, %d edges", kinds, len(edges))
	}
	steps, edges, err = FromTemplate(switchyard.TemplateCustom, switchyard.TemplateParams{})
	if err != nil || len(steps) != 2 || steps[0].Type != switchyard.StepStart || steps[1].Type != switchyard.StepEnd || len(edges) != 1 {
		t.Errorf("custom: %v %v %v", steps, edges, err)
	}
}

// TestFromTemplateRefusesBadParams: params a template cannot be filled with
// are refused naming the params field.
func TestFromTemplateRefusesBadParams(t *testing.T) {
	tests := []struct {
		name   string
		t      switchyard.Template
		p      switchyard.TemplateParams
		field  string
		reason string
	}{
		{"no new version", switchyard.TemplateBlueGreen, switchyard.TemplateParams{}, "params.newVersion", "workflow.params.new_version"},
		{"no new version for rolling", switchyard.TemplateRolling, switchyard.TemplateParams{}, "params.newVersion", "workflow.params.new_version"},
		{"weights not ending at 100", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Weights: []int{10, 50}}, "params.weights", "workflow.params.weights"},
		{"weights going down", switchyard.TemplateCanary, switchyard.TemplateParams{NewVersion: "1", Weights: []int{50, 10, 100}}, "params.weights[1]", "workflow.params.weights"},
		{"weight 0", switchyard.TemplateRolling, switchyard.TemplateParams{NewVersion: "1", Weights: []int{0, 100}}, "params.weights[0]", "workflow.params.weights"},
		{"too many weights", switchyard.TemplateRolling, switchyard.TemplateParams{NewVersion: "1", Weights: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100}}, "params.weights", "workflow.params.weights"},
		{"more observations than weights", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Observe: []string{"1m", "1m", "1m", "1m"}}, "params.observe", "workflow.params.observe"},
		{"observation not a duration", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Observe: []string{"5 min"}}, "params.observe[0]", "workflow.params.duration"},
		{"observation under a second", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Observe: []string{"1m", "10ms"}}, "params.observe[1]", "workflow.params.duration"},
		{"interval not a duration", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Interval: "5"}, "params.interval", "workflow.params.duration"},
		{"sample over 7 days", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Sample: "200h"}, "params.sample", "workflow.params.duration"},
		{"increment over 100", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Increment: 101}, "params.increment", "workflow.params.range"},
		{"retries over 10", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Retries: 11}, "params.retries", "workflow.params.range"},
		{"negative instances", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1", Instances: -1}, "params.instances", "workflow.params.range"},
		{"a version the deploy step refuses", switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1.1 beta"}, "params.newVersion", "workflow.params.new_version"},
		{"unknown template", "PURPLE", switchyard.TemplateParams{NewVersion: "1"}, "template", "workflow.template.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := FromTemplate(tt.t, tt.p)
			e := switchyard.AsError(err)
			if e == nil || e.Code != switchyard.CodeInvalid {
				t.Fatalf("error %v", err)
			}
			if e.Field != tt.field || e.Reason != tt.reason || !strings.Contains(e.Message, tt.field) {
				t.Fatalf("field %q reason %q message %q; want %s %s", e.Field, e.Reason, e.Message, tt.field, tt.reason)
			}
		})
	}
	if _, _, err := FromTemplate(switchyard.TemplateCustom, switchyard.TemplateParams{}); err != nil {
		t.Errorf("custom needs no version: %v", err)
	}
}

// TestTemplatesListsFour: GET /api/workflow-templates lists the four with
// their zh and English names and their defaults, with or without a version.
func TestTemplatesListsFour(t *testing.T) {
	list := Templates(switchyard.TemplateParams{})
	var names []string
	for _, ti := range list {
		names = append(names, fmt.Sprintf("%s %s %s", ti.Template, ti.Name, ti.NameEN))
		if ti.Description == "" || len(ti.Steps) < 2 {
			t.Errorf("%s: %+v", ti.Template, ti)
		}
	}
	if want := []string{"BLUE_GREEN 蓝绿部署 Blue-green", "CANARY 金丝雀 Canary", "ROLLING 滚动 Rolling", "CUSTOM 自定义 Custom"}; !slices.Equal(names, want) {
		t.Errorf("templates %v", names)
	}
	bg := list[0]
	if !slices.Equal(bg.Params.Weights, []int{10, 50, 100}) || !slices.Equal(bg.Params.Observe, []string{"5m", "10m", "30m"}) || bg.Params.Increment != 5 ||
		bg.Params.Interval != "5s" || bg.Params.Sample != "30s" || bg.Params.Retries != 0 || bg.Params.Instances != 1 {
		t.Errorf("blue-green defaults %+v", bg.Params)
	}
	if !slices.Equal(list[1].Params.Weights, []int{5, 25, 50, 100}) || !slices.Equal(list[2].Params.Weights, []int{25, 50, 75, 100}) {
		t.Errorf("canary %v, rolling %v", list[1].Params.Weights, list[2].Params.Weights)
	}
	if v := configOf[DeployConfig](&bg.Steps[2]).Version; v != "" {
		t.Errorf("deploy version %q without params.newVersion", v)
	}
	withBad := Templates(switchyard.TemplateParams{NewVersion: "1.1", Weights: []int{50}})
	if !slices.Equal(withBad[0].Params.Weights, []int{10, 50, 100}) || configOf[DeployConfig](&withBad[0].Steps[2]).Version != "1.1" {
		t.Errorf("params Templates cannot use: %+v", withBad[0].Params)
	}
	if bad := Templates(switchyard.TemplateParams{NewVersion: "1 1"}); len(bad) != 4 || len(bad[0].Steps) != 18 {
		t.Errorf("a version Templates cannot use: %d templates", len(bad))
	}
	short := Templates(seconds)
	if short[0].Steps[6].Name != "监控观察10秒" {
		t.Errorf("templates in seconds: %s", short[0].Steps[6].Name)
	}
	b, err := json.Marshal(list)
	if err != nil || !strings.Contains(string(b), `"preconditions":[]`) || strings.Contains(string(b), `"preconditions":null`) {
		t.Errorf("JSON: %v %.300s", err, b)
	}
}

// TestBlueGreenRunsThroughTheEngine: the template, driven by Decide with
// steps that succeed, runs the seed's path; with anomalies it rolls back
// through the graph, and params.retries says how often it deploys again.
func TestBlueGreenRunsThroughTheEngine(t *testing.T) {
	tests := []struct {
		name      string
		retries   int
		anomalies map[string]int // step → the entries of it that find one
		path      string
		status    switchyard.ExecutionStatus
	}{
		{"healthy", 0, nil, "S2 S3 S4 S5 S6 S7 S10 S11 S14 S15 S16 S17", switchyard.ExecCompleted},
		{"anomaly at 10%", 0, map[string]int{"S7": 1}, "S2 S3 S4 S5 S6 S7 S9", switchyard.ExecRolledBack},
		{"anomaly at 50%, one retry", 1, map[string]int{"S11": 1}, "S2 S3 S4 S5 S6 S7 S10 S11 S13 S3 S4 S5 S6 S7 S10 S11 S14 S15 S16 S17", switchyard.ExecCompleted},
		{"anomaly at 10% twice, one retry", 1, map[string]int{"S7": 2}, "S2 S3 S4 S5 S6 S7 S9 S3 S4 S5 S6 S7 S9", switchyard.ExecRolledBack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, edges, err := FromTemplate(switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1.1", Retries: tt.retries})
			if err != nil {
				t.Fatal(err)
			}
			w := &switchyard.Workflow{ID: "WF-001", Version: 1, Steps: steps, Edges: edges}
			st, now := NewState(w), time.Date(2025, 2, 15, 10, 0, 0, 0, time.UTC)
			d, err := Decide(w, "EXE-001", st, Start{By: "alice"}, now)
			if err != nil {
				t.Fatal(err)
			}
			var path []string
			seen := map[string]int{}
			for range 100 {
				var rs *RunStep
				for _, c := range d.Commands {
					if r, ok := c.(RunStep); ok {
						rs = &r
					}
				}
				if rs == nil {
					break
				}
				path = append(path, rs.StepID)
				seen[rs.StepID]++
				o := Outcome{StepID: rs.StepID, Attempt: rs.Attempt, Status: switchyard.StepCompleted}
				if seen[rs.StepID] <= tt.anomalies[rs.StepID] {
					o.Status, o.Anomaly, o.Reason = switchyard.StepFailed, true, Msg("reason.internal", "detail", "success rate 80%")
				}
				now = now.Add(time.Second)
				if d, err = Decide(w, "EXE-001", st, o, now); err != nil {
					t.Fatal(err)
				}
			}
			if got := strings.Join(path, " "); got != tt.path || st.Status != tt.status {
				t.Fatalf("ran %s ending %s; want %s ending %s", got, st.Status, tt.path, tt.status)
			}
		})
	}
}
