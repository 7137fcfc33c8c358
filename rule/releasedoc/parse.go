package releasedoc

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/internal/budget"
	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// limits are the budgets the documents are read within: rule's, the one
// place that defines them.
var limits = rule.DefaultLimits()

// dnode is a YAML or JSON document node, reduced to what the release
// documents need: null, scalars with their resolved tag, sequences and
// ordered mappings.
type dnode struct {
	kind  dkind
	tag   string // for scalars: !!str, !!int, !!float, !!bool
	value string
	items []*dnode
	keys  []string
}

type dkind int

const (
	dNull dkind = iota
	dScalar
	dSeq
	dMap
)

// ParseYAML reads a version-release document from YAML. Like
// SnakeYAML in Nepxion's console, unknown keys are errors, header values are
// kept as written (xyz: 1 is "1"), weights must be integers and a missing
// sort is "version". Errors name the field (blueGreen[1].route).
func ParseYAML(data []byte) (*Doc, error) {
	n, err := yamlRoot(data)
	if err != nil {
		return nil, err
	}
	return releaseDocFrom(n)
}

// ParseJSON reads a version-release document from JSON (the
// create-version-release-json body). Unknown fields are errors.
func ParseJSON(data []byte) (*Doc, error) {
	n, err := jsonRoot(data)
	if err != nil {
		return nil, err
	}
	return releaseDocFrom(n)
}

// ParseRecreateYAML reads a recreate document ({service, condition, sort}).
func ParseRecreateYAML(data []byte) (*RecreateDoc, error) {
	n, err := yamlRoot(data)
	if err != nil {
		return nil, err
	}
	return recreateDocFrom(n)
}

// ParseRecreateJSON reads a recreate document from JSON.
func ParseRecreateJSON(data []byte) (*RecreateDoc, error) {
	n, err := jsonRoot(data)
	if err != nil {
		return nil, err
	}
	return recreateDocFrom(n)
}

// yamlRoot parses a YAML document within the limits: its size before
// parsing (DocumentBytes), its shape after alias expansion (yamlShape)
// before it is converted.
func yamlRoot(data []byte) (*dnode, error) {
	if err := budget.CheckSize(data, limits.DocumentBytes, "the document"); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, invalid("", "release.yaml.syntax", "invalid YAML: %v", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &dnode{kind: dNull}, nil
	}
	if err := yamlShape(doc.Content[0], &limits); err != nil {
		return nil, err
	}
	return fromYAML(doc.Content[0], "", 1)
}

func jsonRoot(data []byte) (*dnode, error) {
	if err := budget.CheckSize(data, limits.DocumentBytes, "the document"); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &dnode{kind: dNull}, nil
	}
	v, err := parseJSON(data)
	if e, ok := budget.Of(err); ok {
		return nil, e
	}
	if err != nil {
		return nil, invalid("", "release.json.syntax", "invalid JSON: %v", err)
	}
	return fromJSON(v), nil
}

var yamlStdTags = map[string]bool{"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true, "!!map": true, "!!seq": true, "!!timestamp": true}

// yamlConv converts a YAML document that yamlShape has measured into
// dnodes. An anchored node is converted once, where it is defined (anchors
// come before their aliases), and every alias shares the result: dnodes are
// read-only, so converting costs what the parsed document costs, not what
// it expands to.
type yamlConv struct{ anchored map[*yaml.Node]*dnode }

func fromYAML(y *yaml.Node, path string, depth int) (*dnode, error) {
	c := yamlConv{anchored: map[*yaml.Node]*dnode{}}
	return c.node(y, path, depth)
}

// node converts y, found at depth; the depth check only keeps the
// recursion bounded whatever happens.
func (c *yamlConv) node(y *yaml.Node, path string, depth int) (*dnode, error) {
	if depth > limits.Depth {
		return nil, budget.Refuse(path, budget.Depth, limits.Depth, "the document nests deeper than %d levels (after expanding YAML aliases)", limits.Depth)
	}
	if y.Kind == yaml.AliasNode {
		return c.node(y.Alias, path, depth)
	}
	if n, ok := c.anchored[y]; ok {
		return n, nil
	}
	n, err := c.convert(y, path, depth)
	if err == nil && y.Anchor != "" {
		c.anchored[y] = n
	}
	return n, err
}

func (c *yamlConv) convert(y *yaml.Node, path string, depth int) (*dnode, error) {
	if y.Tag != "" && !yamlStdTags[y.ShortTag()] {
		return nil, invalid(path, "release.yaml.tag", "Unsupported '%s' type encountered in YAML document", y.Tag)
	}
	switch y.Kind {
	case yaml.ScalarNode:
		if y.ShortTag() == "!!null" {
			return &dnode{kind: dNull}, nil
		}
		return &dnode{kind: dScalar, tag: y.ShortTag(), value: y.Value}, nil
	case yaml.SequenceNode:
		n := &dnode{kind: dSeq}
		for i, item := range y.Content {
			item, err := c.node(item, fmt.Sprintf("%s[%d]", path, i), depth+1)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, item)
		}
		return n, nil
	case yaml.MappingNode:
		n := &dnode{kind: dMap}
		seen := make(map[string]bool, len(y.Content)/2)
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, invalid(path, "release.yaml.key", "mapping keys must be scalars")
			}
			if k.Value == "<<" {
				return nil, invalid(join(path, k.Value), "release.yaml.merge", "merge keys are not supported")
			}
			if seen[k.Value] {
				return nil, invalid(join(path, k.Value), "release.field.duplicate", "field %q appears twice", k.Value)
			}
			seen[k.Value] = true
			v, err := c.node(y.Content[i+1], join(path, k.Value), depth+1)
			if err != nil {
				return nil, err
			}
			n.keys = append(n.keys, k.Value)
			n.items = append(n.items, v)
		}
		return n, nil
	}
	return &dnode{kind: dNull}, nil
}

