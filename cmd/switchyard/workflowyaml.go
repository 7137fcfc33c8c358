package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard"
)

// A workflow file is the API's workflow JSON written as YAML (workflow
// export writes it, workflow import and create -f read it). Reading is
// strict: every key is one of the API's field names (a misspelt key is an
// error naming it and its line), values have the field's type, and a
// step's config — whose keys the server checks per step type — becomes
// JSON as written. Errors the server finds in the file name the field
// (steps[3].config.weight); workflowFile finds that field's line.

// Budgets of a workflow file: the API's body limit, a depth no graph
// needs, and no aliases (a few lines of aliases expand to gigabytes).
const (
	maxWorkflowFile  = 1 << 20
	maxWorkflowDepth = 32
)

// workflowFile is a decoded workflow file: the workflow and its YAML tree,
// for the lines of fields.
type workflowFile struct {
	name string
	root *yaml.Node
	w    *switchyard.Workflow
}

// yamlProblems are the problems of a file, each on its line.
type yamlProblems []string

func (p yamlProblems) Error() string {
	if len(p) == 1 {
		return p[0]
	}
	return fmt.Sprintf("%d problems:\n  %s", len(p), strings.Join(p, "\n  "))
}

// decodeWorkflowFile reads a workflow file strictly.
func decodeWorkflowFile(name string, b []byte) (*workflowFile, error) {
	if len(b) > maxWorkflowFile {
		return nil, fmt.Errorf("%s is %d bytes: a workflow file may have at most %d", name, len(b), maxWorkflowFile)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s is empty", name)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s:%d: a workflow file holds one YAML document", name, extra.Line)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	c := &yamlCheck{file: name}
	c.node(root, reflect.TypeFor[switchyard.Workflow](), "", 0)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	var buf bytes.Buffer
	if err := writeJSON(&buf, root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	w := &switchyard.Workflow{}
	jd := json.NewDecoder(&buf)
	jd.DisallowUnknownFields()
	if err := jd.Decode(w); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &workflowFile{name: name, root: root, w: w}, nil
}

// yamlCheck walks a file's tree against the Go type it decodes into.
type yamlCheck struct {
	file     string
	problems yamlProblems
}

func (c *yamlCheck) bad(n *yaml.Node, path, format string, args ...any) {
	if len(c.problems) >= 20 {
		return
	}
	where := ""
	if path != "" {
		where = path + ": "
	}
	c.problems = append(c.problems, fmt.Sprintf("%s:%d: %s%s", c.file, n.Line, where, fmt.Sprintf(format, args...)))
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	timeType       = reflect.TypeFor[time.Time]()
)

// node checks n against t at path.
func (c *yamlCheck) node(n *yaml.Node, t reflect.Type, path string, depth int) {
	if depth > maxWorkflowDepth {
		c.bad(n, path, "nested more than %d levels deep", maxWorkflowDepth)
		return
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		c.bad(n, path, "anchors and aliases (&, *) are not allowed in a workflow file")
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t == rawMessageType) {
		return
	}
	switch {
	case t == rawMessageType:
		c.any(n, path, depth)
		return
	case t == timeType:
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!timestamp" && n.ShortTag() != "!!str") {
			c.bad(n, path, "must be a time (2006-01-02T15:04:05Z)")
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		c.node(n, t.Elem(), path, depth)
	case reflect.Struct:
		c.object(n, t, path, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.bad(n, path, "must be a list")
			return
		}
		for i, item := range n.Content {
			c.node(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.bad(n, path, "must be a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.node(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), depth+1)
		}
	default:
		c.scalar(n, t, path)
	}
}

// object checks a mapping against a struct's JSON fields.
func (c *yamlCheck) object(n *yaml.Node, t reflect.Type, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		c.bad(n, path, "must be a mapping of keys")
		return
	}
	fields := jsonFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if k.Kind != yaml.ScalarNode || !ok {
			names := make([]string, 0, len(fields))
			for name := range fields {
				names = append(names, name)
			}
			slices.Sort(names)
			where := "the workflow"
			if path != "" {
				where = path
			}
			c.bad(k, "", "unknown key %q in %s (known keys: %s)", switchyard.Truncate(k.Value, 60), where, strings.Join(names, ", "))
			continue
		}
		c.node(v, f, join(path, k.Value), depth+1)
	}
}

// jsonFields maps a struct's JSON field names to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// scalar checks a value of a scalar field.
func (c *yamlCheck) scalar(n *yaml.Node, t reflect.Type, path string) {
	tag := ""
	if n.Kind == yaml.ScalarNode {
		tag = n.ShortTag()
	}
	switch t.Kind() {
	case reflect.String:
		if tag != "!!str" {
			c.bad(n, path, "must be a string (quote %s)", describe(n))
		}
	case reflect.Bool:
		if tag != "!!bool" {
			c.bad(n, path, "must be true or false, not %s", describe(n))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		if tag != "!!int" {
			c.bad(n, path, "must be a whole number, not %s", describe(n))
		}
	case reflect.Float64, reflect.Float32:
		if tag != "!!int" && tag != "!!float" {
			c.bad(n, path, "must be a number, not %s", describe(n))
		}
	default:
		c.bad(n, path, "has a type a workflow file cannot hold (%s)", t)
	}
}

// any checks a free-form value (a step's config): no aliases, bounded
// depth, keys that are strings.
func (c *yamlCheck) any(n *yaml.Node, path string, depth int) {
	if depth > maxWorkflowDepth {
		c.bad(n, path, "nested more than %d levels deep", maxWorkflowDepth)
		return
	}
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		c.bad(n, path, "anchors and aliases (&, *) are not allowed in a workflow file")
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind != yaml.ScalarNode {
				c.bad(k, path, "keys must be plain words")
			} else {
				c.any(n.Content[i+1], join(path, k.Value), depth+1)
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			c.any(item, fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case yaml.ScalarNode:
		if tag := n.ShortTag(); tag == "!!float" {
			if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				c.bad(n, path, "%s is not a finite number", describe(n))
			}
		} else if tag == "!!binary" {
			c.bad(n, path, "binary values are not allowed")
		}
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(switchyard.Truncate(n.Value, 40))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// writeJSON writes a checked tree as JSON, keys in the file's order.
func writeJSON(w *bytes.Buffer, n *yaml.Node) error {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			w.WriteString("null")
			return nil
		}
		return writeJSON(w, n.Content[0])
	case yaml.MappingNode:
		w.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				w.WriteByte(',')
			}
			k, _ := json.Marshal(n.Content[i].Value)
			w.Write(k)
			w.WriteByte(':')
			if err := writeJSON(w, n.Content[i+1]); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	case yaml.SequenceNode:
		w.WriteByte('[')
		for i, item := range n.Content {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := writeJSON(w, item); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			b, _ := json.Marshal(n.Value)
			w.Write(b)
			return nil
		case "!!null":
			w.WriteString("null")
			return nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		w.Write(b)
	default:
		return fmt.Errorf("line %d: anchors and aliases are not allowed", n.Line)
	}
	return nil
}

// lineOf is the line of the field at path (steps[3].config.weight), or of
// the nearest enclosing one found; 0 if none.
func (f *workflowFile) lineOf(path string) int {
	n, line := f.root, f.root.Line
	for _, part := range splitPath(path) {
		var next *yaml.Node
		if i, err := strconv.Atoi(part); err == nil && n.Kind == yaml.SequenceNode {
			if i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		} else if n.Kind == yaml.MappingNode {
			for k := 0; k+1 < len(n.Content); k += 2 {
				if n.Content[k].Value == part {
					next = n.Content[k+1]
					line = n.Content[k].Line
					break
				}
			}
		}
		if next == nil {
			return line
		}
		n = next
		if n.Kind != yaml.ScalarNode || line == 0 {
			line = n.Line
		}
	}
	return line
}

// splitPath splits steps[3].config.weight into steps, 3, config, weight.
func splitPath(path string) []string {
	return strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == '[' || r == ']' })
}

