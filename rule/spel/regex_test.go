package spel

import "testing"

// TestJavaRegex checks translations whose Java result was confirmed with
// java.util.regex (JDK 17); the oracle golden file covers many more.
func TestJavaRegex(t *testing.T) {
	cases := []struct {
		pattern, input string
		want           bool
	}{
		{"1", "12", false}, // String.matches: the whole input
		{"a|b", "b", true},
		{`^1\.[0-9]+$`, "1.12", true},
		{".", "\r", false}, {".", "\u2028", false}, {"(?s).", "\n", true}, {"(?s:.)x", "\nx", true}, {"(?s)(?-s).", "\n", false},
		{`\s`, "\v", true}, {`\S`, "\v", false}, {`[\s]`, "\v", true},
		{`\v`, "\u2028", true}, {`\h`, "\u3000", true}, {`\R`, "\r\n", true}, {`\e`, "\x1b", true}, {`\cA`, "\x01", true},
		{`\u0041`, "A", true}, {`\x41\x{42}`, "AB", true}, {`\0101`, "A", true}, {`\0477`, "'7", true},
		{`\Qa.b\E`, "a.b", true}, {`\Qa.b\E`, "axb", false}, {`[\Q]\E]`, "]", true},
		{`\p{Alpha}+`, "abC", true}, {`\P{Alpha}`, "1", true}, {`[\P{Alpha}]`, "a", false}, {`\p{IsLatin}`, "é", true}, {`\pL`, "é", true},
		{"[]a]+", "]a", true}, {"[^]a]", "b", true}, {"[a-]", "-", true}, {`a\{1\}`, "a{1}", true}, {"a}", "a}", true},
		{"(?i)abc", "ABC", true}, {"(?i)k", "\u212a", false}, {"(?i)s", "\u017f", false}, {"(?i)é", "É", false},
		{"(?i)[a-z]", "\u212a", false}, {"(?i)[a-c]", "B", true}, {"(?i)[^k]", "K", false}, {"(?i)[^k]", "\u212a", true},
		{"(?i)[Z-a]", "z", true}, {`(?i)\x6b`, "K", true}, {`(?i)\Qk.\E`, "K.", true}, {`(?i)\w`, "\u212a", false},
		{"(?i:a)b", "AB", false}, {"(?i)a(?-i)b", "Ab", true}, {"(?i)a(?-i)b", "AB", false}, {"(?m)^1$", "1", true},
		{"(?<n>a)b", "ab", true}, {"a{1,2}", "aa", true}, {"\\.", ".", true}, {"é+", "éé", true},
	}
	for _, c := range cases {
		re, _, msg := compileJavaRegex(c.pattern)
		if msg != "" {
			t.Errorf("%q: %s", c.pattern, msg)
			continue
		}
		if got := re.MatchString(c.input); got != c.want {
			t.Errorf("%q matches %q = %v, want %v (RE2: %s)", c.pattern, c.input, got, c.want, re)
		}
	}
}

func TestJavaRegexRefused(t *testing.T) {
	cases := []struct {
		pattern string
		pos     int
		msg     string
	}{
		{`a\`, 1, "regex: the pattern ends with a lone backslash"},
		{`[a`, 0, "regex: unterminated character class ["},
		{`(?i`, 0, "regex: unterminated (? group"},
		{`(?q)`, 0, `regex: unknown inline flag 'q'`},
		{`(?u)`, 0, "regex: flag u is not supported"},
		{`[\b]`, 1, `regex: \b, \B, \A, \z and \R cannot be used inside a character class`},
		{`[\V]`, 1, `regex: \V and \H cannot be used inside a character class`},
		{`[b-a]`, 1, "regex: invalid character class range"},
		{`\x{D800}`, 0, `regex: \x{D800} is not a valid character code`},
		{`\u12`, 0, `regex: \u12 is not a valid character code`},
		{`\0`, 0, `regex: \0 is not a valid character code`},
		{`\c`, 0, `regex: \c must be followed by an ASCII character`},
		{`\p{L`, 0, `regex: unterminated \p{`},
		{`\y`, 0, `regex: \y is not a valid Java escape`},
		{`a{,3}`, 1, `regex: '{' must start a repetition {n}, {n,} or {n,m} in Java; write a literal brace as \{`},
		{`a{2}+`, 1, "regex: possessive quantifiers (*+, ++, ?+, {n}+) are not supported by Go's RE2 engine"},
		{`(?i)[\p{Lu}]`, 5, `regex: \p{Lu} under (?i) is not supported: Java folds it differently across JDK versions`},
		{`*a`, 0, "regex \"*a\" is not valid: missing argument to repetition operator"},
	}
	for _, c := range cases {
		_, pos, msg := compileJavaRegex(c.pattern)
		if pos != c.pos || msg != c.msg {
			t.Errorf("%q: position %d %q, want %d %q", c.pattern, pos, msg, c.pos, c.msg)
		}
	}
}
