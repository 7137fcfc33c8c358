package spel

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// Java's matches operator uses java.util.regex with String.matches
// semantics: the whole input must match. compileJavaRegex translates a Java
// pattern into an RE2 one with the same meaning, or refuses it:
//
//   - constructs RE2 lacks (backreferences, lookaround, atomic groups,
//     possessive quantifiers, class unions and intersections) are refused;
//   - constructs RE2 spells differently are rewritten: Java's \s includes
//     \x0B, its '.' excludes \r, \u0085, \u2028 and \u2029, \v \h \R \e \cX
//     \uXXXX \0oct \Q…\E and the POSIX \p{Alpha} names have RE2 spellings;
//   - (?i) folds ASCII letters only in Java (without the u flag), while RE2
//     folds Unicode (é/É, k/K-Kelvin-sign), so the i flag is never handed to
//     RE2: the translator folds ASCII letters itself.
//
// The translated pattern is anchored as ^(?:…)$.
func compileJavaRegex(pattern string) (*regexp.Regexp, int, string) {
	t := reTranslator{src: pattern, stack: []reFlags{{}}}
	if pos, msg := t.run(); msg != "" {
		return nil, pos, msg
	}
	re, err := regexp.Compile(`^(?:` + t.out.String() + `)$`)
	var serr *syntax.Error
	if errors.As(err, &serr) {
		return nil, 0, fmt.Sprintf("regex %q is not valid: %s", pattern, serr.Code)
	}
	if err != nil {
		return nil, 0, fmt.Sprintf("regex %q is not valid: %v", pattern, err)
	}
	return re, 0, ""
}

// reFlags are the Java flags the translator applies itself.
type reFlags struct {
	dotall bool // s: '.' matches line terminators too
	ci     bool // i: ASCII case-insensitive
}

// reTranslator walks a Java pattern once, writing the RE2 equivalent.
type reTranslator struct {
	src   string
	i     int
	out   strings.Builder
	stack []reFlags // flags per open group; the last one is in force
	item  int       // offset of the class member being read, for messages
}

func (t *reTranslator) flags() *reFlags { return &t.stack[len(t.stack)-1] }

func (t *reTranslator) run() (int, string) {
	for t.i < len(t.src) {
		start := t.i
		var msg string
		switch c := t.src[t.i]; c {
		case '\\':
			msg = t.escapeOutside()
		case '[':
			if msg = t.class(); msg != "" {
				start = t.item
			}
		case '(':
			msg = t.group()
		case ')':
			if len(t.stack) > 1 {
				t.stack = t.stack[:len(t.stack)-1]
			}
			t.emitByte()
		case '.':
			t.i++
			if t.flags().dotall {
				t.out.WriteString(`(?s:.)`)
			} else {
				t.out.WriteString(`[^\n\r\x{85}\x{2028}\x{2029}]`)
			}
		case '*', '+', '?':
			t.emitByte()
			msg = t.possessive()
		case '{':
			msg = t.bounds()
		default:
			r, size := utf8.DecodeRuneInString(t.src[t.i:])
			if t.flags().ci && isASCIILetter(r) {
				t.literal(r)
			} else {
				t.out.WriteString(t.src[t.i : t.i+size]) // a metacharacter or itself
			}
			t.i += size
		}
		if msg != "" {
			return start, msg
		}
	}
	return 0, ""
}

func (t *reTranslator) emitByte() {
	t.out.WriteByte(t.src[t.i])
	t.i++
}

// literal writes a character that must match itself, folding ASCII case
// under (?i).
func (t *reTranslator) literal(r rune) {
	if t.flags().ci && isASCIILetter(r) {
		t.out.WriteString("[" + string(r|0x20) + string(r&^0x20) + "]")
		return
	}
	t.out.WriteString(quoteRune(r))
}

func isASCIILetter(r rune) bool { return 'a' <= r|0x20 && r|0x20 <= 'z' }

