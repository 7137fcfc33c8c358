package workflow

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The templates a workflow starts from (流程模板). BLUE_GREEN is document
// 000's drawing node for node and edge for edge; CANARY is what Argo
// Rollouts canary users expect (small steps, each analysed, a person
// approving full traffic); ROLLING is Kruise's batches for a traffic-based
// platform; CUSTOM is START → END. Durations are parameters: the seed's 5,
// 10 and 30 minutes by default, seconds in tests and the demo.

// templateRate is the traffic, in requests per second reaching a service,
// the templates' minRequests assume: the demo's traffic generator
// (switchyard demo --traffic-rate 5). A MONITOR wants half the requests the
// new version gets in one sample at that rate (at least 1, at most 20), and
// tolerates up to half of its measurements falling short (inconclusive):
// with gentle traffic a short sample of a small share is often thin, and
// one thin sample is noise, not a verdict; more than half is no data, and
// the execution pauses for a person. docs/workflows.md has the numbers.
const templateRate = 5

// templateDefaults are each template's weights and observation times.
var templateDefaults = map[switchyard.Template]struct {
	weights []int
	observe []string
}{
	switchyard.TemplateBlueGreen: {[]int{10, 50, 100}, []string{"5m", "10m", "30m"}},
	switchyard.TemplateCanary:    {[]int{5, 25, 50, 100}, []string{"5m", "5m", "10m", "30m"}},
	switchyard.TemplateRolling:   {[]int{25, 50, 75, 100}, []string{"1m", "1m", "1m", "1m"}},
	switchyard.TemplateCustom:    {},
}

// templateNames are each template's names and description.
var templateNames = []struct {
	t            switchyard.Template
	zh, en, desc string
}{
	{switchyard.TemplateBlueGreen, "蓝绿部署", "Blue-green",
		"Document 000's flow: deploy the new version (blue) beside the old (green), check and test it, shift 10% → 50% → 100% gradually, observing after each shift and rolling back on an anomaly, then take the old version offline and report."},
	{switchyard.TemplateCanary, "金丝雀", "Canary",
		"Argo Rollouts-style canary: small immediate steps (5%, 25%, 50%), each followed by an analysis and a decision that rolls back on an anomaly; a person approves full traffic; then the old version goes offline."},
	{switchyard.TemplateRolling, "滚动", "Rolling",
		"Rolling by traffic: deploy and health-check the new version, then equal batches (25%, 50%, 75%, 100%), each shifted at once and briefly observed; the old version goes offline at the end."},
	{switchyard.TemplateCustom, "自定义", "Custom", "An empty graph, START → END, for the editor to fill."},
}

// Templates describes the four templates filled with p, for GET
// /api/workflow-templates: names, the params with each template's
// defaults, steps and edges. A DEPLOY step's version is p.NewVersion,
// empty when p has none (POST /api/workflows fills it from the release);
// params Templates cannot use (FromTemplate would refuse them) give the
// defaults instead.
func Templates(p switchyard.TemplateParams) []switchyard.TemplateInfo {
	out := make([]switchyard.TemplateInfo, 0, len(templateNames))
	for _, n := range templateNames {
		rp, steps, edges, err := buildTemplate(n.t, p, false)
		if err != nil {
			rp, steps, edges, err = buildTemplate(n.t, switchyard.TemplateParams{NewVersion: p.NewVersion}, false)
		}
		if err != nil {
			rp, steps, edges, _ = buildTemplate(n.t, switchyard.TemplateParams{}, false)
		}
		out = append(out, switchyard.TemplateInfo{Template: n.t, Name: n.zh, NameEN: n.en, Description: n.desc, Params: rp, Steps: steps, Edges: edges})
	}
	return out
}

// FromTemplate returns the steps and edges of template t filled with p
// (defaults in TemplateParams' doc and docs/workflows.md). Params out of
// range, and an empty p.NewVersion for a template that deploys, are a
// CodeInvalid *switchyard.Error naming the params field (params.weights[1],
// params.newVersion); what it returns always passes Validate.
func FromTemplate(t switchyard.Template, p switchyard.TemplateParams) ([]switchyard.Step, []switchyard.Edge, error) {
	_, steps, edges, err := buildTemplate(t, p, true)
	if err != nil {
		return nil, nil, err
	}
	w := &switchyard.Workflow{Template: t, Steps: steps, Edges: edges}
	if err := ValidationError(Validate(w)); err != nil {
		return nil, nil, fmt.Errorf("workflow: template %s: %w", t, err)
	}
	return steps, edges, nil
}

