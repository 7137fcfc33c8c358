package workflow

import (
	"fmt"
	"strconv"

	"github.com/switchyard-io/switchyard"
)

// The edge and graph checks of Validate. An edge is usable when both its
// ends name steps and it may leave its step at all; it is taken when the
// engine can ever follow it: usable, not shadowed by an earlier edge of the
// same branch, and not a loop edge that may be taken 0 times. Reachability
// (from the start, to the end, "before" for preconditions) follows the
// edges that can be taken.

// edgeProblem records a problem of edge i's field ("from", "to", "when",
// "maxTraversals", or "" for the edge itself).
func (c *wfCheck) edgeProblem(i int, field, reason, detail string, params ...string) {
	if c.full() {
		return
	}
	e := c.w.Edges[i]
	full := fmt.Sprintf("edges[%d]", i)
	if field != "" {
		full += "." + field
	}
	p := map[string]string{"edge": strconv.Itoa(i), "from": clip(e.From), "to": clip(e.To), "field": full}
	for k := 0; k+1 < len(params); k += 2 {
		p[params[k]] = params[k+1]
	}
	stepID, label := "", fmt.Sprintf("edge %d (%s → %s)", i, clip(e.From), clip(e.To))
	if j, ok := c.index[e.From]; ok {
		stepID, label = e.From, fmt.Sprintf("edge %d (%s → %s) of %s", i, clip(e.From), clip(e.To), c.who(j))
		p["step"] = clip(c.w.Steps[j].Name)
	} else if j, ok := c.index[e.To]; ok {
		stepID, label = e.To, fmt.Sprintf("edge %d (%s → %s) into %s", i, clip(e.From), clip(e.To), c.who(j))
		p["step"] = clip(c.w.Steps[j].Name)
	}
	p["stepId"] = clip(stepID)
	c.add(switchyard.FieldProblem{Field: full, StepID: clip(stepID), Edge: i, Reason: reason, Params: p, Message: label + ": " + detail})
}

// edges checks every edge on its own and marks the usable ones.
func (c *wfCheck) edges() {
	c.g = NewGraph(c.w)
	c.usable = make([]bool, len(c.w.Edges))
	seen := map[string]int{}
	for i, e := range c.w.Edges {
		from, fromOK := c.index[e.From]
		to, toOK := c.index[e.To]
		if !fromOK {
			c.edgeProblem(i, "from", "workflow.edge.from.unknown", fmt.Sprintf("from %q names no step of the workflow", clip(e.From)))
		}
		if !toOK {
			c.edgeProblem(i, "to", "workflow.edge.to.unknown", fmt.Sprintf("to %q names no step of the workflow", clip(e.To)))
		}
		if !fromOK || !toOK {
			continue
		}
		if j, dup := seen[EdgeKey(e)]; dup {
			c.edgeProblem(i, "", "workflow.edge.duplicate", fmt.Sprintf("edges[%d] already leads from %s to %s", j, e.From, e.To), "other", strconv.Itoa(j))
			continue
		}
		seen[EdgeKey(e)] = i
		fs, ts := &c.w.Steps[from], &c.w.Steps[to]
		ok := true
		if fs.Type == switchyard.StepEnd {
			c.edgeProblem(i, "from", "workflow.edge.from_end", "an END step ends the execution: no edge may leave it")
			ok = false
		}
		if ts.Type == switchyard.StepStart {
			c.edgeProblem(i, "to", "workflow.edge.to_start", "the START step begins the execution: no edge may lead into it")
			ok = false
		}
		switch {
		case fs.Type == switchyard.StepDecision && e.When == "":
			c.edgeProblem(i, "when", "workflow.edge.when.missing", `an edge leaving a DECISION must say when it is taken: "yes" (异常) or "no"`)
			ok = false
		case fs.Type == switchyard.StepDecision && e.When != "yes" && e.When != "no":
			c.edgeProblem(i, "when", "workflow.edge.when.invalid", fmt.Sprintf(`when %q must be "yes" or "no"`, clip(e.When)), "when", clip(e.When))
			ok = false
		case fs.Type != switchyard.StepDecision && e.When != "":
			c.edgeProblem(i, "when", "workflow.edge.when.not_decision",
				fmt.Sprintf("when %q is only for the edges of a DECISION step; %s is a %s", clip(e.When), c.who(from), fs.Type), "when", clip(e.When), "type", string(fs.Type))
			ok = false
		}
		if m := e.MaxTraversals; m != nil && (*m < 0 || *m > maxTraversalsCap) {
			c.edgeProblem(i, "maxTraversals", "workflow.edge.max_traversals.range",
				fmt.Sprintf("maxTraversals must be from 0 to %d, found %d", maxTraversalsCap, *m), "value", strconv.Itoa(*m), "max", strconv.Itoa(maxTraversalsCap))
		}
		if c.g.ClosesLoop(e) && e.MaxTraversals == nil {
			c.edgeProblem(i, "maxTraversals", "workflow.edge.loop.unbounded",
				fmt.Sprintf("the edge leads back to %s, which comes before it: it closes a loop and must say how often it may be taken (maxTraversals, 0 to %d)",
					c.who(to), maxTraversalsCap), "max", strconv.Itoa(maxTraversalsCap))
		}
		c.usable[i] = ok
	}
}

