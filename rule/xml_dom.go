package rule

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/budget"
)

// xnode is the small DOM the XML parser walks: what dom4j gives Nepxion's
// parser (element names, attributes in document order, direct text).
type xnode struct {
	name     string
	attrs    []xml.Attr
	children []*xnode
	text     strings.Builder // direct text and CDATA, as dom4j's getText
	line     int
}

// attr returns the trimmed value of attribute name (Java String.trim, as
// Nepxion's parser does) and whether it is present.
func (n *xnode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return javaTrim(a.Value), true
		}
	}
	return "", false
}

// textTrim is dom4j's getTextTrim of the element.
func (n *xnode) textTrim() string { return textTrim(n.text.String()) }

// count returns how many direct children are named name.
func (n *xnode) count(name string) int {
	c := 0
	for _, ch := range n.children {
		if ch.name == name {
			c++
		}
	}
	return c
}

// parseDOM reads an XML document into xnodes. DOCTYPE declarations are
// refused (no external entities), like a hardened dom4j reader.
func parseDOM(data []byte) (*xnode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := dec.InputPos()
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= limits.Depth { // xmlShape has refused deeper documents; this keeps the bound whatever happens
				return nil, budget.Refuse("", ReasonDepth, limits.Depth, "the XML nests elements deeper than %d levels (line %d)", limits.Depth, line)
			}
			n := &xnode{name: t.Name.Local, attrs: t.Attr, line: line}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("line %d: more than one root element", line)
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("line %d: text outside the root element", line)
			}
		case xml.Directive:
			return nil, fmt.Errorf("line %d: DOCTYPE and other directives are not allowed", line)
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}