// buildTemplate resolves p for t and builds its graph; it returns the
// params with the defaults filled in.
func buildTemplate(t switchyard.Template, p switchyard.TemplateParams, needVersion bool) (switchyard.TemplateParams, []switchyard.Step, []switchyard.Edge, error) {
	rp, err := resolveParams(t, p, needVersion)
	if err != nil {
		return switchyard.TemplateParams{}, nil, nil, err
	}
	b := &tmplBuild{p: rp}
	switch t {
	case switchyard.TemplateBlueGreen:
		b.blueGreen()
	case switchyard.TemplateCanary:
		b.canary()
	case switchyard.TemplateRolling:
		b.rolling()
	case switchyard.TemplateCustom:
		b.edge(b.add("开始", switchyard.StepStart, nil), b.add("结束", switchyard.StepEnd, nil))
	}
	return rp.out, b.steps, b.edges, nil
}

// tmplParams are TemplateParams resolved: parsed, defaulted, checked.
type tmplParams struct {
	out       switchyard.TemplateParams // as given, with the defaults filled in
	version   string
	weights   []int
	observe   []time.Duration
	increment int
	interval  time.Duration
	sample    time.Duration
	retries   int
	instances int
}

// resolveParams fills p with t's defaults and checks it; problems name
// the params field.
func resolveParams(t switchyard.Template, p switchyard.TemplateParams, needVersion bool) (tmplParams, error) {
	def, ok := templateDefaults[t]
	if !ok {
		return tmplParams{}, switchyard.FieldErrorf("template", "workflow.template.unknown", "template %q must be one of BLUE_GREEN, CANARY, ROLLING, CUSTOM", clip(string(t))).
			WithReason("workflow.template.unknown", map[string]string{"template": clip(string(t))})
	}
	var probs []switchyard.FieldProblem
	bad := func(field, reason string, params []string, format string, args ...any) {
		p := map[string]string{"field": "params." + field}
		for k := 0; k+1 < len(params); k += 2 {
			p[params[k]] = params[k+1]
		}
		probs = append(probs, switchyard.FieldProblem{Field: "params." + field, Edge: -1, Reason: reason, Params: p, Message: "params." + field + " " + fmt.Sprintf(format, args...)})
	}
	r := tmplParams{version: p.NewVersion, increment: p.Increment, retries: p.Retries, instances: p.Instances}
	if t == switchyard.TemplateCustom {
		return r, nil
	}
	switch {
	case needVersion && p.NewVersion == "":
		bad("newVersion", "workflow.params.new_version", nil, "is required: the version the DEPLOY step brings up")
	case len(p.NewVersion) > 64 || strings.ContainsFunc(p.NewVersion, func(r rune) bool { return r == ' ' || r == '\t' || switchyard.IsControl(r) }):
		bad("newVersion", "workflow.params.new_version", []string{"value", clip(p.NewVersion)},
			"%q must be a version of at most 64 bytes without spaces or control characters", clip(p.NewVersion))
	}
	r.weights = p.Weights
	if len(r.weights) == 0 {
		r.weights = def.weights
	}
	switch {
	case len(r.weights) > 10:
		bad("weights", "workflow.params.weights", []string{"count", strconv.Itoa(len(r.weights)), "max", "10"}, "has %d entries: at most 10 traffic steps", len(r.weights))
	case r.weights[len(r.weights)-1] != 100:
		bad("weights", "workflow.params.weights", []string{"value", strconv.Itoa(r.weights[len(r.weights)-1])}, "must end at 100: the old version goes offline after the last step, so the new one must have all the traffic by then")
	}
	for i, w := range r.weights {
		if w < 1 || w > 100 || (i > 0 && w <= r.weights[i-1]) {
			bad(fmt.Sprintf("weights[%d]", i), "workflow.params.weights", []string{"value", strconv.Itoa(w)}, "%d must be from 1 to 100 and above the weight before it", w)
		}
	}
	obs := p.Observe
	if len(obs) > len(r.weights) {
		bad("observe", "workflow.params.observe", []string{"count", strconv.Itoa(len(obs)), "weights", strconv.Itoa(len(r.weights))}, "has %d entries for %d weights: one per weight", len(obs), len(r.weights))
	}
	for i := range r.weights {
		s := ""
		switch {
		case i < len(obs):
			s = obs[i]
		case len(obs) > 0:
			s = obs[len(obs)-1]
		case i < len(def.observe):
			s = def.observe[i]
		default:
			s = def.observe[len(def.observe)-1]
		}
		d, err := time.ParseDuration(s)
		if err != nil || d < minTick || d > maxWait {
			bad(fmt.Sprintf("observe[%d]", i), "workflow.params.duration", []string{"value", clip(s), "min", "1s", "max", "168h"}, "%q must be a duration from 1s to 168h, such as 30s or 5m", clip(s))
		}
		r.observe = append(r.observe, d)
		r.out.Observe = append(r.out.Observe, s)
	}
	if r.increment == 0 {
		r.increment = 5
	}
	if r.increment < 1 || r.increment > 100 {
		bad("increment", "workflow.params.range", []string{"value", strconv.Itoa(p.Increment), "min", "1", "max", "100"}, "must be from 1 to 100 percentage points, found %d", p.Increment)
	}
	r.interval = paramDuration(p.Interval, 5*time.Second, time.Hour, "interval", bad)
	r.sample = paramDuration(p.Sample, 30*time.Second, maxWait, "sample", bad)
	if r.retries < 0 || r.retries > maxTraversalsCap {
		bad("retries", "workflow.params.range", []string{"value", strconv.Itoa(r.retries), "min", "0", "max", strconv.Itoa(maxTraversalsCap)}, "must be from 0 to %d, found %d", maxTraversalsCap, r.retries)
	}
	if r.instances == 0 {
		r.instances = 1
	}
	if r.instances < 1 || r.instances > 100 {
		bad("instances", "workflow.params.range", []string{"value", strconv.Itoa(p.Instances), "min", "1", "max", "100"}, "must be from 1 to 100, found %d", p.Instances)
	}
	if len(probs) > 0 {
		return tmplParams{}, ValidationError(probs)
	}
	r.out = switchyard.TemplateParams{NewVersion: p.NewVersion, Weights: r.weights, Observe: r.out.Observe, Increment: r.increment,
		Interval: shortDuration(r.interval), Sample: shortDuration(r.sample), Retries: r.retries, Instances: r.instances}
	return r, nil
}