// parseJSON decodes one JSON value within the limits, as package rule does.
func parseJSON(data []byte) (jackson.Value, error) {
	return jackson.Parse(data, jackson.Limits{Depth: limits.Depth, Nodes: limits.Nodes, Members: limits.Members, StringBytes: limits.StringBytes})
}

func fromJSON(v jackson.Value) *dnode {
	switch v.Kind {
	case jackson.Boolean:
		return &dnode{kind: dScalar, tag: "!!bool", value: strconv.FormatBool(v.Bool)}
	case jackson.Number:
		tag := "!!float"
		if _, err := strconv.ParseInt(v.Str, 10, 64); err == nil {
			tag = "!!int"
		}
		return &dnode{kind: dScalar, tag: tag, value: v.Str}
	case jackson.String:
		return &dnode{kind: dScalar, tag: "!!str", value: v.Str}
	case jackson.Array:
		n := &dnode{kind: dSeq}
		for _, e := range v.Arr {
			n.items = append(n.items, fromJSON(e))
		}
		return n
	case jackson.Object:
		n := &dnode{kind: dMap}
		for _, m := range v.Obj {
			n.keys = append(n.keys, m.Key)
			n.items = append(n.items, fromJSON(m.Value))
		}
		return n
	}
	return &dnode{kind: dNull}
}

func (n *dnode) kindName() string {
	switch n.kind {
	case dScalar:
		return "a scalar"
	case dSeq:
		return "a list"
	case dMap:
		return "a mapping"
	}
	return "null"
}

// mapping checks n is a mapping (or null) with known keys only.
func mapping(path string, n *dnode, known ...string) error {
	if n.kind == dNull {
		return nil
	}
	if n.kind != dMap {
		return invalid(path, "release.field.type", "%s must be a mapping, found %s", orDoc(path), n.kindName())
	}
	for _, k := range n.keys {
		if !slices.Contains(known, k) {
			return invalid(join(path, k), "release.field.unknown", "Unable to find property '%s'", k)
		}
	}
	return nil
}

func orDoc(path string) string {
	if path == "" {
		return "the document"
	}
	return path
}

// text returns a scalar's text; null gives "", and null=true.
func text(path string, n *dnode) (s string, null bool, err error) {
	switch n.kind {
	case dNull:
		return "", true, nil
	case dScalar:
		return n.value, false, nil
	}
	return "", false, invalid(path, "release.field.type", "%s must be a string, found %s", path, n.kindName())
}

func stringList(path string, n *dnode) ([]string, error) {
	if n.kind == dNull {
		return nil, nil
	}
	if n.kind != dSeq {
		return nil, invalid(path, "release.field.type", "%s must be a list, found %s", path, n.kindName())
	}
	out := []string{}
	for i, it := range n.items {
		p := fmt.Sprintf("%s[%d]", path, i)
		s, null, err := text(p, it)
		if err != nil {
			return nil, err
		}
		if null {
			return nil, invalid(p, "release.service.null", "%s must not be null", p)
		}
		out = append(out, s)
	}
	return out, nil
}

