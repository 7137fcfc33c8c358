package workflow

import "github.com/switchyard-io/switchyard"

// Graph indexes a workflow's edges by step.
type Graph struct {
	w    *switchyard.Workflow
	out  map[string][]switchyard.Edge
	in   map[string][]switchyard.Edge
	back map[string]bool // "from>to" of the edges that close a loop
}

// NewGraph indexes w and finds the edges that close loops: those leading
// back to a step on the way to them (a depth-first walk from the start, in
// the workflow's edge order).
func NewGraph(w *switchyard.Workflow) *Graph {
	g := &Graph{w: w, out: map[string][]switchyard.Edge{}, in: map[string][]switchyard.Edge{}, back: map[string]bool{}}
	for _, e := range w.Edges {
		g.out[e.From] = append(g.out[e.From], e)
		g.in[e.To] = append(g.in[e.To], e)
	}
	const (
		unseen = iota
		onPath
		done
	)
	mark := map[string]int{}
	var walk func(id string)
	walk = func(id string) {
		mark[id] = onPath
		for _, e := range g.out[id] {
			switch mark[e.To] {
			case onPath:
				g.back[EdgeKey(e)] = true
			case unseen:
				walk(e.To)
			}
		}
		mark[id] = done
	}
	if s := g.Start(); s != "" {
		walk(s)
	}
	for _, s := range w.Steps { // steps the start does not reach
		if mark[s.ID] == unseen {
			walk(s.ID)
		}
	}
	return g
}

// EdgeKey names an edge in traversal counts: "from>to".
func EdgeKey(e switchyard.Edge) string { return e.From + ">" + e.To }

// ClosesLoop reports whether e leads back to a step on the way to it.
func (g *Graph) ClosesLoop(e switchyard.Edge) bool { return g.back[EdgeKey(e)] }

// Out lists the edges leaving step id, in the workflow's order.
func (g *Graph) Out(id string) []switchyard.Edge { return g.out[id] }

// In lists the edges entering step id.
func (g *Graph) In(id string) []switchyard.Edge { return g.in[id] }

// Start is where an execution begins: the START step, else the first step
// nothing leads to, else the first step.
func (g *Graph) Start() string {
	for _, s := range g.w.Steps {
		if s.Type == switchyard.StepStart {
			return s.ID
		}
	}
	for _, s := range g.w.Steps {
		if len(g.in[s.ID]) == 0 {
			return s.ID
		}
	}
	if len(g.w.Steps) > 0 {
		return g.w.Steps[0].ID
	}
	return ""
}

// LeadsToDecision reports whether a step's plain edge goes to a DECISION.
func (g *Graph) LeadsToDecision(id string) bool {
	for _, e := range g.out[id] {
		if e.When != "" {
			continue
		}
		if s := g.w.Step(e.To); s != nil && s.Type == switchyard.StepDecision {
			return true
		}
	}
	return false
}

// Path is the steps an execution at from would enter next if every
// DECISION said 否 and no loop were taken: the remaining plan, for the
// execution page's estimate and its pending steps.
func (g *Graph) Path(from string) []string {
	var out []string
	seen := map[string]bool{from: true}
	cur := from
	for {
		next := ""
		for _, e := range g.out[cur] {
			if e.When == "" || e.When == "no" {
				next = e.To
				break
			}
		}
		if next == "" || seen[next] {
			return out
		}
		seen[next] = true
		out = append(out, next)
		cur = next
	}
}
