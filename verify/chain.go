package verify

import (
	"strings"

	"github.com/switchyard-io/switchyard"
)

// The reading of an inspector result (inspector.md §6, §7): hops joined by
// " -> ", each a run of [KEY=value] tags.

// hopSeparator joins the hops of a chain (PluginInfoUtil).
const hopSeparator = " -> "

// tag is one [KEY=value] of a segment.
type tag struct{ key, value string }

// splitHops splits a result into its segments, as
// StringUtils.splitByWholeSeparator(result, " -> ") does.
func splitHops(result string) []string {
	var out []string
	for len(result) > 0 && len(out) <= maxHops {
		i := strings.Index(result, hopSeparator)
		if i < 0 {
			out = append(out, result)
			break
		}
		if i > 0 {
			out = append(out, result[:i])
		}
		result = result[i+len(hopSeparator):]
	}
	return out
}

// parseTags reads a segment's tags as PluginInfoUtil does: a space is put
// between "][", every \[\S+\] is a tag, its text split at '=' (empty tokens
// dropped) into a key and a value; a tag without both is skipped. The
// regex is greedy, so a run of non-space characters holds at most one
// match: from its first '[' to its last ']' (with a character between);
// reading run by run is linear whatever the segment holds.
func parseTags(segment string) []tag {
	var out []tag
	s := segment
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		// A run ends at a space or after the ']' of "][" (Nepxion's
		// tags are written without spaces between them), read in place.
		end := i
		for end < len(s) && !isSpace(s[end]) {
			if s[end] == ']' && end+1 < len(s) && s[end+1] == '[' {
				end++
				break
			}
			end++
		}
		run := s[i:end]
		i = end
		open := strings.IndexByte(run, '[')
		closing := strings.LastIndexByte(run, ']')
		if open < 0 || closing <= open+1 {
			continue
		}
		if key, value, ok := keyValue(run[open+1 : closing]); ok {
			out = append(out, tag{key: key, value: value})
			if len(out) == maxTags {
				break
			}
		}
	}
	return out
}

// maxTags bounds the tags read from one segment (Nepxion writes 14).
const maxTags = 64

// keyValue is StringUtils.split(text, "=") tokens 0 and 1: the first two
// non-empty runs between '='.
func keyValue(text string) (key, value string, ok bool) {
	var tokens [2]string
	n := 0
	for len(text) > 0 && n < 2 {
		i := strings.IndexByte(text, '=')
		if i < 0 {
			i = len(text)
		}
		if i > 0 {
			tokens[n] = text[:i]
			n++
		}
		text = text[min(i+1, len(text)):]
	}
	return tokens[0], tokens[1], n == 2
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// substringSingle is PluginInfoUtil.substringSingle: the text between
// "[KEY=" and the next "]".
func substringSingle(text, key string) (string, bool) {
	open := "[" + key + "="
	i := strings.Index(text, open)
	if i < 0 {
		return "", false
	}
	rest := text[i+len(open):]
	j := strings.IndexByte(rest, ']')
	if j < 0 {
		return "", false
	}
	return rest[:j], true
}

// extractAll is PluginInfoUtil.extractAll: every hop reduced to the tags of
// filter, in the order they appear in the hop; no filter leaves the text
// as it is.
func extractAll(result string, filter []string) string {
	if len(filter) == 0 {
		return result
	}
	hops := splitHops(result)
	out := make([]string, 0, len(hops))
	for _, h := range hops {
		var b strings.Builder
		for _, t := range parseTags(h) {
			for _, f := range filter {
				if t.key == f {
					b.WriteString("[" + t.key + "=" + t.value + "]")
					break
				}
			}
		}
		out = append(out, b.String())
	}
	return strings.Join(out, hopSeparator)
}

// versionKeys is how DiscoveryTool's simulator reads a result: split on
// "->", skip the first segment (the entry), service@@version of every
// other segment that has both [ID=…] and [V=…].
func versionKeys(result string) []string {
	var out []string
	for i, seg := range strings.SplitN(result, "->", maxHops+2) {
		if i == 0 {
			continue
		}
		if i > maxHops {
			break
		}
		id, ok1 := substringSingle(seg, "ID")
		v, ok2 := substringSingle(seg, "V")
		if ok1 && ok2 {
			out = append(out, id+"@@"+v)
		}
	}
	return out
}

// hopsOf reads a result into its hops with their tags.
func hopsOf(result string) []switchyard.ChainHop {
	segs := splitHops(result)
	hops := make([]switchyard.ChainHop, 0, len(segs))
	for _, seg := range segs {
		h := switchyard.ChainHop{Segment: seg, Tags: map[string]string{}}
		for _, t := range parseTags(seg) {
			if _, dup := h.Tags[t.key]; !dup {
				h.Tags[t.key] = t.value
			}
		}
		h.Service, h.Version = h.Tags["ID"], h.Tags["V"]
		hops = append(hops, h)
	}
	return hops
}

// extractMap is DiscoveryExpressionResolver.extractMap: the quoted tokens of
// an expression (EXPRESSION_SINGLE_QUOTES_REGEX, [^\S"']+|"[^"]*"|'[^']*'),
// of which the single-quoted ones alternate key and value, trimmed:
// "#H['a'] == '1' and #H['b'] == '2'" is {a: 1, b: 2}.
func extractMap(expression string) []Header {
	var out []Header
	var key string
	index := 0
	s := expression
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isSpace(c):
			for i < len(s) && isSpace(s[i]) {
				i++
			}
		case c == '"':
			if j := strings.IndexByte(s[i+1:], '"'); j >= 0 {
				i += j + 2
			} else {
				i++
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				i++
				continue
			}
			name := strings.TrimSpace(s[i+1 : i+1+j])
			if index%2 == 0 {
				key = name
			} else {
				out = setHeader(out, key, name)
			}
			index++
			i += j + 2
		default:
			i++
		}
	}
	return out
}

// setHeader sets name in an ordered header list (a LinkedHashMap's put).
func setHeader(h []Header, name, value string) []Header {
	for i := range h {
		if h[i].Name == name {
			h[i].Value = value
			return h
		}
	}
	return append(h, Header{Name: name, Value: value})
}