func paramDuration(s string, def, hi time.Duration, field string, bad func(field, reason string, params []string, format string, args ...any)) time.Duration {
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < minTick || d > hi {
		bad(field, "workflow.params.duration", []string{"value", clip(s), "min", "1s", "max", durWords(hi)}, "%q must be a duration from 1s to %s, such as 5s", clip(s), durWords(hi))
		return def
	}
	return d
}

// tmplBuild collects a template's steps (ids S1, S2, … in order) and edges.
type tmplBuild struct {
	p     tmplParams
	steps []switchyard.Step
	edges []switchyard.Edge
}

func (b *tmplBuild) add(name string, t switchyard.StepType, cfg any) string {
	id := "S" + strconv.Itoa(len(b.steps)+1)
	s := switchyard.Step{ID: id, Name: name, Type: t, Preconditions: []string{}, PostActions: []string{}}
	if cfg != nil {
		s.Config, _ = json.Marshal(cfg)
	}
	b.steps = append(b.steps, s)
	return id
}

func (b *tmplBuild) step(id string) *switchyard.Step {
	for i := range b.steps {
		if b.steps[i].ID == id {
			return &b.steps[i]
		}
	}
	return nil
}

func (b *tmplBuild) edge(from, to string) {
	b.edges = append(b.edges, switchyard.Edge{From: from, To: to})
}

func (b *tmplBuild) branch(from, to, when string) {
	b.edges = append(b.edges, switchyard.Edge{From: from, To: to, When: when})
}

// loop is the rollback edge back to an earlier step, taken at most
// params.retries times.
func (b *tmplBuild) loop(from, to string) {
	n := b.p.retries
	b.edges = append(b.edges, switchyard.Edge{From: from, To: to, MaxTraversals: &n})
}

// chain adds an edge between each step and the next (connect).
func (b *tmplBuild) chain(ids ...string) {
	for i := 1; i < len(ids); i++ {
		b.connect(ids[i-1], ids[i])
	}
}

