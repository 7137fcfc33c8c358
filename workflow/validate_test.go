package workflow

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// blueGreen is the blue-green template with the seed's defaults, the base
// every refusal below changes one thing of. Its steps: S1 开始, S2 发布前检查,
// S3 部署到蓝环境, S4 健康检查, S5 自动化测试, S6 流量切换10%, S7 监控观察5分钟,
// S8 异常?, S9 回滚, S10 流量切换50%, S11 监控观察10分钟, S12 异常?, S13 回滚,
// S14 流量切换100%, S15 监控观察30分钟, S16 下线绿环境, S17 发布报告, S18 结束.
// Its edges: 0 S1→S2, 1 S2→S3, 2 S3→S4, 3 S4→S5, 4 S5→S6, 5 S6→S7, 6 S7→S8,
// 7 S8→S9 yes, 8 S9→S3 (loop), 9 S8→S10 no, 10 S10→S11, 11 S11→S12,
// 12 S12→S13 yes, 13 S13→S3 (loop), 14 S12→S14 no, 15 S14→S15, 16 S15→S16,
// 17 S16→S17, 18 S17→S18.
func blueGreen(t testing.TB) *switchyard.Workflow {
	t.Helper()
	steps, edges, err := FromTemplate(switchyard.TemplateBlueGreen, switchyard.TemplateParams{NewVersion: "1.1"})
	if err != nil {
		t.Fatal(err)
	}
	return &switchyard.Workflow{ID: "WF-001", Template: switchyard.TemplateBlueGreen, Steps: steps, Edges: edges}
}

// small is START → S2 (the step given) → END.
func small(s switchyard.Step) *switchyard.Workflow {
	s.ID = "S2"
	if s.Name == "" {
		s.Name = "步骤"
	}
	return &switchyard.Workflow{Steps: []switchyard.Step{{ID: "S1", Name: "开始", Type: switchyard.StepStart}, s, {ID: "S3", Name: "结束", Type: switchyard.StepEnd}},
		Edges: []switchyard.Edge{{From: "S1", To: "S2"}, {From: "S2", To: "S3"}}}
}

func stepOf(w *switchyard.Workflow, id string) *switchyard.Step {
	for i := range w.Steps {
		if w.Steps[i].ID == id {
			return &w.Steps[i]
		}
	}
	panic("no step " + id)
}

func setConfig(id, cfg string) func(*switchyard.Workflow) {
	return func(w *switchyard.Workflow) { stepOf(w, id).Config = json.RawMessage(cfg) }
}

func intp(n int) *int { return &n }

// TestTemplateBaseIsValid: the base of the refusals has no problem, so each
// refusal below is its change's.
func TestTemplateBaseIsValid(t *testing.T) {
	if p := Validate(blueGreen(t)); len(p) != 0 {
		t.Fatalf("the blue-green template has problems: %+v", p)
	}
	if p := Validate(small(switchyard.Step{Type: switchyard.StepWait, Config: json.RawMessage(`{"duration":"1m"}`)})); len(p) != 0 {
		t.Fatalf("the small workflow has problems: %+v", p)
	}
}

