package rule

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MatchList reports whether value is in the ";" list values, exactly or by a
// Spring AntPathMatcher pattern (Nepxion's DiscoveryMatcher.match): exact
// membership is tried first, then every token as a pattern. It does not
// allocate.
func MatchList(values, value string) bool {
	for rest := values; rest != ""; {
		var tok string
		if tok, rest = nextToken(rest); tok == value && tok != "" {
			return true
		}
	}
	for rest := values; rest != ""; {
		var tok string
		if tok, rest = nextToken(rest); tok != "" && AntMatch(tok, value) {
			return true
		}
	}
	return false
}

// literalList reports whether no token of the ";" list values is a
// pattern, so that MatchList(values, v) is InList(values, v): AntMatch of
// an ASCII token without "*", "?" and "/" is true only for the token
// itself.
func literalList(values string) bool {
	for i := 0; i < len(values); i++ {
		if isPatternByte(values[i]) {
			return false
		}
	}
	return true
}

// isPatternByte reports whether c can make a token an AntMatch pattern
// rather than a plain value: "*", "?", "/" and the bytes of non-ASCII
// characters (matched as runes).
func isPatternByte(c byte) bool { return c == '*' || c == '?' || c == '/' || c >= utf8.RuneSelf }

// InList reports whether value is exactly one of the ";" list tokens.
func InList(values, value string) bool {
	for rest := values; rest != ""; {
		var tok string
		if tok, rest = nextToken(rest); tok == value && tok != "" {
			return true
		}
	}
	return false
}

// MatchAddress is DiscoveryMatcher.matchAddress: each token of addresses is
// compared with "host:port", "host" and "port", exactly first and then as a
// pattern. It does not allocate.
func MatchAddress(addresses, host string, port int) bool {
	var pb [20]byte
	portStr := strconv.AppendInt(pb[:0], int64(port), 10)
	var ab [300]byte
	hostPort := ab[:0]
	if len(host)+1+len(portStr) <= len(ab) {
		hostPort = append(append(append(hostPort, host...), ':'), portStr...)
	}
	for rest := addresses; rest != ""; {
		var tok string
		tok, rest = nextToken(rest)
		if tok != "" && (tok == host || string(portStr) == tok || string(hostPort) == tok) {
			return true
		}
	}
	for rest := addresses; rest != ""; {
		var tok string
		tok, rest = nextToken(rest)
		if tok != "" && (antMatchBytes(tok, hostPort) || AntMatch(tok, host) || antMatchBytes(tok, portStr)) {
			return true
		}
	}
	return false
}

// antMatchBytes matches a byte path without converting it to a string on
// the heap: the conversion in the call is not retained.
func antMatchBytes(pattern string, path []byte) bool {
	if len(path) == 0 && pattern != "" {
		return AntMatch(pattern, "")
	}
	return AntMatch(pattern, unsafeString(path))
}

// nextToken splits the next ";" token off s; empty tokens are returned as
// "" and skipped by callers, as splitByWholeSeparator drops them.
func nextToken(s string) (tok, rest string) {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// tokens yields the non-empty ";" tokens of s (for code off the hot path).
func tokens(s string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for s != "" {
			var tok string
			tok, s = nextToken(s)
			if tok != "" && !yield(tok) {
				return
			}
		}
	}
}

// AntMatch is Spring's AntPathMatcher.match(pattern, path) with the default
// "/" separator: "?" matches one character, "*" any characters within a path
// segment, "**" any number of segments. URI template variables ({name}) are
// not supported and match literally. It does not allocate for paths of up to
// 32 segments.
func AntMatch(pattern, path string) bool {
	if strings.HasPrefix(path, "/") != strings.HasPrefix(pattern, "/") {
		return false
	}
	if !strings.Contains(pattern, "/") && !strings.Contains(path, "/") {
		switch {
		case pattern == "" && path == "":
			return true
		case pattern == "" || path == "":
			return false
		}
		return globSegment(pattern, path)
	}
	// Multi-segment values are rare in route values (versions, regions and
	// addresses have no "/"); copying keeps the fast path allocation-free.
	return antMatchPaths(strings.Clone(pattern), strings.Clone(path))
}

func antMatchPaths(pattern, path string) bool {
	return matchSegments(pattern, path, splitSegments(pattern), splitSegments(path))
}

func splitSegments(s string) []string {
	var out []string
	for tok := range strings.SplitSeq(s, "/") {
		if tok != "" {
			out = append(out, tok)
		}
	}
	return out
}

// matchSegments is AntPathMatcher.doMatch with fullMatch=true.
func matchSegments(pattern, path string, patt, dirs []string) bool {
	ps, pe, ds, de := 0, len(patt)-1, 0, len(dirs)-1
	for ps <= pe && ds <= de && patt[ps] != "**" {
		if !globSegment(patt[ps], dirs[ds]) {
			return false
		}
		ps, ds = ps+1, ds+1
	}
	if ds > de {
		if ps > pe {
			return strings.HasSuffix(pattern, "/") == strings.HasSuffix(path, "/")
		}
		if ps == pe && patt[ps] == "*" && strings.HasSuffix(path, "/") {
			return true
		}
		return allDoubleStar(patt[ps : pe+1])
	} else if ps > pe {
		return false
	}
	for ps <= pe && ds <= de && patt[pe] != "**" {
		if !globSegment(patt[pe], dirs[de]) {
			return false
		}
		if pe == len(patt)-1 && strings.HasSuffix(pattern, "/") != strings.HasSuffix(path, "/") {
			return false
		}
		pe, de = pe-1, de-1
	}
	if ds > de {
		return allDoubleStar(patt[ps : pe+1])
	}
	for ps != pe && ds <= de {
		next := -1
		for i := ps + 1; i <= pe; i++ {
			if patt[i] == "**" {
				next = i
				break
			}
		}
		if next == ps+1 {
			ps++
			continue
		}
		patLen, strLen, found := next-ps-1, de-ds+1, -1
	search:
		for i := 0; i <= strLen-patLen; i++ {
			for j := 0; j < patLen; j++ {
				if !globSegment(patt[ps+j+1], dirs[ds+i+j]) {
					continue search
				}
			}
			found = ds + i
			break
		}
		if found == -1 {
			return false
		}
		ps, ds = next, found+patLen
	}
	return allDoubleStar(patt[ps : pe+1])
}

func allDoubleStar(p []string) bool {
	for _, s := range p {
		if s != "**" {
			return false
		}
	}
	return true
}

// globSegment matches one segment: "*" is any run of characters, "?" one
// character; like Java's regex ".", neither matches '\n' or '\r'.
func globSegment(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		r, rn := utf8.DecodeRuneInString(s[si:])
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '*':
				starP, starS = pi, si
				pi++
				continue
			case c == '?' && r != '\n' && r != '\r':
				pi++
				si += rn
				continue
			case c != '?' && c != '*':
				pr, pn := utf8.DecodeRuneInString(p[pi:])
				if pr == r {
					pi += pn
					si += rn
					continue
				}
			}
		}
		if starP >= 0 && r != '\n' && r != '\r' {
			_, rn0 := utf8.DecodeRuneInString(s[starS:])
			starS += rn0
			pi, si = starP+1, starS
			continue
		}
		return false
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
