package verify

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// setting is one key and value of a conditions text, with its line.
type setting struct {
	key, value string
	line       int
}

// parseProperties reads a Java .properties text as DiscoveryTool's
// PropertiesConfiguration does — '#' and '!' comments, key and value
// separated by '=', ':' or white space, lines continued by a trailing '\',
// the escapes \t \n \r \f \uXXXX and \x for x, a leading UTF-8 BOM (the
// shipped files have one) — within the budgets, and strictly: a key given
// twice is an error (Commons Configuration would make it a list).
func parseProperties(data []byte) ([]setting, error) {
	if err := checkSize("", data, ConditionsBytes, "the conditions"); err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, invalid("", "verify.conditions.encoding", "the conditions must be UTF-8 text")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(string(data), "\r\n", "\n"), "\r", "\n"), "\n")
	if len(lines) > conditionsLines {
		return nil, refuse("", rule.ReasonMembers, conditionsLines, "the conditions have %d lines", len(lines))
	}
	var out []setting
	seen := map[string]int{}
	for i := 0; i < len(lines); i++ {
		start := i + 1
		logical := strings.TrimLeft(lines[i], " \t\f")
		if logical == "" || logical[0] == '#' || logical[0] == '!' {
			continue
		}
		for continued(logical) && i+1 < len(lines) {
			i++
			logical = logical[:len(logical)-1] + strings.TrimLeft(lines[i], " \t\f")
		}
		if continued(logical) {
			logical = logical[:len(logical)-1]
		}
		key, value := splitProperty(logical)
		key, value = unescape(key), unescape(value)
		if key == "" {
			return nil, invalid("", "verify.conditions.syntax", "line %d: %q has no key", start, switchyard.Truncate(logical, 80))
		}
		if len(value) > valueBytes {
			return nil, refuse(key, rule.ReasonString, valueBytes, "the value of %s (line %d) is %d bytes long", key, start, len(value))
		}
		if first, dup := seen[key]; dup {
			return nil, invalid(key, "verify.conditions.duplicate", "%s is set twice (lines %d and %d)", key, first, start)
		}
		seen[key] = start
		if len(out) == conditionsKeys {
			return nil, refuse("", rule.ReasonMembers, conditionsKeys, "the conditions set more than %d keys", conditionsKeys)
		}
		out = append(out, setting{key: key, value: value, line: start})
	}
	return out, nil
}

// continued reports whether a line ends with an odd number of backslashes.
func continued(s string) bool {
	n := 0
	for i := len(s) - 1; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// splitProperty splits a logical line at the first unescaped separator.
func splitProperty(line string) (key, value string) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f' {
			break
		}
		i++
	}
	if i >= len(line) {
		return line, ""
	}
	key, rest := line[:i], strings.TrimLeft(line[i:], " \t\f")
	if rest != "" && (rest[0] == '=' || rest[0] == ':') && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f' || line[i] == rest[0]) {
		rest = strings.TrimLeft(rest[1:], " \t\f")
	}
	return key, strings.TrimRight(rest, " \t\f")
}

// unescape resolves a .properties text's escapes.
func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'f':
			b.WriteByte('\f')
		case 'u':
			if i+4 < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			b.WriteByte('u')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
