package releasedoc

import (
	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/internal/budget"
)

// yamlShape refuses a parsed YAML document beyond lim before it is
// converted: its size after alias expansion (Nodes: an alias counts as
// everything it refers to, so nested aliases multiply), its nesting after
// expansion (Depth; an alias inside the node it refers to nests without
// end), the keys of one mapping and the items of one sequence (Members), and
// the length of a scalar (StringBytes). Each anchored node is measured once
// and remembered, so the walk is linear in the parsed document however much
// it expands.
func yamlShape(root *yaml.Node, lim *rule.Limits) error {
	w := yamlWalk{lim: lim, memo: map[*yaml.Node]yamlSize{}, busy: map[*yaml.Node]bool{}}
	s, err := w.size(root, 1)
	if err != nil {
		return err
	}
	if s.nodes > lim.Nodes {
		return w.tooMany()
	}
	return nil
}

// yamlSize is the expanded size of a node: how many nodes and how many
// levels.
type yamlSize struct{ nodes, height int }

type yamlWalk struct {
	lim  *rule.Limits
	memo map[*yaml.Node]yamlSize // anchored nodes measured
	busy map[*yaml.Node]bool     // anchored nodes being measured (on the path)
}

func (w *yamlWalk) tooMany() error {
	return budget.Refuse("", budget.Nodes, w.lim.Nodes, "the document expands to more than %d nodes (YAML aliases repeat what they refer to)", w.lim.Nodes)
}

func (w *yamlWalk) tooDeep() error {
	return budget.Refuse("", budget.Depth, w.lim.Depth, "the document nests deeper than %d levels (after expanding YAML aliases)", w.lim.Depth)
}

// size measures n found at depth (1 for the root).
func (w *yamlWalk) size(n *yaml.Node, depth int) (yamlSize, error) {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return yamlSize{nodes: 1, height: 1}, nil
		}
		return w.size(n.Alias, depth)
	}
	if depth > w.lim.Depth {
		return yamlSize{}, w.tooDeep()
	}
	if s, ok := w.memo[n]; ok {
		if depth+s.height-1 > w.lim.Depth {
			return yamlSize{}, w.tooDeep()
		}
		return s, nil
	}
	if w.busy[n] {
		return yamlSize{}, budget.Refuse("", budget.Depth, w.lim.Depth, "an alias refers to a node that contains it, so the document nests without end")
	}
	if n.Anchor != "" {
		w.busy[n] = true
		defer delete(w.busy, n)
	}
	s := yamlSize{nodes: 1, height: 1}
	switch n.Kind {
	case yaml.ScalarNode:
		if len(n.Value) > w.lim.StringBytes {
			return yamlSize{}, budget.Refuse("", budget.String, w.lim.StringBytes, "a scalar is %d bytes long (line %d)", len(n.Value), n.Line)
		}
	case yaml.MappingNode, yaml.SequenceNode, yaml.DocumentNode:
		items := len(n.Content)
		if n.Kind == yaml.MappingNode {
			items /= 2
		}
		if items > w.lim.Members {
			return yamlSize{}, budget.Refuse("", budget.Members, w.lim.Members, "a collection has more than %d entries (line %d)", w.lim.Members, n.Line)
		}
		for _, c := range n.Content {
			cs, err := w.size(c, depth+1)
			if err != nil {
				return yamlSize{}, err
			}
			s.nodes = min(s.nodes+cs.nodes, w.lim.Nodes+1)
			s.height = max(s.height, cs.height+1)
			if s.nodes > w.lim.Nodes {
				return yamlSize{}, w.tooMany()
			}
		}
	}
	if n.Anchor != "" {
		w.memo[n] = s
	}
	return s, nil
}
