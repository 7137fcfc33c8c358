package rule

import (
	"fmt"
	"strings"
)

// Explanation says how a rule decides one request: every condition with the
// result of its expression, and per dimension where the value came from.
type Explanation struct {
	Variables  []Attr // each expression variable and the value it got ("" = null)
	BlueGreen  []ConditionResult
	Gray       []ConditionResult
	Dimensions [numDimensions]DimensionResult
	Service    string // the service the values were resolved for ("" for none)
}

// ConditionResult is one condition and whether its expression matched.
type ConditionResult struct {
	ID         string
	Expression string
	Matched    bool
	Basic      bool // no expression: the fallback condition
}

// DimensionResult is the decision of one dimension.
type DimensionResult struct {
	Dimension Dimension
	Step      DecisionStep
	Value     string // the route value
	Service   string // the value for Explanation.Service (ServiceValue)
	Weights   string // for a gray step: the weighted routes it drew from
}

// Explain decides req like Decide (gray draws use rnd) and records why. It
// allocates; use it in tools, not on the request path.
func (c *Compiled) Explain(req Request, rnd Rand, service string) *Explanation {
	ex := &Explanation{Service: service}
	e := &evaluator{}
	e.reset(c, req)
	for slot := range c.syms.Len() {
		v, _ := e.Var(slot)
		ex.Variables = append(ex.Variables, Attr{Name: c.syms.Name(slot), Value: v})
	}
	for i, bg := range c.blueGreen {
		src := c.rule.StrategyRelease.BlueGreen[bg.index]
		ex.BlueGreen = append(ex.BlueGreen, ConditionResult{ID: src.ID, Expression: src.Expression, Basic: bg.expr < 0, Matched: e.test(i, bg.expr)})
	}
	for i, g := range c.gray {
		src := c.rule.StrategyRelease.Gray[g.index]
		ex.Gray = append(ex.Gray, ConditionResult{ID: src.ID, Expression: src.Expression, Basic: g.expr < 0, Matched: e.test(len(c.blueGreen)+i, g.expr)})
	}
	d := c.Decide(req, rnd)
	for dim := range numDimensions {
		r := DimensionResult{Dimension: dim, Step: d.Steps[dim], Value: d.Routes[dim]}
		if service != "" {
			r.Service = ServiceValue(r.Value, service)
		}
		if r.Step.Source == SourceGray {
			g := c.gray[r.Step.Condition]
			var parts []string
			for _, ch := range g.dims[dim] {
				parts = append(parts, fmt.Sprintf("%s=%d", ch.id, ch.weight))
			}
			r.Weights = strings.Join(parts, ";")
		}
		ex.Dimensions[dim] = r
	}
	return ex
}

// String renders the explanation for people.
func (ex *Explanation) String() string {
	var b strings.Builder
	if len(ex.Variables) > 0 {
		b.WriteString("variables (parameter > cookie > header > inner header):\n")
		for _, v := range ex.Variables {
			val := "null"
			if v.Value != "" {
				val = fmt.Sprintf("%q", v.Value)
			}
			fmt.Fprintf(&b, "  #H['%s'] = %s\n", v.Name, val)
		}
	}
	writeConditions(&b, "blue-green", ex.BlueGreen)
	writeConditions(&b, "gray", ex.Gray)
	b.WriteString("decision:\n")
	for _, r := range ex.Dimensions {
		fmt.Fprintf(&b, "  %-16s", r.Dimension.String()+":")
		switch r.Step.Source {
		case SourceNone:
			b.WriteString("no constraint (no condition, no <strategy> value)\n")
			continue
		case SourceBlueGreen:
			c := ex.BlueGreen[r.Step.Condition]
			why := "its expression matched"
			if c.Basic {
				why = "no expression matched; it is the basic condition"
			}
			fmt.Fprintf(&b, "blue-green condition[%s] (%s) → route[%s]", c.ID, why, r.Step.RouteID)
		case SourceGray:
			c := ex.Gray[r.Step.Condition]
			why := "its expression matched"
			if c.Basic {
				why = "no expression matched; it is the basic condition"
			}
			fmt.Fprintf(&b, "gray condition[%s] (%s), weights %s → drew route[%s]", c.ID, why, r.Weights, r.Step.RouteID)
		case SourceStrategy:
			b.WriteString("<strategy> global default route (no condition decided it)")
		}
		fmt.Fprintf(&b, " = %s", r.Value)
		if ex.Service != "" {
			if r.Service == "" {
				fmt.Fprintf(&b, " (no constraint for %s)", ex.Service)
			} else {
				fmt.Fprintf(&b, " (%s: %s)", ex.Service, r.Service)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func writeConditions(b *strings.Builder, kind string, list []ConditionResult) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(b, "%s conditions (in evaluation order):\n", kind)
	for _, c := range list {
		if c.Basic {
			fmt.Fprintf(b, "  [%s] basic (no expression)\n", c.ID)
			continue
		}
		fmt.Fprintf(b, "  [%s] %s → %t\n", c.ID, c.Expression, c.Matched)
	}
}
