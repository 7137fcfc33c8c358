package rule

import "github.com/switchyard-io/switchyard/rule/internal/jackson"

// ServiceValue returns what a route value means for one service, exactly like
// Nepxion's JsonUtil.fromJsonMap(value, service): when value is a JSON object
// its entry for service is used (missing key or null: "", no constraint);
// when it is anything else — plain text, malformed JSON, or an object whose
// entry for service is not a string — the whole raw value applies to every
// service. It does not allocate unless the entry contains JSON escapes.
func ServiceValue(value, service string) string {
	if value == "" {
		return ""
	}
	s := jscan{s: value}
	s.space()
	if !s.byte('{') {
		return value
	}
	found, result, ok := false, "", true
	s.space()
	if s.byte('}') {
		return ""
	}
	for {
		s.space()
		key, keyEsc, good := s.str()
		if !good {
			return value
		}
		s.space()
		if !s.byte(':') {
			return value
		}
		s.space()
		match := keyEquals(key, keyEsc, service)
		start := s.i
		kind := s.peek()
		if !s.value() {
			return value
		}
		if match {
			// Jackson's map keeps the last duplicate key.
			found = true
			switch kind {
			case '"':
				raw := value[start+1 : s.i-1]
				result, ok = raw, true
				if containsByte(raw, '\\') {
					result, ok = unescapeJSON(raw)
				}
			case 'n':
				result, ok = "", true
			default:
				ok = false // a non-string value: ClassCastException, raw value used
			}
		}
		s.space()
		if s.byte('}') {
			break
		}
		if !s.byte(',') {
			return value
		}
	}
	if found && !ok {
		return value
	}
	return result
}

func keyEquals(raw string, escaped bool, want string) bool {
	if !escaped {
		return raw == want
	}
	k, ok := unescapeJSON(raw)
	return ok && k == want
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// jscan is a minimal allocation-free JSON syntax scanner.
type jscan struct {
	s     string
	i     int
	depth int
}

func (j *jscan) space() {
	for j.i < len(j.s) {
		switch j.s[j.i] {
		case ' ', '\t', '\n', '\r':
			j.i++
		default:
			return
		}
	}
}

func (j *jscan) peek() byte {
	if j.i < len(j.s) {
		return j.s[j.i]
	}
	return 0
}

func (j *jscan) byte(c byte) bool {
	if j.i < len(j.s) && j.s[j.i] == c {
		j.i++
		return true
	}
	return false
}

// str scans a string and returns its raw body and whether it has escapes.
func (j *jscan) str() (raw string, escaped, ok bool) {
	if !j.byte('"') {
		return "", false, false
	}
	start := j.i
	for j.i < len(j.s) {
		c := j.s[j.i]
		switch {
		case c == '"':
			j.i++
			return j.s[start : j.i-1], escaped, true
		case c == '\\':
			escaped = true
			j.i += 2
		case c < 0x20:
			return "", false, false
		default:
			j.i++
		}
	}
	return "", false, false
}

func (j *jscan) value() bool {
	if j.depth >= maxDepth {
		return false
	}
	j.depth++
	ok := j.compound()
	j.depth--
	return ok
}

func (j *jscan) compound() bool {
	switch c := j.peek(); {
	case c == '"':
		_, _, ok := j.str()
		return ok
	case c == '{':
		j.i++
		j.space()
		if j.byte('}') {
			return true
		}
		for {
			j.space()
			if _, _, ok := j.str(); !ok {
				return false
			}
			j.space()
			if !j.byte(':') {
				return false
			}
			j.space()
			if !j.value() {
				return false
			}
			j.space()
			if j.byte('}') {
				return true
			}
			if !j.byte(',') {
				return false
			}
		}
	case c == '[':
		j.i++
		j.space()
		if j.byte(']') {
			return true
		}
		for {
			j.space()
			if !j.value() {
				return false
			}
			j.space()
			if j.byte(']') {
				return true
			}
			if !j.byte(',') {
				return false
			}
		}
	case c == 't':
		return j.word("true")
	case c == 'f':
		return j.word("false")
	case c == 'n':
		return j.word("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return j.number()
	}
	return false
}

func (j *jscan) word(w string) bool {
	if len(j.s)-j.i >= len(w) && j.s[j.i:j.i+len(w)] == w {
		j.i += len(w)
		return true
	}
	return false
}

func (j *jscan) number() bool {
	j.byte('-')
	digits := func() int {
		n := 0
		for j.i < len(j.s) && j.s[j.i] >= '0' && j.s[j.i] <= '9' {
			j.i++
			n++
		}
		return n
	}
	if j.byte('0') {
		if c := j.peek(); c >= '0' && c <= '9' {
			return false // leading zeros are refused by Jackson
		}
	} else if digits() == 0 {
		return false
	}
	if j.byte('.') && digits() == 0 {
		return false
	}
	if c := j.peek(); c == 'e' || c == 'E' {
		j.i++
		if !j.byte('+') {
			j.byte('-')
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}

// unescapeJSON decodes the body of a JSON string (allocates).
func unescapeJSON(raw string) (string, bool) {
	v, err := parseJSON([]byte(`"` + raw + `"`))
	if err != nil || v.Kind != jackson.String {
		return "", false
	}
	return v.Str, true
}
