package spel

import "strings"

// nepxionMatch is one match of Nepxion's variable scan.
type nepxionMatch struct {
	pos, end int    // the matched text src[pos:end]
	name     string // the name Nepxion fills
}

// nepxionNames replays how Nepxion decides which #H names to fill
// (DiscoveryExpressionResolver.extractList): every match of the Java regex
// \#H\['\S+'\] (greedy, found left to right without overlap), taking the
// text between "#H['" and the first "']" of the match, trimmed. A reference
// whose name is not among these is always null in Nepxion.
func nepxionNames(src string) []nepxionMatch {
	var out []nepxionMatch
	for i := 0; ; {
		k := strings.Index(src[i:], "#H['")
		if k < 0 {
			return out
		}
		start := i + k
		body := start + len("#H['")
		run := body
		for run < len(src) && !isJavaRegexSpace(src[run]) {
			run++
		}
		// \S+ is greedy and needs one character: the match ends at the last
		// "']" of the run of non-space characters that leaves \S+ non-empty.
		last := -1
		if body+1 <= run {
			last = strings.LastIndex(src[body+1:run], "']")
		}
		if last < 0 {
			i = start + 1
			continue
		}
		end := body + 1 + last + len("']")
		name := src[body : body+strings.Index(src[body:end], "']")]
		out = append(out, nepxionMatch{pos: start, end: end, name: javaTrim(name)})
		i = end
	}
}

// isJavaRegexSpace is Java's \s without UNICODE_CHARACTER_CLASS.
func isJavaRegexSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\x0b' || c == '\f' || c == '\r'
}

// javaTrim is String.trim: it strips characters up to U+0020 at both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}