func releaseDocFrom(n *dnode) (*Doc, error) {
	if err := mapping("", n, "service", "blueGreen", "gray", "header", "sort"); err != nil {
		return nil, err
	}
	d := &Doc{Sort: string(rule.SortByVersion)}
	for i, k := range n.keys {
		v := n.items[i]
		var err error
		switch k {
		case "service":
			d.Service, err = stringList(k, v)
		case "blueGreen":
			d.BlueGreen, err = blueGreenItems(k, v)
		case "gray":
			d.Gray, err = grayItems(k, v)
		case "header":
			d.Header, err = headerMap(k, v)
		case "sort":
			d.Sort, d.sortNull, err = text(k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

func recreateDocFrom(n *dnode) (*RecreateDoc, error) {
	if err := mapping("", n, "service", "condition", "sort"); err != nil {
		return nil, err
	}
	d := &RecreateDoc{Sort: string(rule.SortByVersion)}
	for i, k := range n.keys {
		v := n.items[i]
		var err error
		switch k {
		case "service":
			d.Service, err = stringList(k, v)
		case "condition":
			d.Condition, err = boolean(k, v)
		case "sort":
			d.Sort, d.sortNull, err = text(k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// boolean accepts YAML 1.1 booleans, as SnakeYAML does.
func boolean(path string, n *dnode) (bool, error) {
	if n.kind == dNull {
		return false, nil
	}
	if n.kind == dScalar {
		switch strings.ToLower(n.value) {
		case "true", "yes", "on", "y":
			return true, nil
		case "false", "no", "off", "n":
			return false, nil
		}
	}
	return false, invalid(path, "release.field.type", "%s must be true or false", path)
}

func blueGreenItems(path string, n *dnode) ([]BlueGreenItem, error) {
	if n.kind == dNull {
		return nil, nil
	}
	if n.kind != dSeq {
		return nil, invalid(path, "release.field.type", "%s must be a list, found %s", path, n.kindName())
	}
	out := []BlueGreenItem{}
	for i, it := range n.items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := mapping(p, it, "expression", "route"); err != nil {
			return nil, err
		}
		item := BlueGreenItem{routeNull: true}
		for j, k := range it.keys {
			s, null, err := text(p+"."+k, it.items[j])
			if err != nil {
				return nil, err
			}
			if k == "expression" {
				item.Expression = s
			} else {
				item.Route, item.routeNull = s, null
			}
		}
		out = append(out, item)
	}
	return out, nil
}

func grayItems(path string, n *dnode) ([]GrayItem, error) {
	if n.kind == dNull {
		return nil, nil
	}
	if n.kind != dSeq {
		return nil, invalid(path, "release.field.type", "%s must be a list, found %s", path, n.kindName())
	}
	out := []GrayItem{}
	for i, it := range n.items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if err := mapping(p, it, "expression", "weight"); err != nil {
			return nil, err
		}
		item := GrayItem{}
		for j, k := range it.keys {
			v := it.items[j]
			if k == "expression" {
				s, _, err := text(p+".expression", v)
				if err != nil {
					return nil, err
				}
				item.Expression = s
				continue
			}
			w, err := weights(p+".weight", v)
			if err != nil {
				return nil, err
			}
			item.Weight = w
		}
		out = append(out, item)
	}
	return out, nil
}

func weights(path string, n *dnode) ([]int, error) {
	if n.kind == dNull {
		return nil, nil
	}
	if n.kind != dSeq {
		return nil, invalid(path, "gray.weight.type", "%s must be a list of integers, found %s", path, n.kindName())
	}
	out := []int{}
	for i, it := range n.items {
		p := fmt.Sprintf("%s[%d]", path, i)
		if it.kind != dScalar || it.tag != "!!int" {
			return nil, invalid(p, "gray.weight.integer", "%s must be an integer", p)
		}
		v, err := strconv.ParseInt(strings.TrimPrefix(it.value, "+"), 10, 32)
		if err != nil {
			return nil, invalid(p, "gray.weight.integer", "%s must be a decimal integer, found %q", p, it.value)
		}
		out = append(out, int(v))
	}
	return out, nil
}

func headerMap(path string, n *dnode) (*rule.StrategyHeader, error) {
	if n.kind == dNull {
		return nil, nil
	}
	if n.kind != dMap {
		return nil, invalid(path, "release.field.type", "%s must be a mapping, found %s", path, n.kindName())
	}
	entries := make([]rule.HeaderEntry, 0, len(n.keys))
	for i, k := range n.keys {
		p := path + "." + k
		s, null, err := text(p, n.items[i])
		if err != nil {
			return nil, err
		}
		if null {
			return nil, invalid(p, "header.null", "%s must have a value", p)
		}
		entries = append(entries, rule.HeaderEntry{Name: k, Value: s})
	}
	return rule.NewStrategyHeader(entries), nil
}
