package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/switchyard-io/switchyard"
)

// The execution page in a terminal (switchyard exec get): the overview,
// the steps with their marks, times and summaries, the blue/green metrics,
// the alerts and the last log lines — the seed's 执行监控 as text.

// cliLang is the CLI's language: --lang, else LC_ALL, LC_MESSAGES or LANG
// (zh_* → zh), else en.
func cliLang(flag string) (string, error) {
	switch strings.ToLower(flag) {
	case "zh", "en":
		return strings.ToLower(flag), nil
	case "":
	default:
		return "", &exitError{code: 2, err: fmt.Errorf("--lang %q must be zh or en", flag)}
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh", nil
			}
			return "en", nil
		}
	}
	return "en", nil
}

// labels are the page's words: {en, zh}.
var labels = map[string][2]string{
	"execution": {"Execution", "执行"},
	"workflow":  {"workflow", "流程"},
	"release":   {"release", "发布"},
	"startedBy": {"started by", "启动人"},
	"status":    {"Status", "状态"},
	"started":   {"Started", "开始时间"},
	"ended":     {"Ended", "结束时间"},
	"current":   {"Current step", "当前步骤"},
	"elapsed":   {"Elapsed", "已耗时"},
	"remaining": {"Remaining", "预计剩余"},
	"traffic":   {"Traffic", "当前流量"},
	"reason":    {"Reason", "原因"},
	"allowed":   {"Allowed", "可执行操作"},
	"steps":     {"STEPS", "执行步骤"},
	"metrics":   {"METRICS", "实时监控"},
	"blue":      {"blue (new)", "蓝环境（新）"},
	"green":     {"green (old)", "绿环境（旧）"},
	"share":     {"traffic", "流量"},
	"success":   {"success rate", "成功率"},
	"avg":       {"response time", "响应时间"},
	"p99":       {"p99", "P99"},
	"requests":  {"requests / errors", "请求数 / 错误数"},
	"cpu":       {"CPU", "CPU"},
	"memory":    {"memory", "内存"},
	"alerts":    {"ALERTS", "告警"},
	"logs":      {"LOGS (last %d of %d)", "执行日志（最近 %d 条，共 %d 条）"},
	"waiting":   {"waiting for %s", "等待%s"},
	"attempt":   {"attempt %d", "第 %d 次"},
	"none":      {"none", "无"},
	"approval":  {"an approval", "审批"},
	"person":    {"a person", "人工处理"},
	"timer":     {"its time", "定时"},
	"instances": {"instances", "实例"},
	"running":   {"running", "进行中"},
}

// execPage renders executions in one language and time zone.
type execPage struct {
	zh  bool
	loc *time.Location
	// logs is how many log lines the page shows.
	logs int
}

func (p execPage) word(key string, args ...any) string {
	l := labels[key]
	w := l[0]
	if p.zh {
		w = l[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(w, args...)
	}
	return w
}

func (p execPage) clock(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(p.loc).Format("15:04:05")
}

// stepMark is a step status's mark on the page.
func stepMark(s switchyard.StepStatus) string {
	switch s {
	case switchyard.StepCompleted:
		return "✅"
	case switchyard.StepRunning:
		return "🔵"
	case switchyard.StepFailed:
		return "❌"
	case switchyard.StepSkipped:
		return "⏭️"
	}
	return "⚪"
}

// seconds formats a number of seconds as 1h2m3s, 4m5s, 6s.
func seconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Second).String()
}

// render is the whole page. Text from the server passes through cell, so
// it cannot act on the terminal.
func (p execPage) render(x *switchyard.Execution) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s · %s %s v%d · %s %s · %s %s\n", p.word("execution"), cell(x.ID), p.word("workflow"), cell(x.WorkflowID), x.WorkflowVersion,
		p.word("release"), cell(x.ReleaseID), p.word("startedBy"), cell(x.StartedBy))
	rows := [][2]string{{p.word("status"), cell(string(x.Status))}, {p.word("started"), x.StartTime.In(p.loc).Format("2006-01-02 15:04:05")}}
	if x.EndTime != nil {
		rows = append(rows, [2]string{p.word("ended"), x.EndTime.In(p.loc).Format("2006-01-02 15:04:05")})
	}
	rows = append(rows, [2]string{p.word("current"), orDash(cell(x.CurrentStep))}, [2]string{p.word("elapsed"), seconds(x.Elapsed)})
	if !x.Status.Finished() {
		rows = append(rows, [2]string{p.word("remaining"), seconds(x.EstimatedRemaining)})
	}
	if x.Traffic != nil {
		rows = append(rows, [2]string{p.word("traffic"), fmt.Sprintf("%s%% → %s%%", pct(x.Traffic.Current), pct(x.Traffic.To))})
	}
	if x.Reason != nil {
		rows = append(rows, [2]string{p.word("reason"), cell(x.Reason.Text)})
	}
	if len(x.Allowed) > 0 {
		rows = append(rows, [2]string{p.word("allowed"), cell(strings.Join(x.Allowed, ", "))})
	}
	columns(&b, rows)
	p.steps(&b, x)
	p.metrics(&b, x)
	if len(x.Alerts) > 0 {
		fmt.Fprintf(&b, "\n%s\n", p.word("alerts"))
		for _, a := range x.Alerts {
			msg := a.Metric
			if a.Message != nil {
				msg = a.Message.Text
			}
			fmt.Fprintf(&b, "⚠️  %s  %s  %s\n", p.clock(&a.Time), cell(a.StepID), cell(msg))
		}
	}
	if n := len(x.Logs); n > 0 && p.logs > 0 {
		first := max(n-p.logs, 0)
		fmt.Fprintf(&b, "\n%s\n", p.word("logs", n-first, n))
		for _, l := range x.Logs[first:] {
			fmt.Fprintf(&b, "%s  %s\n", p.clock(&l.Time), cell(l.Message))
		}
	}
	return b.String()
}

