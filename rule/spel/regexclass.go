package spel

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Java character sets that RE2 spells differently, as class bodies.
const (
	javaSpace    = `\t-\r `                                                           // \s: [ \t\n\x0B\f\r]
	javaVertical = `\n\x0B\f\r\x{85}\x{2028}\x{2029}`                                 // \v (Java 8+)
	javaHorizon  = `\t \xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}` // \h
)

// javaPosix maps Java's \p{Name} POSIX classes (US-ASCII) to RE2's.
var javaPosix = map[string]string{
	"Lower": "lower", "Upper": "upper", "ASCII": "ascii", "Alpha": "alpha", "Digit": "digit",
	"Alnum": "alnum", "Punct": "punct", "Graph": "graph", "Print": "print", "Blank": "blank",
	"Cntrl": "cntrl", "XDigit": "xdigit", "Space": "space",
}

// atom is what one escape sequence stands for.
type atom struct {
	r      rune   // a single character, when isChar
	isChar bool   //
	quoted string // \Q…\E: characters that match themselves
	raw    string // an assertion or sequence RE2 spells this way (\b, \R); not allowed in classes
	body   string // a character set as a class body
	neg    bool   // the set is body's complement
	negIn  string // the complement as a class item ("" if RE2 has none)
}

// escape reads the escape sequence at t.src[t.i].
func (t *reTranslator) escape() (atom, string) {
	if t.i+1 == len(t.src) {
		return atom{}, "regex: the pattern ends with a lone backslash"
	}
	c := t.src[t.i+1]
	if c >= utf8.RuneSelf || !isLetter(c) && !isDigit(c) {
		r, size := utf8.DecodeRuneInString(t.src[t.i+1:])
		t.i += 1 + size
		return atom{r: r, isChar: true}, "" // an escaped non-alphanumeric character is itself
	}
	t.i += 2
	if r, ok := map[byte]rune{'t': '\t', 'n': '\n', 'r': '\r', 'f': '\f', 'a': '\a', 'e': 0x1B}[c]; ok {
		return atom{r: r, isChar: true}, ""
	}
	switch c {
	case 'x', 'u', '0', 'c':
		r, msg := t.charCode(c)
		return atom{r: r, isChar: true}, msg
	case 'd', 'D':
		return atom{body: "0-9", neg: c == 'D', negIn: `\D`}, ""
	case 'w', 'W':
		return atom{body: "0-9A-Za-z_", neg: c == 'W', negIn: `\W`}, ""
	case 's', 'S':
		return atom{body: javaSpace, neg: c == 'S', negIn: `\S`}, "" // \S in a class differs only for \x0B
	case 'v', 'V':
		return atom{body: javaVertical, neg: c == 'V'}, ""
	case 'h', 'H':
		return atom{body: javaHorizon, neg: c == 'H'}, ""
	case 'b', 'B', 'A', 'z':
		return atom{raw: `\` + string(c)}, ""
	case 'R':
		return atom{raw: `(?:\r\n|[\n\x0B\f\r\x{85}\x{2028}\x{2029}])`}, ""
	case 'Q':
		return t.quotedText(), ""
	case 'p', 'P':
		return t.property(c == 'P')
	case 'k':
		return atom{}, "regex: named backreferences (\\k<name>) are not supported by Go's RE2 engine"
	case 'G', 'Z', 'X', 'N':
		return atom{}, fmt.Sprintf("regex: \\%c is not supported by Go's RE2 engine", c)
	}
	if isDigit(c) {
		return atom{}, fmt.Sprintf("regex: backreferences (\\%c) are not supported by Go's RE2 engine", c)
	}
	return atom{}, fmt.Sprintf("regex: \\%c is not a valid Java escape", c)
}

// charCode reads the code after \x (hh or {h…h}), \u (hhhh), \0 (octal: n,
// nn or mnn with m ≤ 3) or \c (a control character: X^64).
func (t *reTranslator) charCode(kind byte) (rune, string) {
	rest := t.src[t.i:]
	digits, n, base := "", 0, 16
	switch kind {
	case 'c':
		if rest == "" || rest[0] >= utf8.RuneSelf {
			return 0, `regex: \c must be followed by an ASCII character`
		}
		t.i++
		return rune(rest[0] ^ 64), ""
	case 'x':
		n = 2
		if strings.HasPrefix(rest, "{") {
			n = strings.IndexByte(rest, '}') + 1
			digits = rest[1:max(n-1, 1)]
		}
	case 'u':
		n = 4
	case '0':
		base = 8
		for n < 3 && n < len(rest) && '0' <= rest[n] && rest[n] <= '7' {
			n++
		}
		if n == 3 && rest[0] > '3' {
			n = 2
		}
	}
	if digits == "" && 0 < n && n <= len(rest) {
		digits = rest[:n]
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v > unicode.MaxRune || 0xD800 <= v && v <= 0xDFFF {
		return 0, fmt.Sprintf(`regex: \%c%s is not a valid character code`, kind, shorten(rest[:max(0, min(n, len(rest)))]))
	}
	t.i += n
	return rune(v), ""
}

// quotedText reads the text of \Q…\E (to the end if there is no \E).
func (t *reTranslator) quotedText() atom {
	text := t.src[t.i:]
	if end := strings.Index(text, `\E`); end >= 0 {
		text = text[:end]
		t.i += end + 2
	} else {
		t.i = len(t.src)
	}
	return atom{quoted: text}
}

// property reads \pL, \p{Name} or \P{…}: general categories, scripts written
// IsName, and Java's POSIX names. Under (?i) the cased categories and
// Lower/Upper are refused: how Java folds them differs between JDK versions.
func (t *reTranslator) property(neg bool) (atom, string) {
	name := ""
	if t.i < len(t.src) && t.src[t.i] != '{' {
		name = t.src[t.i : t.i+1]
		t.i++
	} else {
		end := strings.IndexByte(t.src[t.i:], '}')
		if end < 0 {
			return atom{}, `regex: unterminated \p{`
		}
		name = t.src[t.i+1 : t.i+end]
		t.i += end + 1
	}
	goName := strings.TrimPrefix(name, "Is")
	if t.flags().ci && (goName == "Lu" || goName == "Ll" || goName == "Lt" || name == "Lower" || name == "Upper") {
		return atom{}, fmt.Sprintf(`regex: \p{%s} under (?i) is not supported: Java folds it differently across JDK versions`, name)
	}
	if posix, ok := javaPosix[name]; ok {
		return atom{body: "[:" + posix + ":]", neg: neg, negIn: "[:^" + posix + ":]"}, ""
	}
	_, isCat := unicode.Categories[goName]
	_, isScript := unicode.Scripts[goName]
	if !isCat && !(isScript && goName != name) {
		return atom{}, fmt.Sprintf(`regex: Unicode property \p{%s} is not supported (use a category like \p{L} or a script like \p{IsLatin})`, name)
	}
	return atom{body: `\p{` + goName + `}`, neg: neg, negIn: `\P{` + goName + `}`}, ""
}

// class translates a character class [...] starting at t.src[t.i].
func (t *reTranslator) class() string {
	open := t.i
	t.emitByte()
	if strings.HasPrefix(t.src[t.i:], "^") {
		t.emitByte()
	}
	start := t.i
	for t.i < len(t.src) {
		t.item = t.i
		switch rest := t.src[t.i:]; {
		case rest[0] == ']' && t.i > start:
			t.emitByte()
			return ""
		case rest[0] == '[':
			return "regex: a '[' inside a character class is a Java union (or a POSIX class, which Java does not have); RE2 reads it differently, so escape it as \\[ or write the union out"
		case strings.HasPrefix(rest, "&&"):
			return "regex: character class intersection (&&) is not supported by Go's RE2 engine"
		}
		if msg := t.classItem(); msg != "" {
			return msg
		}
	}
	t.item = open
	return "regex: unterminated character class ["
}

// classItem translates one member of a class: a character, a range or a set.
func (t *reTranslator) classItem() string {
	lo, ok, msg := t.classAtom()
	if msg != "" || !ok {
		return msg
	}
	hi := lo
	if rest := t.src[t.i:]; len(rest) > 1 && rest[0] == '-' && rest[1] != ']' {
		t.i++
		if hi, ok, msg = t.classAtom(); msg != "" {
			return msg
		}
		if !ok || hi < lo {
			return "regex: invalid character class range"
		}
	}
	t.out.WriteString(quoteRune(lo))
	if hi != lo {
		t.out.WriteString("-" + quoteRune(hi))
	}
	if t.flags().ci { // add the other case of the ASCII letters in lo-hi
		t.foldRange(lo, hi, 'a', 'z', -0x20)
		t.foldRange(lo, hi, 'A', 'Z', 0x20)
	}
	return ""
}

func (t *reTranslator) foldRange(lo, hi, from, to, shift rune) {
	lo, hi = max(lo, from), min(hi, to)
	if lo <= hi {
		t.out.WriteString(string(lo+shift) + "-" + string(hi+shift))
	}
}

// classAtom reads one character of a class (ok) or writes a set (!ok).
func (t *reTranslator) classAtom() (rune, bool, string) {
	if t.src[t.i] != '\\' {
		r, size := utf8.DecodeRuneInString(t.src[t.i:])
		t.i += size
		return r, true, ""
	}
	a, msg := t.escape()
	switch {
	case msg != "":
		return 0, false, msg
	case a.isChar:
		return a.r, true, ""
	case a.raw != "":
		return 0, false, "regex: \\b, \\B, \\A, \\z and \\R cannot be used inside a character class"
	case a.quoted != "":
		for _, r := range a.quoted {
			t.out.WriteString(quoteRune(r))
			if t.flags().ci && isASCIILetter(r) {
				t.out.WriteString(string(r ^ 0x20))
			}
		}
	case a.neg && a.negIn == "":
		return 0, false, "regex: \\V and \\H cannot be used inside a character class"
	case a.neg:
		t.out.WriteString(a.negIn)
	default:
		t.out.WriteString(a.body)
	}
	return 0, false, ""
}