// connect leads from one step to the next: a DECISION's 否 ("no") branch,
// any other step's plain edge.
func (b *tmplBuild) connect(from, to string) {
	if s := b.step(from); s != nil && s.Type == switchyard.StepDecision {
		b.branch(from, to, "no")
		return
	}
	b.edge(from, to)
}

// prologue adds 开始 → 发布前检查 → DEPLOY → 健康检查 (→ 自动化测试) and
// returns the deploy step and the last one.
func (b *tmplBuild) prologue(deployName string, test bool) (deploy, last string) {
	start := b.add("开始", switchyard.StepStart, nil)
	pre := b.add("发布前检查", switchyard.StepPreCheck, nil)
	deploy = b.add(deployName, switchyard.StepDeploy, DeployConfig{Version: b.p.version, Instances: b.p.instances})
	health := b.add("健康检查", switchyard.StepHealthCheck, HealthCheckConfig{Instances: b.p.instances})
	b.chain(start, pre, deploy, health)
	b.timeout(pre, 5)
	b.timeout(deploy, 10)
	b.timeout(health, 5)
	last = health
	if test {
		last = b.add("自动化测试", switchyard.StepTest, TestConfig{Expect: "new"})
		b.edge(health, last)
		b.timeout(last, 10)
	}
	return deploy, last
}

// epilogue adds the old version offline → 发布报告 → 结束 after from.
func (b *tmplBuild) epilogue(from, offlineName string) {
	off := b.add(offlineName, switchyard.StepOffline, OfflineConfig{})
	b.timeout(off, 10)
	b.chain(from, off, b.add("发布报告", switchyard.StepReport, nil), b.add("结束", switchyard.StepEnd, nil))
}

func (b *tmplBuild) timeout(id string, minutes float64) { b.step(id).Timeout = minutes }

// shift adds 流量切换N%: the seed's side panel (渐进式 or, for canary and
// rolling, immediate; 失败处理 自动回滚; 前置条件 健康检查通过 (and 自动化测试通过);
// 后置动作 发送通知, 记录日志) and a timeout longer than the shift can take.
func (b *tmplBuild) shift(i int, mode ShiftMode, tested bool) string {
	w := b.p.weights[i]
	cfg := ShiftConfig{Weight: &w, Mode: mode}
	if mode == ShiftGradual {
		cfg.Increment, cfg.Interval = b.p.increment, Duration(shortDuration(b.p.interval))
	}
	id := b.add(fmt.Sprintf("流量切换%d%%", w), switchyard.StepTrafficShift, cfg)
	s := b.step(id)
	s.OnFailure = &switchyard.FailurePolicy{Action: switchyard.OnFailureRollback}
	s.Preconditions = []string{switchyard.PreconditionHealthy}
	if tested {
		s.Preconditions = append(s.Preconditions, switchyard.PreconditionTested)
	}
	s.PostActions = []string{switchyard.PostActionNotify, switchyard.PostActionLog}
	s.Timeout = shiftTimeout(cfg, b.p.interval, b.p.observe[i])
	return id
}

// shiftTimeout is the seed's 5 minutes, or — with observations shorter
// than that — the observation time; and at least twice what the shift can
// take from 0 plus 30 s (a gradual shift holds each of its moves and its
// start for one interval), in minutes rounded up to a tenth.
func shiftTimeout(cfg ShiftConfig, interval, observe time.Duration) float64 {
	expected := time.Second
	if cfg.Mode != ShiftImmediate {
		moves := (*cfg.Weight + cfg.Increment - 1) / cfg.Increment
		expected = time.Duration(moves+1) * interval
	}
	d := max(min(5*time.Minute, observe), 2*expected+30*time.Second)
	tenths := (d + 6*time.Second - 1) / (6 * time.Second) // minutes to one decimal, rounded up
	return float64(tenths) / 10
}

