package workflow

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
)

// The size budgets of a workflow: the API decodes bodies of at most 1 MB,
// and a workflow past these is refused before anything else is looked at.
const (
	MaxSteps       = 200
	MaxEdges       = 400
	MaxConfigBytes = 16 << 10 // per step
)

// The other limits Validate holds a workflow to (docs/workflows.md).
const (
	maxStepIDLen     = 64
	maxStepNameLen   = 100
	maxListEntries   = 20 // preconditions, services, approvers, headers, command words
	maxRetries       = 10
	maxTraversalsCap = 10
	maxWait          = 7 * 24 * time.Hour // any duration, a timeout
	maxBackoff       = time.Hour          // a RETRY policy's first wait
	maxMeasurements  = 10000              // a MONITOR's duration / interval
	maxProblems      = 100                // reported; one more says the rest were left off
	keptProblems     = 1000               // collected, before they are sorted and cut to maxProblems
	maxTimeoutMins   = 7 * 24 * 60        // Step.Timeout is in minutes
	minTick          = time.Second        // the shortest interval, probe or measurement
	maxTextLen       = 500                // a message, a path, a command word
)

// Validate checks a workflow before it is saved or run: every step's id,
// name, type, config, timeout, preconditions, post-actions and failure
// policies, every edge, and the graph (one START and one END, every step
// reachable, every step with a way on, a path to the END, both branches of
// each DECISION, a bound on every edge that closes a loop). It returns every
// problem found (none: valid), each naming the step, the field and a stable
// reason key with its parameters; ValidationError turns them into the error
// the API answers with. Validate never panics and its cost is bounded by
// the size budgets above whatever the input.
func Validate(w *switchyard.Workflow) []switchyard.FieldProblem {
	c := &wfCheck{w: w, index: map[string]int{}}
	if w == nil || len(w.Steps) == 0 {
		c.add(switchyard.FieldProblem{Field: "steps", Edge: -1, Reason: "workflow.steps.empty",
			Message: "the workflow has no steps: it needs at least a START and an END"})
		return c.problems
	}
	if n := len(w.Steps); n > MaxSteps {
		c.add(switchyard.FieldProblem{Field: "steps", Edge: -1, Reason: "workflow.steps.too_many",
			Params:  map[string]string{"count": strconv.Itoa(n), "max": strconv.Itoa(MaxSteps)},
			Message: fmt.Sprintf("the workflow has %d steps: at most %d are allowed", n, MaxSteps)})
		return c.problems
	}
	if n := len(w.Edges); n > MaxEdges {
		c.add(switchyard.FieldProblem{Field: "edges", Edge: -1, Reason: "workflow.edges.too_many",
			Params:  map[string]string{"count": strconv.Itoa(n), "max": strconv.Itoa(MaxEdges)},
			Message: fmt.Sprintf("the workflow has %d edges: at most %d are allowed", n, MaxEdges)})
		return c.problems
	}
	if t := w.Template; t != "" && !slices.Contains([]switchyard.Template{switchyard.TemplateBlueGreen, switchyard.TemplateCanary,
		switchyard.TemplateRolling, switchyard.TemplateCustom}, t) {
		c.add(switchyard.FieldProblem{Field: "template", Edge: -1, Reason: "workflow.template.unknown",
			Params:  map[string]string{"template": clip(string(t))},
			Message: fmt.Sprintf("template %q must be one of BLUE_GREEN, CANARY, ROLLING, CUSTOM", clip(string(t)))})
	}
	for i := range w.Steps {
		c.stepIdentity(i)
	}
	c.startAndEnd()
	c.edges()
	c.graph()
	for i := range w.Steps {
		c.stepFields(i)
	}
	return c.sorted()
}

// sorted orders the problems as the workflow reads — its own, then each
// step's, then each edge's — and keeps the first maxProblems, saying how
// many more there were.
func (c *wfCheck) sorted() []switchyard.FieldProblem {
	rank := func(p switchyard.FieldProblem) (int, int) {
		var i int
		switch {
		case p.Edge >= 0:
			return 2, p.Edge
		case strings.HasPrefix(p.Field, "steps[") && sscanIndex(p.Field, &i):
			return 1, i
		}
		return 0, 0
	}
	slices.SortStableFunc(c.problems, func(a, b switchyard.FieldProblem) int {
		ga, ia := rank(a)
		gb, ib := rank(b)
		if ga != gb {
			return ga - gb
		}
		return ia - ib
	})
	if more := len(c.problems) - maxProblems + c.truncated; more > 0 {
		c.problems = append(c.problems[:min(len(c.problems), maxProblems)], switchyard.FieldProblem{Field: "steps", Edge: -1, Reason: "workflow.problems.truncated",
			Params:  map[string]string{"max": strconv.Itoa(maxProblems), "more": strconv.Itoa(more)},
			Message: fmt.Sprintf("%d more problems were left off: only the first %d are listed", more, maxProblems)})
	}
	return c.problems
}