// steps is the steps section: mark, name, start → end, duration, summary.
func (p execPage) steps(b *strings.Builder, x *switchyard.Execution) {
	fmt.Fprintf(b, "\n%s\n", p.word("steps"))
	rows := make([][]string, 0, len(x.Steps))
	for _, s := range x.Steps {
		times, took := "", ""
		if s.StartTime != nil {
			times = p.clock(s.StartTime) + " → " + p.clock(s.EndTime)
			// The server's now: the view's start plus its elapsed time.
			end := x.StartTime.Add(time.Duration(x.Elapsed * float64(time.Second)))
			if s.EndTime != nil {
				end = *s.EndTime
			}
			if s.EndTime != nil || s.Status == switchyard.StepRunning {
				took = end.Sub(*s.StartTime).Round(time.Second).String()
			}
		}
		note := ""
		if s.Summary != nil {
			note = cell(s.Summary.Text)
		}
		if s.Status == switchyard.StepRunning {
			if s.Waiting != "" && s.Waiting != "timer" {
				what := s.Waiting
				if _, ok := labels[what]; ok {
					what = p.word(what)
				}
				note = strings.TrimSpace(note + " " + p.word("waiting", what))
			} else if note == "" {
				note = p.word("running")
			}
		}
		if s.Attempt > 1 {
			note = strings.TrimSpace(note + " (" + p.word("attempt", s.Attempt) + ")")
		}
		rows = append(rows, []string{stepMark(s.Status) + " " + cell(s.Name), times, took, note})
	}
	table(b, rows)
}

// metrics is the blue/green comparison: the traffic split, and once a
// MONITOR measured, the latest sample of each side.
func (p execPage) metrics(b *strings.Builder, x *switchyard.Execution) {
	m := x.Metrics
	blue, green := p.word("blue"), p.word("green")
	if m.BlueEnv.Version != "" {
		blue += " " + cell(m.BlueEnv.Version)
	}
	if m.GreenEnv.Version != "" {
		green += " " + cell(m.GreenEnv.Version)
	}
	at := ""
	if !m.At.IsZero() {
		at = " @ " + p.clock(&m.At)
	}
	fmt.Fprintf(b, "\n%s%s\n", p.word("metrics"), at)
	row := func(key string, f func(e switchyard.EnvMetrics) string) []string {
		return []string{p.word(key), f(m.BlueEnv), f(m.GreenEnv)}
	}
	num := func(v float64, prec int, unit string) string { return strconv.FormatFloat(v, 'f', prec, 64) + unit }
	rows := [][]string{{"", blue, green}, row("share", func(e switchyard.EnvMetrics) string { return pct(e.Traffic) + "%" })}
	if !m.At.IsZero() {
		rows = append(rows,
			row("success", func(e switchyard.EnvMetrics) string { return num(e.SuccessRate, 2, "%") }),
			row("avg", func(e switchyard.EnvMetrics) string { return num(e.ResponseTime, 0, "ms") }),
			row("p99", func(e switchyard.EnvMetrics) string { return num(e.P99, 0, "ms") }),
			row("requests", func(e switchyard.EnvMetrics) string { return fmt.Sprintf("%d / %d", e.Requests, e.Errors) }),
			row("cpu", func(e switchyard.EnvMetrics) string { return num(e.CPU, 1, "%") }),
			row("memory", func(e switchyard.EnvMetrics) string { return num(e.Memory/(1<<20), 1, " MiB") }))
	}
	table(b, rows)
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// columns writes label/value rows, the values aligned.
func columns(b *strings.Builder, rows [][2]string) {
	t := make([][]string, len(rows))
	for i, r := range rows {
		t[i] = []string{r[0], r[1]}
	}
	table(b, t)
}

// table writes rows with their columns aligned by display width (a Chinese
// character or an emoji takes two columns; tabwriter counts one).
func table(b *strings.Builder, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// displayWidth is how many terminal columns s takes: two for East Asian
// wide characters and emoji, none for combining marks and variation
// selectors.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r == 0xFE0F || r == 0x200D || unicode.Is(unicode.Mn, r):
		case wide(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

func wide(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0x303E, r >= 0x3041 && r <= 0x33FF, r >= 0x3400 && r <= 0x4DBF,
		r >= 0x4E00 && r <= 0x9FFF, r >= 0xA000 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3, r >= 0xF900 && r <= 0xFAFF,
		r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, r >= 0x1F300 && r <= 0x1F64F,
		r >= 0x1F900 && r <= 0x1F9FF, r >= 0x20000 && r <= 0x3FFFD:
		return true
	case r == 0x2705, r == 0x274C, r == 0x26AA, r == 0x23ED, r == 0x26A0:
		return true // ✅ ❌ ⚪ ⏭️ ⚠️
	}
	return false
}