// monitor adds 监控观察<duration> for traffic step i: the seed's success
// rate and latency checks against the old version, minRequests and
// inconclusiveLimit for the traffic the step can expect (templateRate).
func (b *tmplBuild) monitor(i int) string {
	d := b.p.observe[i]
	iv := min(b.p.sample, d)
	count := max(int(d/iv), 1)
	expected := float64(templateRate) * float64(b.p.weights[i]) / 100 * iv.Seconds()
	minReq := min(max(int(expected/2), 1), 20)
	cfg := MonitorConfig{Duration: Duration(shortDuration(d)), Interval: Duration(shortDuration(iv)), MinRequests: minReq, InconclusiveLimit: count / 2,
		Thresholds: MonitorThresholds{
			SuccessRate: &Threshold{Min: float64p(95), MaxDelta: float64p(2)},
			AvgLatency:  &Threshold{MaxRatio: float64p(1.5), Floor: float64p(20)},
		}}
	id := b.add("监控观察"+durationName(d), switchyard.StepMonitor, cfg)
	b.step(id).OnFailure = &switchyard.FailurePolicy{Action: switchyard.OnFailureRollback}
	return id
}

// decision adds 异常? reading monitor.
func (b *tmplBuild) decision(monitor string) string {
	return b.add("异常?", switchyard.StepDecision, DecisionConfig{Step: monitor})
}

// blueGreen is document 000's drawing: 开始 → 发布前检查 → 部署到蓝环境 → 健康检查
// → 自动化测试 → then per weight 流量切换N% → 监控观察 → 异常? (是 → 回滚 → back
// to 部署到蓝环境; 否 → the next weight), the last weight without a
// decision → 下线绿环境 → 发布报告 → 结束.
func (b *tmplBuild) blueGreen() {
	deploy, last := b.prologue("部署到蓝环境", true)
	for i := range b.p.weights {
		sh := b.shift(i, ShiftGradual, true)
		mon := b.monitor(i)
		b.chain(last, sh, mon)
		last = mon
		if i == len(b.p.weights)-1 {
			break
		}
		dec := b.decision(mon)
		rb := b.add("回滚", switchyard.StepRollback, nil)
		b.edge(mon, dec)
		b.branch(dec, rb, "yes")
		b.loop(rb, deploy)
		last = dec // its 否 edge leads to the next weight
	}
	b.epilogue(last, "下线绿环境")
}

// canary is Argo Rollouts' canary: immediate small steps, each analysed
// (监控观察 → 异常?, 是 → 回滚); 人工审批 before full traffic.
func (b *tmplBuild) canary() {
	deploy, last := b.prologue("部署新版本", true)
	n := len(b.p.weights)
	var decisions []string
	for i := range n - 1 {
		sh := b.shift(i, ShiftImmediate, true)
		mon := b.monitor(i)
		b.chain(last, sh, mon)
		dec := b.decision(mon)
		b.edge(mon, dec)
		decisions = append(decisions, dec)
		last = dec
	}
	approve := b.add("人工审批", switchyard.StepApproval, ApprovalConfig{Message: fmt.Sprintf("批准将全部流量切换到新版本 %s", b.p.version)})
	b.connect(last, approve)
	sh := b.shift(n-1, ShiftImmediate, true)
	mon := b.monitor(n - 1)
	b.chain(approve, sh, mon)
	b.epilogue(mon, "下线旧版本")
	if len(decisions) > 0 {
		rb := b.add("回滚", switchyard.StepRollback, nil)
		for _, dec := range decisions {
			b.branch(dec, rb, "yes")
		}
		b.loop(rb, deploy)
	}
}

// rolling is Kruise's batches by traffic: deploy, health check, then each
// batch shifted at once and briefly observed (a failed observation rolls
// back), the old version offline at the end.
func (b *tmplBuild) rolling() {
	_, last := b.prologue("部署新版本", false)
	for i := range b.p.weights {
		sh := b.shift(i, ShiftImmediate, false)
		mon := b.monitor(i)
		b.chain(last, sh, mon)
		last = mon
	}
	b.epilogue(last, "下线旧版本")
}

// durationName writes an observation time as the seed's step names do:
// 5分钟, 30秒, 1小时.
func durationName(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "小时"
	case d%time.Minute == 0:
		return strconv.Itoa(int(d/time.Minute)) + "分钟"
	case d%time.Second == 0:
		return strconv.Itoa(int(d/time.Second)) + "秒"
	}
	return d.String()
}

func float64p(v float64) *float64 { return &v }

// shortDuration writes d as a Go duration without zero units: 5m, 1h30m,
// 30s.
func shortDuration(d time.Duration) string {
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}