// annotate puts the file's line on an error naming a field (and on each of
// its details), so a refusal from the server points into the file.
func (f *workflowFile) annotate(err error) error {
	e := switchyard.AsError(err)
	if e == nil || (e.Field == "" && len(e.Details) == 0) {
		return err
	}
	var lines []string
	if len(e.Details) == 0 {
		lines = append(lines, f.at(e.Field, e.Message))
	}
	for _, d := range e.Details {
		lines = append(lines, f.at(d.Field, d.Message))
	}
	out := *e
	out.Field, out.Details = "", nil
	if len(lines) == 1 {
		out.Message = lines[0]
	} else {
		out.Message = fmt.Sprintf("%s has %d problems:\n  %s", f.name, len(lines), strings.Join(lines, "\n  "))
	}
	return &out
}

// at is "file:line: field: message".
func (f *workflowFile) at(field, msg string) string {
	if field == "" {
		return f.name + ": " + msg
	}
	return fmt.Sprintf("%s:%d: %s: %s", f.name, f.lineOf(field), field, msg)
}

// exportYAML writes a workflow as its file: the API's JSON in YAML, keys in
// the API's order.
func exportYAML(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err
	}
	blockStyle(&doc)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// blockStyle drops the flow style JSON has, so the file reads as YAML.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}
