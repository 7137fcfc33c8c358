package workflow

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/budgettest"
)

// The budgets Validate is held to: the API decodes bodies of at most 1 MB,
// and whatever they hold is judged within validateTime and validateBytes
// (the refusal budget of the parsers, issue 8); a fuzz input within a
// second.
const (
	validateTime  = 100 * time.Millisecond
	validateBytes = 64 << 20
	maxBody       = 1 << 20
)

// withinBudget is internal/budgettest's, with the limits given.
func withinBudget(t testing.TB, limit time.Duration, limitBytes uint64, f func()) {
	t.Helper()
	budgettest.WithinLimits(t, limit, limitBytes, f)
}

// hostile builds the worst workflows a 1 MB body can carry within the size
// budgets.
func hostile() map[string]*switchyard.Workflow {
	out := map[string]*switchyard.Workflow{}

	// Every step at the config budget: the whole budget decoded.
	big := &switchyard.Workflow{}
	pad := strings.Repeat("x", MaxConfigBytes-64)
	for i := range MaxSteps {
		cfg := fmt.Sprintf(`{"weight":%d,"mode":"GRADUAL","interval":"1s"}`, i%101)
		if i < maxBody/MaxConfigBytes-2 {
			cfg = fmt.Sprintf(`{"weight":%d,"mode":"GRADUAL","interval":"%s"}`, i%101, pad)
		}
		big.Steps = append(big.Steps, switchyard.Step{ID: fmt.Sprintf("s%d", i), Name: "流量切换", Type: switchyard.StepTrafficShift, Config: json.RawMessage(cfg)})
	}
	out["configs at the budget"] = big

	// Dense: 200 steps, 400 edges with loops, decisions and 20
	// preconditions naming steps each: reachability from every step.
	dense := &switchyard.Workflow{}
	types := switchyard.StepTypes
	for i := range MaxSteps {
		s := switchyard.Step{ID: fmt.Sprintf("s%d", i), Name: fmt.Sprintf("步骤%d", i), Type: types[i%len(types)]}
		for k := range maxListEntries {
			s.Preconditions = append(s.Preconditions, fmt.Sprintf("step:s%d", (i*7+k*13)%MaxSteps))
		}
		dense.Steps = append(dense.Steps, s)
	}
	for i := range MaxEdges {
		from, to := (i*31)%MaxSteps, (i*17+1)%MaxSteps
		e := switchyard.Edge{From: fmt.Sprintf("s%d", from), To: fmt.Sprintf("s%d", to)}
		if i%3 == 0 {
			e.When = "yes"
		}
		dense.Edges = append(dense.Edges, e)
	}
	out["dense graph"] = dense

	// A chain 200 deep: the deepest walk.
	chain := &switchyard.Workflow{}
	for i := range MaxSteps {
		chain.Steps = append(chain.Steps, switchyard.Step{ID: fmt.Sprintf("s%d", i), Name: "s", Type: switchyard.StepNotify,
			Preconditions: []string{fmt.Sprintf("step:s%d", max(i-1, 0))}})
		if i > 0 {
			chain.Edges = append(chain.Edges, switchyard.Edge{From: fmt.Sprintf("s%d", i-1), To: fmt.Sprintf("s%d", i)},
				switchyard.Edge{From: fmt.Sprintf("s%d", i), To: "s0", MaxTraversals: intp(10)})
		}
	}
	chain.Steps[0].Type, chain.Steps[MaxSteps-1].Type = switchyard.StepStart, switchyard.StepEnd
	out["deep chain with loops"] = chain

	// A 1 MB body of steps: refused by count before any is looked at.
	many := &switchyard.Workflow{}
	for i := 0; len(many.Steps) < maxBody/100; i++ {
		many.Steps = append(many.Steps, switchyard.Step{ID: fmt.Sprintf("s%d", i), Name: "x", Type: "X"})
	}
	out["1 MB of steps"] = many

	// Nesting at the config budget.
	nested := small(switchyard.Step{Type: switchyard.StepMonitor,
		Config: json.RawMessage(`{"thresholds":` + strings.Repeat("[", MaxConfigBytes/2-16) + strings.Repeat("]", MaxConfigBytes/2-16) + `}`)})
	out["nested config"] = nested
	return out
}