// sscanIndex reads the index of "steps[i]…".
func sscanIndex(field string, i *int) bool {
	rest := strings.TrimPrefix(field, "steps[")
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return false
	}
	n, err := strconv.Atoi(rest[:end])
	*i = n
	return err == nil
}

// ValidationError is the error for problems (nil for none): code invalid,
// with the first problem's field, reason and message, and every problem in
// Details (their params name the step: stepId, step).
func ValidationError(problems []switchyard.FieldProblem) error {
	if len(problems) == 0 {
		return nil
	}
	errs := make([]*switchyard.Error, len(problems))
	for i, p := range problems {
		params := make(map[string]string, len(p.Params)+2)
		for k, v := range p.Params {
			params[k] = v
		}
		params["field"] = p.Field
		if p.StepID != "" {
			params["stepId"] = p.StepID
		}
		errs[i] = switchyard.FieldErrorf(p.Field, p.Reason, "%s", p.Message).WithReason(p.Reason, params)
	}
	first := *errs[0]
	first.Details = errs
	return &first
}

// wfCheck is one Validate call: the workflow and what it found.
type wfCheck struct {
	w         *switchyard.Workflow
	index     map[string]int // step id → index of its first step
	g         *Graph
	usable    []bool                     // per edge: both ends name steps, and it may leave its step
	taken     []bool                     // per edge: the engine can ever follow it
	fromStart map[string]bool            // the steps the START leads to (nil: no START)
	reach     map[string]map[string]bool // step id → the steps it can lead to
	next      map[string][]string        // step id → where its taken edges lead
	problems  []switchyard.FieldProblem
	truncated int
}

func (c *wfCheck) add(p switchyard.FieldProblem) {
	if !c.full() {
		c.problems = append(c.problems, p)
	}
}

// full counts a problem past keptProblems instead of keeping it (and
// reports so, before the problem's message is made).
func (c *wfCheck) full() bool {
	if len(c.problems) < keptProblems {
		return false
	}
	c.truncated++
	return true
}

// who names step i in messages: its name and id.
func (c *wfCheck) who(i int) string {
	s := &c.w.Steps[i]
	name, id := clip(s.Name), clip(s.ID)
	switch {
	case name != "" && id != "":
		return fmt.Sprintf("step %q (%s)", name, id)
	case id != "":
		return "step " + id
	case name != "":
		return fmt.Sprintf("step %q (steps[%d])", name, i)
	}
	return fmt.Sprintf("steps[%d]", i)
}

// stepProblem records a problem of step i's field (relative to the step:
// "config.weight", "timeout", or "" for the step itself). params are
// key/value pairs; step (the name), stepId and field are added.
func (c *wfCheck) stepProblem(i int, field, reason, detail string, params ...string) {
	if c.full() {
		return
	}
	s := &c.w.Steps[i]
	full := fmt.Sprintf("steps[%d]", i)
	if field != "" {
		full += "." + field
	}
	p := map[string]string{"step": clip(s.Name), "stepId": clip(s.ID), "field": full}
	for k := 0; k+1 < len(params); k += 2 {
		p[params[k]] = params[k+1]
	}
	c.add(switchyard.FieldProblem{Field: full, StepID: clip(s.ID), Edge: -1, Reason: reason, Params: p, Message: c.who(i) + ": " + detail})
}

