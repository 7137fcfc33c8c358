package verify

import (
	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard/rule"
)

// parseYAMLSettings reads YAML conditions as DiscoveryTool's
// YAMLConfiguration does — nested mappings become dotted keys
// (testcase: {inspect: {url: …}} is testcase.inspect.url), scalars are
// their text, null is unset — within the budgets and strictly: a list, an
// alias, a merge key, a custom tag or a key given twice is an error naming
// it.
func parseYAMLSettings(data []byte) ([]setting, error) {
	if err := checkSize("", data, ConditionsBytes, "the conditions"); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, invalid("", "verify.conditions.syntax", "the conditions are not valid YAML: %v", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	w := &flattener{seen: map[string]int{}}
	if err := w.walk(doc.Content[0], "", 1); err != nil {
		return nil, err
	}
	return w.out, nil
}

type flattener struct {
	out   []setting
	seen  map[string]int
	nodes int
}

func (w *flattener) walk(n *yaml.Node, path string, depth int) error {
	if depth > conditionsDepth {
		return refuse(path, rule.ReasonDepth, conditionsDepth, "the conditions nest deeper than %d levels", conditionsDepth)
	}
	if w.nodes++; w.nodes > conditionsNodes {
		return refuse("", rule.ReasonNodes, conditionsNodes, "the conditions have more than %d YAML nodes", conditionsNodes)
	}
	field := path
	if field == "" {
		field = "the conditions"
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return invalid(path, "verify.conditions.alias", "%s: YAML anchors and aliases are not supported in the conditions (line %d)", field, n.Line)
	}
	switch tag := n.ShortTag(); tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq", "!!timestamp":
	default:
		return invalid(path, "verify.conditions.tag", "%s: the YAML tag %s is not supported (line %d)", field, n.Tag, n.Line)
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content)/2 > conditionsKeys {
			return refuse(path, rule.ReasonMembers, conditionsKeys, "%s has more than %d keys", field, conditionsKeys)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
				return invalid(path, "verify.conditions.key", "%s: keys must be plain words (line %d)", field, k.Line)
			}
			if k.Value == "<<" {
				return invalid(path, "verify.conditions.merge", "%s: merge keys (<<) are not supported (line %d)", field, k.Line)
			}
			child := k.Value
			if path != "" {
				child = path + "." + k.Value
			}
			if err := w.walk(n.Content[i+1], child, depth+1); err != nil {
				return err
			}
		}
		return nil
	case yaml.SequenceNode:
		return invalid(path, "verify.conditions.list", "%s must be one value, not a list (line %d)", field, n.Line)
	case yaml.ScalarNode:
		if path == "" {
			return invalid("", "verify.conditions.syntax", "the conditions must be a mapping of keys (testcase: …), not a single value")
		}
		if first, dup := w.seen[path]; dup {
			return invalid(path, "verify.conditions.duplicate", "%s is set twice (lines %d and %d)", path, first, n.Line)
		}
		w.seen[path] = n.Line
		value := n.Value
		if n.ShortTag() == "!!null" {
			value = ""
		}
		if len(value) > valueBytes {
			return refuse(path, rule.ReasonString, valueBytes, "the value of %s (line %d) is %d bytes long", path, n.Line, len(value))
		}
		if len(w.out) == conditionsKeys {
			return refuse("", rule.ReasonMembers, conditionsKeys, "the conditions set more than %d keys", conditionsKeys)
		}
		w.out = append(w.out, setting{key: path, value: value, line: n.Line})
	}
	return nil
}