// TestValidateBudget: the worst inputs are judged within the budget (the
// time scaled by the race detector's slowdown).
func TestValidateBudget(t *testing.T) {
	for name, w := range hostile() {
		t.Run(name, func(t *testing.T) {
			body, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			if len(body) > maxBody {
				t.Fatalf("the input is %d bytes: more than the API reads", len(body))
			}
			var problems []switchyard.FieldProblem
			withinBudget(t, validateTime*validateRaceFactor, validateBytes, func() { problems = Validate(w) })
			if len(problems) == 0 {
				t.Fatal("accepted")
			}
			if len(problems) > maxProblems+1 {
				t.Errorf("%d problems listed", len(problems))
			}
		})
	}
}

// FuzzValidate: any JSON a client sends, decoded into a workflow, is
// judged without panicking, within a second and 64 MB, and every problem
// names its field, reason and message (and the step it is about).
func FuzzValidate(f *testing.F) {
	for _, tp := range allTemplates {
		steps, edges, err := FromTemplate(tp, switchyard.TemplateParams{NewVersion: "1.1", Retries: 1})
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(switchyard.Workflow{Template: tp, Steps: steps, Edges: edges})
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `{"steps":null}`, `{"steps":[{}]}`,
		`{"steps":[{"id":"a","name":"a","type":"START"},{"id":"b","name":"b","type":"END"}],"edges":[{"from":"a","to":"b"},{"from":"b","to":"a"}]}`,
		`{"steps":[{"id":"a","name":"a","type":"START"},{"id":"d","name":"异常?","type":"DECISION","config":{"step":"a"}},{"id":"b","name":"b","type":"END"}],"edges":[{"from":"a","to":"d"},{"from":"d","to":"b","when":"yes"},{"from":"d","to":"d","when":"no","maxTraversals":-1}]}`,
		`{"steps":[{"id":"m","name":"m","type":"MONITOR","timeout":1e308,"config":{"duration":"-5m","interval":"1ns","thresholds":{"successRate":{"min":-1e308,"maxRatio":1}}}}]}`,
		`{"steps":[{"id":"s","name":"s","type":"TRAFFIC_SHIFT","config":{"weight":1e20,"increment":-1,"interval":"9999999h"},"preconditions":["step:s","step:","HEALTH_CHECK_PASSED"],"onFailure":{"action":"RETRY","retries":-1,"backoff":"-1s","then":"RETRY"}}]}`,
		`{"steps":[{"id":"t","name":"t","type":"TEST","config":{"headers":{"":"\u0000"},"command":[],"gateway":"http://[::1"}}]}`,
		`{"steps":[{"id":"x","name":"x","type":"WAIT","config":"not an object"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxBody {
			return // the API refuses larger bodies before decoding
		}
		var w switchyard.Workflow
		if json.Unmarshal(data, &w) != nil {
			return
		}
		var problems []switchyard.FieldProblem
		start := time.Now()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		problems = Validate(&w)
		runtime.ReadMemStats(&after)
		if d := time.Since(start); d > time.Second {
			t.Errorf("took %v", d)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc >= validateBytes {
			t.Errorf("allocated %d MB", alloc>>20)
		}
		if len(problems) > maxProblems+1 {
			t.Errorf("%d problems", len(problems))
		}
		for _, p := range problems {
			if p.Field == "" || !strings.HasPrefix(p.Reason, "workflow.") || p.Message == "" {
				t.Errorf("problem without field, reason or message: %+v", p)
			}
			if p.StepID != "" && !strings.Contains(p.Message, p.StepID) {
				t.Errorf("problem about step %q whose message does not name it: %q", p.StepID, p.Message)
			}
		}
		if (ValidationError(problems) == nil) != (len(problems) == 0) {
			t.Error("ValidationError disagrees with the problems")
		}
	})
}