// stepIdentity checks step i's id, name and type, and indexes its id.
func (c *wfCheck) stepIdentity(i int) {
	s := &c.w.Steps[i]
	switch {
	case s.ID == "":
		c.stepProblem(i, "id", "workflow.step.id.empty", "the step has no id")
	case strings.HasPrefix(s.ID, "_"):
		c.stepProblem(i, "id", "workflow.step.id.reserved", "ids starting with \"_\" are reserved for the engine")
	case len(s.ID) > maxStepIDLen || !validID(s.ID):
		c.stepProblem(i, "id", "workflow.step.id.invalid",
			fmt.Sprintf("the id must be 1 to %d letters, digits, \"_\" or \"-\"", maxStepIDLen), "max", strconv.Itoa(maxStepIDLen))
	}
	if s.ID != "" {
		if j, dup := c.index[s.ID]; dup {
			c.stepProblem(i, "id", "workflow.step.id.duplicate", fmt.Sprintf("the id is also the id of steps[%d]", j), "other", strconv.Itoa(j))
		} else {
			c.index[s.ID] = i
		}
	}
	switch n := utf8.RuneCountInString(s.Name); {
	case strings.TrimSpace(s.Name) == "":
		c.stepProblem(i, "name", "workflow.step.name.empty", "the step has no name")
	case n > maxStepNameLen:
		c.stepProblem(i, "name", "workflow.step.name.length",
			fmt.Sprintf("the name must be at most %d characters (it has %d)", maxStepNameLen, n), "max", strconv.Itoa(maxStepNameLen))
	case switchyard.ValidateText("name", s.Name, maxStepNameLen, false) != nil:
		c.stepProblem(i, "name", "workflow.step.name.control", "the name must be text without control characters")
	}
	if !slices.Contains(switchyard.StepTypes, s.Type) {
		c.stepProblem(i, "type", "workflow.step.type.unknown",
			fmt.Sprintf("type %q is not a step type (one of %s)", clip(string(s.Type)), typeList()), "type", clip(string(s.Type)))
	}
}

// stepFields checks step i's timeout, preconditions, post-actions, failure
// policies and config.
func (c *wfCheck) stepFields(i int) {
	s := &c.w.Steps[i]
	if s.Timeout < 0 || s.Timeout > maxTimeoutMins || math.IsNaN(s.Timeout) {
		c.stepProblem(i, "timeout", "workflow.step.timeout.range",
			fmt.Sprintf("timeout must be from 0 (none) to %d minutes (7 days), found %s", maxTimeoutMins, num(s.Timeout)),
			"value", num(s.Timeout), "max", strconv.Itoa(maxTimeoutMins))
	}
	c.preconditions(i)
	c.postActions(i)
	c.policy(i, "onFailure", s.OnFailure)
	c.policy(i, "onTimeout", s.OnTimeout)
	if slices.Contains(switchyard.StepTypes, s.Type) {
		c.config(i)
	}
}

// preconditions checks step i's 前置条件: the two constants, or step:<id>
// of a step that comes before it on some path from the start.
func (c *wfCheck) preconditions(i int) {
	s := &c.w.Steps[i]
	if len(s.Preconditions) > maxListEntries {
		c.stepProblem(i, "preconditions", "workflow.step.list.too_many",
			fmt.Sprintf("preconditions has %d entries: at most %d are allowed", len(s.Preconditions), maxListEntries), "max", strconv.Itoa(maxListEntries))
		return
	}
	for k, pc := range s.Preconditions {
		field := fmt.Sprintf("preconditions[%d]", k)
		if slices.Index(s.Preconditions, pc) < k {
			c.stepProblem(i, field, "workflow.step.precondition.duplicate", fmt.Sprintf("precondition %q is listed twice", clip(pc)), "precondition", clip(pc))
			continue
		}
		switch {
		case pc == switchyard.PreconditionHealthy:
			c.earlierOfType(i, field, pc, switchyard.StepHealthCheck)
		case pc == switchyard.PreconditionTested:
			c.earlierOfType(i, field, pc, switchyard.StepTest)
		case strings.HasPrefix(pc, "step:"):
			target := strings.TrimPrefix(pc, "step:")
			j, ok := c.index[target]
			switch {
			case !ok:
				c.stepProblem(i, field, "workflow.step.precondition.no_step",
					fmt.Sprintf("precondition %q names no step of the workflow", clip(pc)), "precondition", clip(pc), "target", clip(target))
			case !c.before(target, s.ID):
				c.stepProblem(i, field, "workflow.step.precondition.not_before",
					fmt.Sprintf("precondition %q names %s, which never runs before this step", clip(pc), c.who(j)),
					"precondition", clip(pc), "target", clip(target), "targetName", clip(c.w.Steps[j].Name))
			}
		default:
			c.stepProblem(i, field, "workflow.step.precondition.unknown",
				fmt.Sprintf("precondition %q must be %s, %s or step:<id of an earlier step>", clip(pc), switchyard.PreconditionHealthy, switchyard.PreconditionTested),
				"precondition", clip(pc))
		}
	}
}

// earlierOfType wants a step of type t before step i on some path (a
// 健康检查通过 precondition needs a health check that can have passed).
func (c *wfCheck) earlierOfType(i int, field, pc string, t switchyard.StepType) {
	id := c.w.Steps[i].ID
	for _, o := range c.w.Steps {
		if o.Type == t && c.before(o.ID, id) {
			return
		}
	}
	c.stepProblem(i, field, "workflow.step.precondition.never",
		fmt.Sprintf("precondition %s can never hold: no %s step runs before this step", pc, t), "precondition", pc, "type", string(t))
}

