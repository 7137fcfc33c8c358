package jackson

import "github.com/switchyard-io/switchyard/rule/internal/budget"

// shape walks a JSON text once, building nothing, and refuses it when it
// is beyond lim: nesting (Depth), values (Nodes, object keys not counted),
// members of one object or items of one array (Members), the length of a
// string or key as written (StringBytes). It reads leniently and stops at
// the first byte that cannot continue a JSON text, or after the first
// value: encoding/json reads the same tokens of any prefix it accepts and
// stops at a syntax error at the latest where this walk does, so the
// decoder never meets more than the walk has counted.
func shape(data []byte, lim *Limits) error {
	type level struct {
		object    bool
		expectKey bool // in an object, after '{' or ','
		members   int
	}
	stack := make([]level, 0, 16)
	nodes := 0
	// value counts a value starting at offset i (not an object key).
	value := func(i int) error {
		if nodes++; nodes > lim.Nodes {
			return budget.Refuse("", budget.Nodes, lim.Nodes, "the JSON has more than %d values (at byte %d)", lim.Nodes, i)
		}
		if n := len(stack); n > 0 && !stack[n-1].object {
			if stack[n-1].members++; stack[n-1].members > lim.Members {
				return budget.Refuse("", budget.Members, lim.Members, "a JSON array has more than %d items (at byte %d)", lim.Members, i)
			}
		}
		return nil
	}
	for i := 0; i < len(data); {
		switch c := data[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '[' || c == '{':
			if err := value(i); err != nil {
				return err
			}
			if len(stack) >= lim.Depth {
				return budget.Refuse("", budget.Depth, lim.Depth, "the JSON nests deeper than %d levels (at byte %d)", lim.Depth, i)
			}
			stack = append(stack, level{object: c == '{', expectKey: c == '{'})
			i++
		case c == ']' || c == '}':
			if len(stack) == 0 {
				return nil
			}
			stack = stack[:len(stack)-1]
			if i++; len(stack) == 0 {
				return nil
			}
		case c == ',' || c == ':':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].expectKey = c == ','
			}
			i++
		case c == '"':
			end := jsonStringEnd(data, i+1)
			if end < 0 {
				return nil
			}
			if n := end - i - 1; n > lim.StringBytes {
				return budget.Refuse("", budget.String, lim.StringBytes, "a JSON string is %d bytes long (at byte %d)", n, i)
			}
			if n := len(stack); n > 0 && stack[n-1].expectKey {
				stack[n-1].expectKey = false
				if stack[n-1].members++; stack[n-1].members > lim.Members {
					return budget.Refuse("", budget.Members, lim.Members, "a JSON object has more than %d members (at byte %d)", lim.Members, i)
				}
			} else if err := value(i); err != nil {
				return err
			}
			if i = end + 1; len(stack) == 0 {
				return nil
			}
		case isJSONWordByte(c):
			if err := value(i); err != nil {
				return err
			}
			for i < len(data) && isJSONWordByte(data[i]) {
				i++
			}
			if len(stack) == 0 {
				return nil
			}
		default:
			return nil
		}
	}
	return nil
}

// jsonStringEnd returns the offset of the quote closing the string whose
// body starts at i, or -1.
func jsonStringEnd(data []byte, i int) int {
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			return i
		case '\\':
			i++
		}
	}
	return -1
}

// isJSONWordByte reports whether c can be part of a number or of true,
// false and null (leniently: any letter).
func isJSONWordByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '+' || c == '.'
}