// graph checks each step's way on, then reachability from the start and to
// the end.
func (c *wfCheck) graph() {
	c.taken = make([]bool, len(c.w.Edges))
	for i := range c.w.Steps {
		if c.first(i) {
			c.wayOn(i)
		}
	}
	c.reach = map[string]map[string]bool{}
	start := -1
	for i, s := range c.w.Steps {
		if s.Type == switchyard.StepStart && c.first(i) {
			start = i
			break
		}
	}
	if start < 0 {
		return
	}
	c.fromStart = c.reachFrom(c.w.Steps[start].ID)
	c.fromStart[c.w.Steps[start].ID] = true
	for i, s := range c.w.Steps {
		if !c.first(i) || c.fromStart[s.ID] {
			continue
		}
		if s.Type == switchyard.StepEnd {
			c.stepProblem(i, "", "workflow.end.unreachable", "no path from the START leads to this END: the execution can never complete")
		} else {
			c.stepProblem(i, "", "workflow.step.unreachable", "no path from the START leads to this step: it can never run")
		}
	}
	// No path from a reachable step can fail to end: every step but END and
	// ROLLBACK has, on each branch, an edge that does not close a loop
	// (wayOn), and those edges cannot form a cycle (a cycle closes a loop),
	// so following them always arrives at the END or at a ROLLBACK, which
	// ends the execution ROLLED_BACK; the END is reachable (above).
}

// first reports whether step i is the step its id names (ids repeated or
// empty are reported on their own).
func (c *wfCheck) first(i int) bool {
	j, ok := c.index[c.w.Steps[i].ID]
	return ok && j == i
}

// wayOn checks step i's outgoing edges, per branch (a DECISION's yes and
// no, the others' plain edge): at least one, and none after the first
// that does not close a loop (the engine takes the first edge it may, so
// later ones are never taken). A ROLLBACK may have none: it then ends the
// execution ROLLED_BACK.
func (c *wfCheck) wayOn(i int) {
	s := &c.w.Steps[i]
	if s.Type == switchyard.StepEnd {
		return
	}
	branches := []string{""}
	if s.Type == switchyard.StepDecision {
		branches = []string{"yes", "no"}
	}
	for _, b := range branches {
		plain := -1
		count := 0
		for k, e := range c.w.Edges {
			if !c.usable[k] || e.From != s.ID || e.When != b {
				continue
			}
			count++
			if plain >= 0 {
				c.edgeProblem(k, "", "workflow.edge.shadowed",
					fmt.Sprintf("the edge is never taken: edges[%d] leaves the same step%s first and is always taken", plain, branchWords(b)), "other", strconv.Itoa(plain))
				continue
			}
			closes := c.g.ClosesLoop(e)
			if !closes {
				plain = k
			}
			if !closes || e.MaxTraversals != nil && *e.MaxTraversals > 0 {
				c.taken[k] = true
			}
		}
		switch {
		case count == 0 && s.Type == switchyard.StepDecision:
			c.stepProblem(i, "", "workflow.decision.branch.missing",
				fmt.Sprintf(`the DECISION has no %q edge: it needs both a "yes" (异常) and a "no" edge`, b), "branch", b)
		case count == 0 && s.Type != switchyard.StepRollback:
			c.stepProblem(i, "", "workflow.step.edge.missing", "no edge leaves this step: add one to the step that comes next")
		case plain < 0 && s.Type != switchyard.StepRollback:
			c.stepProblem(i, "", "workflow.step.edge.loop_only",
				fmt.Sprintf("every edge leaving this step%s leads back to an earlier step: when their bounds are used up the execution would stop here; add an edge that goes on", branchWords(b)),
				"branch", b)
		}
	}
}

func branchWords(b string) string {
	if b == "" {
		return ""
	}
	return fmt.Sprintf(" on its %q branch", b)
}

// reachFrom is the set of steps the execution can get to from step id
// (not id itself unless a loop leads back to it).
func (c *wfCheck) reachFrom(id string) map[string]bool {
	if r, ok := c.reach[id]; ok {
		return r
	}
	if c.next == nil {
		c.next = map[string][]string{}
		for k, e := range c.w.Edges {
			if c.taken[k] {
				c.next[e.From] = append(c.next[e.From], e.To)
			}
		}
	}
	r := map[string]bool{}
	queue := []string{id}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, to := range c.next[cur] {
			if !r[to] {
				r[to] = true
				queue = append(queue, to)
			}
		}
	}
	c.reach[id] = r
	return r
}

// before reports whether step a can have run before step b: the start
// leads to a, and a leads to b.
func (c *wfCheck) before(a, b string) bool {
	if a == b || c.taken == nil {
		return false
	}
	if c.fromStart != nil && !c.fromStart[a] {
		return false
	}
	return c.reachFrom(a)[b]
}