// postActions checks step i's 后置动作: NOTIFY and LOG, once each.
func (c *wfCheck) postActions(i int) {
	s := &c.w.Steps[i]
	if len(s.PostActions) > maxListEntries {
		c.stepProblem(i, "postActions", "workflow.step.list.too_many",
			fmt.Sprintf("postActions has %d entries: at most %d are allowed", len(s.PostActions), maxListEntries), "max", strconv.Itoa(maxListEntries))
		return
	}
	for k, a := range s.PostActions {
		field := fmt.Sprintf("postActions[%d]", k)
		switch {
		case a != switchyard.PostActionNotify && a != switchyard.PostActionLog:
			c.stepProblem(i, field, "workflow.step.post_action.unknown",
				fmt.Sprintf("post-action %q must be %s or %s", clip(a), switchyard.PostActionNotify, switchyard.PostActionLog), "action", clip(a))
		case slices.Index(s.PostActions, a) < k:
			c.stepProblem(i, field, "workflow.step.post_action.duplicate", fmt.Sprintf("post-action %s is listed twice", a), "action", a)
		}
	}
}

// policy checks a failure (or timeout) policy of step i.
func (c *wfCheck) policy(i int, name string, p *switchyard.FailurePolicy) {
	if p == nil {
		return
	}
	actions := []switchyard.FailureAction{switchyard.OnFailureRollback, switchyard.OnFailurePause, switchyard.OnFailureFail,
		switchyard.OnFailureRetry, switchyard.OnFailureIgnore}
	if !slices.Contains(actions, p.Action) {
		c.stepProblem(i, name+".action", "workflow.step.failure.action",
			fmt.Sprintf("%s.action %q must be one of ROLLBACK, PAUSE, FAIL, RETRY, IGNORE", name, clip(string(p.Action))), "value", clip(string(p.Action)))
	}
	if p.Retries < 0 || p.Retries > maxRetries {
		c.stepProblem(i, name+".retries", "workflow.step.failure.retries",
			fmt.Sprintf("%s.retries must be from 0 to %d, found %d", name, maxRetries, p.Retries), "value", strconv.Itoa(p.Retries), "max", strconv.Itoa(maxRetries))
	}
	if p.Backoff != "" {
		if d, err := time.ParseDuration(p.Backoff); err != nil || d < minTick || d > maxBackoff {
			c.stepProblem(i, name+".backoff", "workflow.step.failure.backoff",
				fmt.Sprintf("%s.backoff %q must be a duration from 1s to 1h, such as 10s", name, clip(p.Backoff)), "value", clip(p.Backoff), "min", "1s", "max", "1h")
		}
	}
	if p.Then != "" && (p.Then == switchyard.OnFailureRetry || !slices.Contains(actions, p.Then)) {
		c.stepProblem(i, name+".then", "workflow.step.failure.then",
			fmt.Sprintf("%s.then %q must be one of ROLLBACK, PAUSE, FAIL, IGNORE", name, clip(string(p.Then))), "value", clip(string(p.Then)))
	}
}

// startAndEnd wants one START and one END.
func (c *wfCheck) startAndEnd() {
	for _, t := range []switchyard.StepType{switchyard.StepStart, switchyard.StepEnd} {
		lower := strings.ToLower(string(t))
		var at []int
		for i, s := range c.w.Steps {
			if s.Type == t {
				at = append(at, i)
			}
		}
		switch {
		case len(at) == 0:
			c.add(switchyard.FieldProblem{Field: "steps", Edge: -1, Reason: "workflow." + lower + ".missing", Params: map[string]string{"type": string(t)},
				Message: fmt.Sprintf("the workflow has no %s step: it needs exactly one", t)})
		case len(at) > 1:
			for _, i := range at[1:] {
				c.stepProblem(i, "type", "workflow."+lower+".multiple",
					fmt.Sprintf("the workflow has %d %s steps: it needs exactly one (the first is steps[%d])", len(at), t, at[0]),
					"type", string(t), "count", strconv.Itoa(len(at)))
			}
		}
	}
}

// validID reports whether id is letters, digits, "_" and "-".
func validID(id string) bool {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return id != ""
}

func typeList() string {
	names := make([]string, len(switchyard.StepTypes))
	for i, t := range switchyard.StepTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

// clip cuts a value quoted in a message to a readable length (hostile
// input may be long) and makes it storable text.
func clip(s string) string {
	s = switchyard.StorableText(s)
	if len(s) > 80 {
		return switchyard.Truncate(s, 80)
	}
	return s
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