// TestValidateRefuses: each invalid graph or step is refused with the
// field, the step, a stable reason, and a message naming the step by name
// and id.
func TestValidateRefuses(t *testing.T) {
	tests := []struct {
		name   string
		base   func(testing.TB) *switchyard.Workflow // default blueGreen
		change func(*switchyard.Workflow)
		field  string
		stepID string
		reason string
	}{
		// the workflow
		{name: "no steps", change: func(w *switchyard.Workflow) { w.Steps, w.Edges = nil, nil }, field: "steps", reason: "workflow.steps.empty"},
		{name: "more steps than the budget", change: func(w *switchyard.Workflow) {
			for i := len(w.Steps); i <= MaxSteps; i++ {
				w.Steps = append(w.Steps, switchyard.Step{ID: fmt.Sprintf("X%d", i), Name: "x", Type: switchyard.StepWait})
			}
		}, field: "steps", reason: "workflow.steps.too_many"},
		{name: "more edges than the budget", change: func(w *switchyard.Workflow) {
			for len(w.Edges) <= MaxEdges {
				w.Edges = append(w.Edges, switchyard.Edge{From: "S1", To: "S2"})
			}
		}, field: "edges", reason: "workflow.edges.too_many"},
		{name: "unknown template", change: func(w *switchyard.Workflow) { w.Template = "PURPLE" }, field: "template", reason: "workflow.template.unknown"},
		{name: "no START", change: func(w *switchyard.Workflow) { stepOf(w, "S1").Type = switchyard.StepPreCheck }, field: "steps", reason: "workflow.start.missing"},
		{name: "two STARTs", change: func(w *switchyard.Workflow) { stepOf(w, "S2").Type = switchyard.StepStart },
			field: "steps[1].type", stepID: "S2", reason: "workflow.start.multiple"},
		{name: "no END", change: func(w *switchyard.Workflow) { stepOf(w, "S18").Type = switchyard.StepReport }, field: "steps", reason: "workflow.end.missing"},
		{name: "two ENDs", change: func(w *switchyard.Workflow) {
			w.Steps = append(w.Steps, switchyard.Step{ID: "S19", Name: "结束2", Type: switchyard.StepEnd})
			w.Edges = append(w.Edges, switchyard.Edge{From: "S17", To: "S19"})
		}, field: "steps[18].type", stepID: "S19", reason: "workflow.end.multiple"},
		// step identity
		{name: "empty id", change: func(w *switchyard.Workflow) { stepOf(w, "S5").ID = "" }, field: "steps[4].id", reason: "workflow.step.id.empty"},
		{name: "duplicate id", change: func(w *switchyard.Workflow) { stepOf(w, "S5").ID = "S4" }, field: "steps[4].id", stepID: "S4", reason: "workflow.step.id.duplicate"},
		{name: "reserved id", change: func(w *switchyard.Workflow) { stepOf(w, "S5").ID = "_rollback" }, field: "steps[4].id", stepID: "_rollback", reason: "workflow.step.id.reserved"},
		{name: "id with a space", change: func(w *switchyard.Workflow) { stepOf(w, "S5").ID = "S 5" }, field: "steps[4].id", stepID: "S 5", reason: "workflow.step.id.invalid"},
		{name: "id too long", change: func(w *switchyard.Workflow) { stepOf(w, "S5").ID = strings.Repeat("s", 65) }, field: "steps[4].id", stepID: strings.Repeat("s", 65), reason: "workflow.step.id.invalid"},
		{name: "empty name", change: func(w *switchyard.Workflow) { stepOf(w, "S5").Name = " " }, field: "steps[4].name", stepID: "S5", reason: "workflow.step.name.empty"},
		{name: "name too long", change: func(w *switchyard.Workflow) { stepOf(w, "S5").Name = strings.Repeat("测", 101) }, field: "steps[4].name", stepID: "S5", reason: "workflow.step.name.length"},
		{name: "name with control characters", change: func(w *switchyard.Workflow) { stepOf(w, "S5").Name = "测试\x1b[31m" }, field: "steps[4].name", stepID: "S5", reason: "workflow.step.name.control"},
		{name: "unknown type", change: func(w *switchyard.Workflow) { stepOf(w, "S17").Type = "EMAIL" }, field: "steps[16].type", stepID: "S17", reason: "workflow.step.type.unknown"},
		// timeout, preconditions, post-actions, failure policies
		{name: "negative timeout", change: func(w *switchyard.Workflow) { stepOf(w, "S6").Timeout = -1 }, field: "steps[5].timeout", stepID: "S6", reason: "workflow.step.timeout.range"},
		{name: "timeout over 7 days", change: func(w *switchyard.Workflow) { stepOf(w, "S6").Timeout = 10081 }, field: "steps[5].timeout", stepID: "S6", reason: "workflow.step.timeout.range"},
		{name: "monitor timeout within its duration", change: func(w *switchyard.Workflow) { stepOf(w, "S7").Timeout = 5 }, field: "steps[6].timeout", stepID: "S7", reason: "workflow.step.timeout.short"},
		{name: "unknown precondition", change: func(w *switchyard.Workflow) { stepOf(w, "S6").Preconditions = []string{"DEPLOYED"} },
			field: "steps[5].preconditions[0]", stepID: "S6", reason: "workflow.step.precondition.unknown"},
		{name: "precondition naming no step", change: func(w *switchyard.Workflow) { stepOf(w, "S6").Preconditions = []string{"step:S99"} },
			field: "steps[5].preconditions[0]", stepID: "S6", reason: "workflow.step.precondition.no_step"},
		{name: "precondition on a later step", change: func(w *switchyard.Workflow) { stepOf(w, "S6").Preconditions = []string{"step:S10"} },
			field: "steps[5].preconditions[0]", stepID: "S6", reason: "workflow.step.precondition.not_before"},
		{name: "precondition on itself", change: func(w *switchyard.Workflow) { stepOf(w, "S6").Preconditions = []string{"step:S6"} },
			field: "steps[5].preconditions[0]", stepID: "S6", reason: "workflow.step.precondition.not_before"},
		{name: "health precondition before any health check", change: func(w *switchyard.Workflow) { stepOf(w, "S3").Preconditions = []string{switchyard.PreconditionHealthy} },
			field: "steps[2].preconditions[0]", stepID: "S3", reason: "workflow.step.precondition.never"},
		{name: "test precondition before any test", change: func(w *switchyard.Workflow) { stepOf(w, "S4").Preconditions = []string{switchyard.PreconditionTested} },
			field: "steps[3].preconditions[0]", stepID: "S4", reason: "workflow.step.precondition.never"},
		{name: "precondition twice", change: func(w *switchyard.Workflow) {
			stepOf(w, "S6").Preconditions = []string{switchyard.PreconditionTested, switchyard.PreconditionTested}
		}, field: "steps[5].preconditions[1]", stepID: "S6", reason: "workflow.step.precondition.duplicate"},
		{name: "too many preconditions", change: func(w *switchyard.Workflow) {
			s := stepOf(w, "S6")
			for range 21 {
				s.Preconditions = append(s.Preconditions, "step:S3")
			}
		}, field: "steps[5].preconditions", stepID: "S6", reason: "workflow.step.list.too_many"},
		{name: "unknown post-action", change: func(w *switchyard.Workflow) { stepOf(w, "S6").PostActions = []string{"EMAIL"} },
			field: "steps[5].postActions[0]", stepID: "S6", reason: "workflow.step.post_action.unknown"},
		{name: "post-action twice", change: func(w *switchyard.Workflow) { stepOf(w, "S6").PostActions = []string{"LOG", "LOG"} },
			field: "steps[5].postActions[1]", stepID: "S6", reason: "workflow.step.post_action.duplicate"},
		{name: "unknown failure action", change: func(w *switchyard.Workflow) { stepOf(w, "S6").OnFailure = &switchyard.FailurePolicy{Action: "EXPLODE"} },
			field: "steps[5].onFailure.action", stepID: "S6", reason: "workflow.step.failure.action"},
		{name: "no failure action", change: func(w *switchyard.Workflow) { stepOf(w, "S6").OnTimeout = &switchyard.FailurePolicy{} },
			field: "steps[5].onTimeout.action", stepID: "S6", reason: "workflow.step.failure.action"},
		{name: "too many retries", change: func(w *switchyard.Workflow) {
			stepOf(w, "S3").OnFailure = &switchyard.FailurePolicy{Action: "RETRY", Retries: 11}
		},
			field: "steps[2].onFailure.retries", stepID: "S3", reason: "workflow.step.failure.retries"},
		{name: "negative retries", change: func(w *switchyard.Workflow) {
			stepOf(w, "S3").OnFailure = &switchyard.FailurePolicy{Action: "RETRY", Retries: -1}
		},
			field: "steps[2].onFailure.retries", stepID: "S3", reason: "workflow.step.failure.retries"},
		{name: "bad backoff", change: func(w *switchyard.Workflow) {
			stepOf(w, "S3").OnFailure = &switchyard.FailurePolicy{Action: "RETRY", Retries: 2, Backoff: "soon"}
		}, field: "steps[2].onFailure.backoff", stepID: "S3", reason: "workflow.step.failure.backoff"},
		{name: "backoff under a second", change: func(w *switchyard.Workflow) {
			stepOf(w, "S3").OnFailure = &switchyard.FailurePolicy{Action: "RETRY", Retries: 2, Backoff: "10ms"}
		}, field: "steps[2].onFailure.backoff", stepID: "S3", reason: "workflow.step.failure.backoff"},
		{name: "retry then retry", change: func(w *switchyard.Workflow) {
			stepOf(w, "S3").OnFailure = &switchyard.FailurePolicy{Action: "RETRY", Retries: 2, Then: "RETRY"}
		}, field: "steps[2].onFailure.then", stepID: "S3", reason: "workflow.step.failure.then"},
		// configs
		{name: "config too large", change: setConfig("S6", `{"weight":10,"mode":"GRADUAL"`+strings.Repeat(" ", MaxConfigBytes)+`}`),
			field: "steps[5].config", stepID: "S6", reason: "workflow.config.too_large"},
		{name: "config not an object", change: setConfig("S6", `[10]`), field: "steps[5].config", stepID: "S6", reason: "workflow.config.not_object"},
		{name: "config not JSON", change: setConfig("S6", `{"weight":`), field: "steps[5].config", stepID: "S6", reason: "workflow.config.syntax"},
		{name: "config with trailing data", change: setConfig("S6", `{"weight":10} {}`), field: "steps[5].config", stepID: "S6", reason: "workflow.config.syntax"},
		{name: "unknown config field", change: setConfig("S6", `{"weight":10,"speed":3}`), field: "steps[5].config.speed", stepID: "S6", reason: "workflow.config.unknown_field"},
		{name: "config on a step without settings", change: setConfig("S9", `{"to":"old"}`), field: "steps[8].config.to", stepID: "S9", reason: "workflow.config.unknown_field"},
		{name: "weight not an integer", change: setConfig("S6", `{"weight":10.5}`), field: "steps[5].config.weight", stepID: "S6", reason: "workflow.config.type"},
		{name: "weight a string", change: setConfig("S6", `{"weight":"10"}`), field: "steps[5].config.weight", stepID: "S6", reason: "workflow.config.type"},
		{name: "weight missing", change: setConfig("S6", `{"mode":"GRADUAL"}`), field: "steps[5].config.weight", stepID: "S6", reason: "workflow.config.required"},
		{name: "weight over 100", change: setConfig("S6", `{"weight":150}`), field: "steps[5].config.weight", stepID: "S6", reason: "workflow.config.range"},
		{name: "negative weight", change: setConfig("S6", `{"weight":-5}`), field: "steps[5].config.weight", stepID: "S6", reason: "workflow.config.range"},
		{name: "unknown shift mode", change: setConfig("S6", `{"weight":10,"mode":"FAST"}`), field: "steps[5].config.mode", stepID: "S6", reason: "workflow.config.enum"},
		{name: "increment over 100", change: setConfig("S6", `{"weight":10,"increment":101}`), field: "steps[5].config.increment", stepID: "S6", reason: "workflow.config.range"},
		{name: "negative increment", change: setConfig("S6", `{"weight":10,"increment":-5}`), field: "steps[5].config.increment", stepID: "S6", reason: "workflow.config.range"},
		{name: "interval not a duration", change: setConfig("S6", `{"weight":10,"interval":"fast"}`), field: "steps[5].config.interval", stepID: "S6", reason: "workflow.config.duration"},
		{name: "interval zero", change: setConfig("S6", `{"weight":10,"interval":"0s"}`), field: "steps[5].config.interval", stepID: "S6", reason: "workflow.config.duration.range"},
		{name: "monitor duration zero", change: setConfig("S7", `{"duration":"0s","thresholds":{"errors":{"max":0}}}`),
			field: "steps[6].config.duration", stepID: "S7", reason: "workflow.config.duration.range"},
		{name: "monitor duration over 7 days", change: setConfig("S7", `{"duration":"169h","thresholds":{"errors":{"max":0}}}`),
			field: "steps[6].config.duration", stepID: "S7", reason: "workflow.config.duration.range"},
		{name: "monitor interval longer than its duration", change: setConfig("S7", `{"duration":"1m","interval":"2m","thresholds":{"errors":{"max":0}}}`),
			field: "steps[6].config.interval", stepID: "S7", reason: "workflow.config.interval.longer"},
		{name: "monitor interval longer than the default duration", change: setConfig("S7", `{"interval":"6m","thresholds":{"errors":{"max":0}}}`),
			field: "steps[6].config.interval", stepID: "S7", reason: "workflow.config.interval.longer"},
		{name: "monitor measuring too often", change: setConfig("S7", `{"duration":"168h","interval":"1s","thresholds":{"errors":{"max":0}}}`),
			field: "steps[6].config.interval", stepID: "S7", reason: "workflow.config.measurements"},
		{name: "monitor without thresholds", change: setConfig("S7", `{"duration":"5m"}`), field: "steps[6].config.thresholds", stepID: "S7", reason: "workflow.config.thresholds.none"},
		{name: "threshold without a bound", change: setConfig("S7", `{"thresholds":{"successRate":{}}}`),
			field: "steps[6].config.thresholds.successRate", stepID: "S7", reason: "workflow.config.threshold.empty"},
		{name: "success rate over 100", change: setConfig("S7", `{"thresholds":{"successRate":{"min":120}}}`),
			field: "steps[6].config.thresholds.successRate.min", stepID: "S7", reason: "workflow.config.range"},
		{name: "negative latency", change: setConfig("S7", `{"thresholds":{"avgLatency":{"max":-1}}}`),
			field: "steps[6].config.thresholds.avgLatency.max", stepID: "S7", reason: "workflow.config.range"},
		{name: "negative delta", change: setConfig("S7", `{"thresholds":{"successRate":{"maxDelta":-2}}}`),
			field: "steps[6].config.thresholds.successRate.maxDelta", stepID: "S7", reason: "workflow.config.range"},
		{name: "zero ratio", change: setConfig("S7", `{"thresholds":{"p99Latency":{"maxRatio":0}}}`),
			field: "steps[6].config.thresholds.p99Latency.maxRatio", stepID: "S7", reason: "workflow.config.range"},
		{name: "ratio on the success rate", change: setConfig("S7", `{"thresholds":{"successRate":{"maxRatio":1.1}}}`),
			field: "steps[6].config.thresholds.successRate.maxRatio", stepID: "S7", reason: "workflow.config.threshold.ratio"},
		{name: "min above max", change: setConfig("S7", `{"thresholds":{"cpu":{"min":80,"max":50}}}`),
			field: "steps[6].config.thresholds.cpu", stepID: "S7", reason: "workflow.config.threshold.order"},
		{name: "negative minRequests", change: setConfig("S7", `{"thresholds":{"errors":{"max":0}},"minRequests":-1}`),
			field: "steps[6].config.minRequests", stepID: "S7", reason: "workflow.config.range"},
		{name: "failure limit under -1", change: setConfig("S7", `{"thresholds":{"errors":{"max":0}},"failureLimit":-2}`),
			field: "steps[6].config.failureLimit", stepID: "S7", reason: "workflow.config.range"},
		{name: "deploy without a version", change: setConfig("S3", `{"instances":1}`), field: "steps[2].config.version", stepID: "S3", reason: "workflow.config.required"},
		{name: "deploy version with a space", change: setConfig("S3", `{"version":"1.1 beta"}`), field: "steps[2].config.version", stepID: "S3", reason: "workflow.config.token"},
		{name: "deploy too many instances", change: setConfig("S3", `{"version":"1.1","instances":101}`), field: "steps[2].config.instances", stepID: "S3", reason: "workflow.config.range"},
		{name: "deploy empty service name", change: setConfig("S3", `{"version":"1.1","services":["a",""]}`), field: "steps[2].config.services[1]", stepID: "S3", reason: "workflow.config.required"},
		{name: "health probe interval under a second", change: setConfig("S4", `{"interval":"100ms"}`), field: "steps[3].config.interval", stepID: "S4", reason: "workflow.config.duration.range"},
		{name: "health path without a slash", change: setConfig("S4", `{"path":"healthz"}`), field: "steps[3].config.path", stepID: "S4", reason: "workflow.config.path"},
		{name: "test expecting an unknown version", change: setConfig("S5", `{"expect":"blue"}`), field: "steps[4].config.expect", stepID: "S5", reason: "workflow.config.enum"},
		{name: "test testing nothing", change: setConfig("S5", `{"expect":"none"}`), field: "steps[4].config", stepID: "S5", reason: "workflow.config.test.nothing"},
		{name: "test gateway not a URL", change: setConfig("S5", `{"gateway":"ftp://gw"}`), field: "steps[4].config.gateway", stepID: "S5", reason: "workflow.config.url"},
		{name: "test header name", change: setConfig("S5", `{"headers":{"a b":"1"}}`), field: "steps[4].config.headers", stepID: "S5", reason: "workflow.config.header"},
		{name: "test command without a program", change: setConfig("S5", `{"command":[""]}`), field: "steps[4].config.command[0]", stepID: "S5", reason: "workflow.config.text"},
		{name: "decision reading no step", change: setConfig("S8", `{"step":"S99"}`), field: "steps[7].config.step", stepID: "S8", reason: "workflow.config.step.unknown"},
		{name: "decision reading a shift", change: setConfig("S8", `{"step":"S6"}`), field: "steps[7].config.step", stepID: "S8", reason: "workflow.config.step.not_analysis"},
		{name: "decision reading a later monitor", change: setConfig("S8", `{"step":"S11"}`), field: "steps[7].config.step", stepID: "S8", reason: "workflow.config.step.not_before"},
		{name: "offline settle not a duration", change: setConfig("S16", `{"settle":"2"}`), field: "steps[15].config.settle", stepID: "S16", reason: "workflow.config.duration"},
		{name: "wait without a duration", base: waitBase, change: setConfig("S2", `{}`), field: "steps[1].config.duration", stepID: "S2", reason: "workflow.config.required"},
		{name: "wait timeout within its duration", base: waitBase, change: func(w *switchyard.Workflow) { stepOf(w, "S2").Timeout = 1 },
			field: "steps[1].timeout", stepID: "S2", reason: "workflow.step.timeout.short"},
		{name: "too many approvers", base: approvalBase, change: setConfig("S2", `{"approvers":[`+strings.Repeat(`"a",`, 20)+`"a"]}`),
			field: "steps[1].config.approvers", stepID: "S2", reason: "workflow.config.list.too_many"},
		{name: "approval message with control characters", base: approvalBase, change: setConfig("S2", `{"message":"ok\u001b[2J"}`),
			field: "steps[1].config.message", stepID: "S2", reason: "workflow.config.text"},
		{name: "notify message too long", base: notifyBase, change: setConfig("S2", `{"message":"`+strings.Repeat("x", 501)+`"}`),
			field: "steps[1].config.message", stepID: "S2", reason: "workflow.config.text"},
		// edges
		{name: "edge from no step", change: func(w *switchyard.Workflow) { w.Edges[0].From = "S0" }, field: "edges[0].from", stepID: "S2", reason: "workflow.edge.from.unknown"},
		{name: "edge to no step", change: func(w *switchyard.Workflow) { w.Edges[18].To = "S99" }, field: "edges[18].to", stepID: "S17", reason: "workflow.edge.to.unknown"},
		{name: "duplicate edge", change: func(w *switchyard.Workflow) { w.Edges = append(w.Edges, switchyard.Edge{From: "S1", To: "S2"}) },
			field: "edges[19]", stepID: "S1", reason: "workflow.edge.duplicate"},
		{name: "edge out of the END", change: func(w *switchyard.Workflow) {
			w.Edges = append(w.Edges, switchyard.Edge{From: "S18", To: "S17", MaxTraversals: intp(1)})
		},
			field: "edges[19].from", stepID: "S18", reason: "workflow.edge.from_end"},
		{name: "edge into the START", change: func(w *switchyard.Workflow) {
			w.Edges = append(w.Edges, switchyard.Edge{From: "S2", To: "S1", MaxTraversals: intp(1)})
		},
			field: "edges[19].to", stepID: "S2", reason: "workflow.edge.to_start"},
		{name: "when on a plain step's edge", change: func(w *switchyard.Workflow) { w.Edges[0].When = "yes" }, field: "edges[0].when", stepID: "S1", reason: "workflow.edge.when.not_decision"},
		{name: "when neither yes nor no", change: func(w *switchyard.Workflow) { w.Edges[7].When = "maybe" }, field: "edges[7].when", stepID: "S8", reason: "workflow.edge.when.invalid"},
		{name: "decision edge without when", change: func(w *switchyard.Workflow) { w.Edges[7].When = "" }, field: "edges[7].when", stepID: "S8", reason: "workflow.edge.when.missing"},
		{name: "decision without a yes edge", change: func(w *switchyard.Workflow) { w.Edges = append(w.Edges[:7:7], w.Edges[8:]...) },
			field: "steps[7]", stepID: "S8", reason: "workflow.decision.branch.missing"},
		{name: "decision without a no edge", change: func(w *switchyard.Workflow) { w.Edges = append(w.Edges[:9:9], w.Edges[10:]...) },
			field: "steps[7]", stepID: "S8", reason: "workflow.decision.branch.missing"},
		{name: "decision without an analysis before it", base: decisionBase, change: func(*switchyard.Workflow) {},
			field: "steps[1]", stepID: "S2", reason: "workflow.decision.no_analysis"},
		{name: "loop without a bound", change: func(w *switchyard.Workflow) { w.Edges[8].MaxTraversals = nil },
			field: "edges[8].maxTraversals", stepID: "S9", reason: "workflow.edge.loop.unbounded"},
		{name: "self loop without a bound", change: func(w *switchyard.Workflow) { w.Edges = append(w.Edges, switchyard.Edge{From: "S4", To: "S4"}) },
			field: "edges[19].maxTraversals", stepID: "S4", reason: "workflow.edge.loop.unbounded"},
		{name: "loop bound over 10", change: func(w *switchyard.Workflow) { w.Edges[8].MaxTraversals = intp(11) },
			field: "edges[8].maxTraversals", stepID: "S9", reason: "workflow.edge.max_traversals.range"},
		{name: "negative loop bound", change: func(w *switchyard.Workflow) { w.Edges[8].MaxTraversals = intp(-1) },
			field: "edges[8].maxTraversals", stepID: "S9", reason: "workflow.edge.max_traversals.range"},
		{name: "edge never taken", change: func(w *switchyard.Workflow) { w.Edges = append(w.Edges, switchyard.Edge{From: "S2", To: "S4"}) },
			field: "edges[19]", stepID: "S2", reason: "workflow.edge.shadowed"},
		// the graph
		{name: "step without an edge on", change: func(w *switchyard.Workflow) { w.Edges = append(w.Edges[:17:17], w.Edges[18:]...) },
			field: "steps[15]", stepID: "S16", reason: "workflow.step.edge.missing"},
		{name: "step whose only edge loops back", change: func(w *switchyard.Workflow) { w.Edges[17].To, w.Edges[17].MaxTraversals = "S3", intp(1) },
			field: "steps[15]", stepID: "S16", reason: "workflow.step.edge.loop_only"},
		{name: "decision branch that only loops back", change: func(w *switchyard.Workflow) {
			w.Edges[7].To, w.Edges[7].MaxTraversals = "S3", intp(1)
			w.Steps = append(w.Steps[:8:8], w.Steps[9:]...) // S9 unused
			w.Edges = append(w.Edges[:8:8], w.Edges[9:]...)
		}, field: "steps[7]", stepID: "S8", reason: "workflow.step.edge.loop_only"},
		{name: "unreachable step", change: func(w *switchyard.Workflow) {
			w.Steps = append(w.Steps, switchyard.Step{ID: "S19", Name: "发送通知", Type: switchyard.StepNotify})
			w.Edges = append(w.Edges, switchyard.Edge{From: "S19", To: "S18"})
		}, field: "steps[18]", stepID: "S19", reason: "workflow.step.unreachable"},
		{name: "END unreachable", change: func(w *switchyard.Workflow) { w.Edges[18].To = "S9"; w.Edges[18].MaxTraversals = nil },
			field: "steps[17]", stepID: "S18", reason: "workflow.end.unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := blueGreen
			if tt.base != nil {
				base = tt.base
			}
			w := base(t)
			tt.change(w)
			problems := Validate(w)
			var found *switchyard.FieldProblem
			for i, p := range problems {
				if p.Field == tt.field && p.Reason == tt.reason {
					found = &problems[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("want %s at %s; got %s", tt.reason, tt.field, describe(problems))
			}
			if found.StepID != tt.stepID {
				t.Errorf("stepId = %q, want %q", found.StepID, tt.stepID)
			}
			if found.Params["field"] != tt.field && tt.stepID != "" {
				t.Errorf("params.field = %q, want %q", found.Params["field"], tt.field)
			}
			if tt.stepID != "" {
				s := named(w, tt.field, tt.stepID)
				if !strings.Contains(found.Message, clip(tt.stepID)) || (s != nil && s.Name != "" && !strings.Contains(found.Message, fmt.Sprintf("%q", clip(s.Name)))) {
					t.Errorf("message %q does not name the step %s by name and id", found.Message, tt.stepID)
				}
				if found.Params["stepId"] != clip(tt.stepID) {
					t.Errorf("params.stepId = %q", found.Params["stepId"])
				}
			}
			if strings.HasPrefix(tt.field, "edges[") != (found.Edge >= 0) {
				t.Errorf("edge = %d for field %s", found.Edge, tt.field)
			}
			if tt.stepID == "" && strings.HasPrefix(tt.field, "steps[") {
				// an empty id: the message names the step by name and index
				if !strings.Contains(found.Message, "自动化测试") || !strings.Contains(found.Message, "steps[4]") {
					t.Errorf("message %q does not name the step", found.Message)
				}
			}
		})
	}
}

// named is the step a problem at field names: steps[i]'s, or for an edge
// the step with id.
func named(w *switchyard.Workflow, field, id string) *switchyard.Step {
	var i int
	if _, err := fmt.Sscanf(field, "steps[%d]", &i); err == nil && i < len(w.Steps) {
		return &w.Steps[i]
	}
	return w.Step(id)
}

func waitBase(testing.TB) *switchyard.Workflow {
	return small(switchyard.Step{Name: "等待", Type: switchyard.StepWait, Config: json.RawMessage(`{"duration":"2m"}`)})
}

func approvalBase(testing.TB) *switchyard.Workflow {
	return small(switchyard.Step{Name: "人工审批", Type: switchyard.StepApproval})
}

func notifyBase(testing.TB) *switchyard.Workflow {
	return small(switchyard.Step{Name: "发送通知", Type: switchyard.StepNotify})
}

// decisionBase is START → 异常? (是 → 回滚; 否 → END): nothing it could read.
func decisionBase(testing.TB) *switchyard.Workflow {
	return &switchyard.Workflow{Steps: []switchyard.Step{
		{ID: "S1", Name: "开始", Type: switchyard.StepStart}, {ID: "S2", Name: "异常?", Type: switchyard.StepDecision},
		{ID: "S3", Name: "回滚", Type: switchyard.StepRollback}, {ID: "S4", Name: "结束", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{{From: "S1", To: "S2"}, {From: "S2", To: "S3", When: "yes"}, {From: "S2", To: "S4", When: "no"}}}
}

func describe(problems []switchyard.FieldProblem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "\n  %s %s [%s]: %s", p.Field, p.Reason, p.StepID, p.Message)
	}
	if b.Len() == 0 {
		return "no problems"
	}
	return b.String()
}

// TestValidateAcceptsWhatTheEngineRuns: shapes the engine handles are not
// refused — a ROLLBACK that ends the execution, a loop bound 0 (drawn,
// never taken), a loop edge before the edge that goes on, every step
// type's config with its fields set.
func TestValidateAcceptsWhatTheEngineRuns(t *testing.T) {
	w := blueGreen(t)
	w.Edges = append(w.Edges[:8:8], w.Edges[9:]...) // the first 回滚 ends the execution
	if p := Validate(w); len(p) != 0 {
		t.Errorf("a ROLLBACK without an edge on: %s", describe(p))
	}
	w = blueGreen(t)
	w.Edges[13].MaxTraversals = intp(0)
	w.Edges = append(w.Edges, switchyard.Edge{From: "S13", To: "S17"}) // after the loop: 发布报告
	if p := Validate(w); len(p) != 0 {
		t.Errorf("a loop then an edge on: %s", describe(p))
	}
	full := []switchyard.Step{
		{Type: switchyard.StepDeploy, Config: json.RawMessage(`{"services":["a","b"],"version":"1.1","instances":2,"deployer":"process"}`)},
		{Type: switchyard.StepHealthCheck, Config: json.RawMessage(`{"services":["a"],"version":"1.1","instances":2,"path":"/healthz","interval":"1s","settle":"0s"}`)},
		{Type: switchyard.StepTest, Config: json.RawMessage(`{"gateway":"http://127.0.0.1:5001","path":"/invoke?x=1","requests":50,"headers":{"user-type":"vip"},"expect":"old","command":["go","test"],"commandTimeout":"2m"}`)},
		{Type: switchyard.StepTrafficShift, Config: json.RawMessage(`{"weight":0,"mode":"IMMEDIATE"}`)},
		{Type: switchyard.StepMonitor, Config: json.RawMessage(`{"duration":"1m","interval":"1m","thresholds":{"successRate":{"min":99,"max":100,"maxDelta":0.5},
			"avgLatency":{"max":200,"maxRatio":1.2,"maxDelta":10},"p99Latency":{"max":1000},"errors":{"max":0},"cpu":{"max":400},"memory":{"max":2048}},
			"minRequests":50,"failureLimit":-1,"inconclusiveLimit":2,"consecutiveErrorLimit":0}`), Timeout: 1.5},
		{Type: switchyard.StepOffline, Config: json.RawMessage(`{"services":["a"],"version":"1.0","deployer":"process","settle":"3s","keepRelease":true}`)},
		{Type: switchyard.StepApproval, Config: json.RawMessage(`{"approvers":["alice","bob"],"message":"请批准\n全部流量"}`)},
		{Type: switchyard.StepNotify, Config: json.RawMessage(`{"message":"开始发布"}`)},
		{Type: switchyard.StepWait, Config: json.RawMessage(`{"duration":"30s"}`)},
		{Type: switchyard.StepPreCheck, Config: json.RawMessage(`{}`)},
		{Type: switchyard.StepReport, Config: json.RawMessage(`null`)},
		{Type: switchyard.StepRollback},
	}
	for _, s := range full {
		if p := Validate(small(s)); len(p) != 0 {
			t.Errorf("%s: %s", s.Type, describe(p))
		}
	}
}

// TestValidationError: nil for no problems; else invalid, the first
// problem's field, reason and message, every problem in Details with the
// step in its params.
func TestValidationError(t *testing.T) {
	if err := ValidationError(nil); err != nil {
		t.Fatalf("no problems: %v", err)
	}
	w := blueGreen(t)
	stepOf(w, "S6").Config = json.RawMessage(`{"weight":150}`)
	w.Edges[8].MaxTraversals = nil
	problems := Validate(w)
	err := ValidationError(problems)
	e := switchyard.AsError(err)
	if e == nil || e.Code != switchyard.CodeInvalid {
		t.Fatalf("error %v is not an invalid *switchyard.Error", err)
	}
	if e.Field != problems[0].Field || e.Reason != problems[0].Reason || e.Message != problems[0].Message || len(e.Details) != len(problems) || len(problems) != 2 {
		t.Fatalf("error %+v for problems %s", e, describe(problems))
	}
	for i, d := range e.Details {
		if d.Field != problems[i].Field || d.Reason != problems[i].Reason || d.Params["stepId"] != problems[i].StepID || d.Params["field"] != problems[i].Field || d.Code != switchyard.CodeInvalid {
			t.Errorf("detail %d = %+v, problem %+v", i, d, problems[i])
		}
	}
	if !strings.Contains(err.Error(), "steps[5].config.weight") || !strings.Contains(err.Error(), `"流量切换10%" (S6)`) {
		t.Errorf("error text %q", err.Error())
	}
}

// TestValidateCapsTheProblems: a workflow wrong everywhere lists the first
// maxProblems problems and says how many more there were.
func TestValidateCapsTheProblems(t *testing.T) {
	w := &switchyard.Workflow{}
	for i := range MaxSteps {
		w.Steps = append(w.Steps, switchyard.Step{ID: fmt.Sprintf("s%d", i), Name: "x", Type: "NOPE"})
	}
	problems := Validate(w)
	if len(problems) != maxProblems+1 {
		t.Fatalf("%d problems", len(problems))
	}
	last := problems[maxProblems]
	if last.Reason != "workflow.problems.truncated" || last.Params["more"] == "" || last.Params["more"] == "0" {
		t.Fatalf("last problem %+v", last)
	}
}

// TestValidateNil: nothing to validate is a problem, not a panic.
func TestValidateNil(t *testing.T) {
	if p := Validate(nil); len(p) != 1 || p[0].Reason != "workflow.steps.empty" {
		t.Fatalf("%+v", p)
	}
}