// quoteRune writes r so that RE2 reads it as itself, in or out of a class.
func quoteRune(r rune) string {
	switch {
	case r < ' ' || r == 0x7F || r == utf8.RuneError:
		return fmt.Sprintf(`\x{%X}`, r)
	case r < utf8.RuneSelf && !isLetter(byte(r)) && !isDigit(byte(r)) && r != ' ':
		return `\` + string(r)
	}
	return string(r)
}

// group handles '(' and the (?…) forms.
func (t *reTranslator) group() string {
	rest := t.src[t.i:]
	switch {
	case !strings.HasPrefix(rest, "(?"), strings.HasPrefix(rest, "(?:"):
	case strings.HasPrefix(rest, "(?="), strings.HasPrefix(rest, "(?!"):
		return "regex: lookahead (?= or (?! is not supported by Go's RE2 engine"
	case strings.HasPrefix(rest, "(?<="), strings.HasPrefix(rest, "(?<!"):
		return "regex: lookbehind (?<= or (?<! is not supported by Go's RE2 engine"
	case strings.HasPrefix(rest, "(?>"):
		return "regex: atomic groups (?> are not supported by Go's RE2 engine"
	case strings.HasPrefix(rest, "(?P"):
		return "regex: (?P<name>…) is not Java syntax; Java names groups as (?<name>…)"
	case strings.HasPrefix(rest, "(?<"):
	default:
		return t.inlineFlags()
	}
	t.stack = append(t.stack, *t.flags())
	t.emitByte()
	return ""
}

// inlineFlags handles (?flags) and (?flags:…). i and s are applied by the
// translator; m is handed to RE2; Java's u, d, x and U have no RE2 meaning.
func (t *reTranslator) inlineFlags() string {
	f := *t.flags()
	on, goFlags := true, ""
	j := t.i + 2
	for ; j < len(t.src) && t.src[j] != ')' && t.src[j] != ':'; j++ {
		switch c := t.src[j]; c {
		case '-':
			on = false
		case 'i':
			f.ci = on
		case 's':
			f.dotall = on
		case 'm':
			if !on && !strings.Contains(goFlags, "-") {
				goFlags += "-"
			}
			goFlags += "m"
		case 'U':
			return "regex: flag U means UNICODE_CHARACTER_CLASS in Java but ungreedy in Go; it is not supported"
		case 'u', 'd', 'x':
			return fmt.Sprintf("regex: flag %c is not supported", c)
		default:
			return fmt.Sprintf("regex: unknown inline flag %q", c)
		}
	}
	if j == len(t.src) {
		return "regex: unterminated (? group"
	}
	if t.src[j] == ':' {
		t.stack = append(t.stack, f)
		t.out.WriteString("(?" + goFlags + ":")
	} else {
		*t.flags() = f
		if goFlags != "" {
			t.out.WriteString("(?" + goFlags + ")")
		}
	}
	t.i = j + 1
	return ""
}

// possessive refuses a possessive quantifier (x*+, x++, x?+, x{n}+).
func (t *reTranslator) possessive() string {
	if strings.HasPrefix(t.src[t.i:], "+") {
		return "regex: possessive quantifiers (*+, ++, ?+, {n}+) are not supported by Go's RE2 engine"
	}
	return ""
}

// boundsRE is a Java repetition: {n}, {n,} or {n,m}.
var boundsRE = regexp.MustCompile(`^\{[0-9]+(,[0-9]*)?\}`)

func (t *reTranslator) bounds() string {
	b := boundsRE.FindString(t.src[t.i:])
	if b == "" {
		return `regex: '{' must start a repetition {n}, {n,} or {n,m} in Java; write a literal brace as \{`
	}
	t.out.WriteString(b)
	t.i += len(b)
	return t.possessive()
}

// escapeOutside handles a backslash sequence outside a character class.
func (t *reTranslator) escapeOutside() string {
	a, msg := t.escape()
	switch {
	case msg != "":
		return msg
	case a.isChar:
		t.literal(a.r)
	case a.quoted != "":
		for _, r := range a.quoted {
			t.literal(r)
		}
	case a.raw != "":
		t.out.WriteString(a.raw)
	case a.neg:
		t.out.WriteString("[^" + a.body + "]")
	case a.body != "":
		t.out.WriteString("[" + a.body + "]")
	}
	return ""
}
