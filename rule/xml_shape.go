package rule

import (
	"bytes"

	"github.com/switchyard-io/switchyard/rule/internal/budget"
)

// xmlShape walks an XML text once, building nothing, and refuses it when it
// is beyond lim: element nesting (Depth), elements (Nodes), child elements
// of one element (Members), attributes of one element (Attributes), the
// length of an attribute value or of one element's text as written
// (StringBytes; text that is only whitespace, such as the indentation
// between child elements, is not counted). Comments, processing
// instructions and CDATA sections are skipped (CDATA counts as text). The
// walk stops at a DOCTYPE or other directive, which the parser refuses, and
// at anything it cannot read; it never stops before encoding/xml would, so
// the parser never meets more than the walk has counted.
func xmlShape(data []byte, lim *Limits) error {
	type level struct{ children, text int }
	stack := make([]level, 0, 16)
	elements := 0
	addText := func(n, at int) error {
		if len(stack) == 0 || n == 0 {
			return nil
		}
		top := &stack[len(stack)-1]
		if top.text += n; top.text > lim.StringBytes {
			return budget.Refuse("", ReasonString, lim.StringBytes, "the text of an element is more than %d bytes long (at byte %d)", lim.StringBytes, at)
		}
		return nil
	}
	for i := 0; i < len(data); {
		lt := bytes.IndexByte(data[i:], '<')
		if lt < 0 {
			lt = len(data) - i
		}
		if text := data[i : i+lt]; len(bytes.TrimSpace(text)) > 0 {
			if err := addText(len(text), i); err != nil {
				return err
			}
		}
		i += lt
		if i >= len(data) {
			return nil
		}
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return nil
			}
			i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest[9:], []byte("]]>"))
			if end < 0 {
				return nil
			}
			if err := addText(end, i); err != nil {
				return err
			}
			i += 9 + end + 3
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest[2:], []byte("?>"))
			if end < 0 {
				return nil
			}
			i += 2 + end + 2
		case bytes.HasPrefix(rest, []byte("<!")):
			return nil // a directive: the parser refuses it
		case bytes.HasPrefix(rest, []byte("</")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 || len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
			i += end + 1
		default:
			if elements++; elements > lim.Nodes {
				return budget.Refuse("", ReasonNodes, lim.Nodes, "the XML has more than %d elements (at byte %d)", lim.Nodes, i)
			}
			if n := len(stack); n > 0 {
				if stack[n-1].children++; stack[n-1].children > lim.Members {
					return budget.Refuse("", ReasonMembers, lim.Members, "an element has more than %d child elements (at byte %d)", lim.Members, i)
				}
			}
			end, empty, err := xmlTagShape(data, i+1, lim)
			if err != nil || end < 0 {
				return err
			}
			if !empty {
				if len(stack) >= lim.Depth {
					return budget.Refuse("", ReasonDepth, lim.Depth, "the XML nests elements deeper than %d levels (at byte %d)", lim.Depth, i)
				}
				stack = append(stack, level{})
			}
			i = end
		}
	}
	return nil
}

// xmlTagShape reads a start tag from i (after its '<') and returns the
// offset after its '>', whether it is an empty-element tag (/>), or -1 when
// it does not end; it refuses too many attributes or too long a value.
func xmlTagShape(data []byte, i int, lim *Limits) (end int, empty bool, err error) {
	attrs := 0
	for i < len(data) {
		switch c := data[i]; c {
		case '>':
			return i + 1, i > 0 && data[i-1] == '/', nil
		case '"', '\'':
			close := bytes.IndexByte(data[i+1:], c)
			if close < 0 {
				return -1, false, nil
			}
			if close > lim.StringBytes {
				return 0, false, budget.Refuse("", ReasonString, lim.StringBytes, "an attribute value is %d bytes long (at byte %d)", close, i)
			}
			if attrs++; attrs > lim.Attributes {
				return 0, false, budget.Refuse("", ReasonAttributes, lim.Attributes, "an element has more than %d attributes (at byte %d)", lim.Attributes, i)
			}
			i += close + 2
		case '<':
			return -1, false, nil
		default:
			i++
		}
	}
	return -1, false, nil
}
