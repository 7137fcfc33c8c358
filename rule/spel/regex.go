package spel

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Java character sets that Go's RE2 spells differently, written as the body
// of a character class.
const (
	javaSpace     = `\t-\r `                                                           // \s: [ \t\n\x0B\f\r]
	javaVertical  = `\n\x0B\f\r\x{85}\x{2028}\x{2029}`                                 // \v (Java 8+)
	javaHorizon   = `\t \xA0\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}` // \h
	javaLineBreak = `(?:\r\n|[\n\x0B\f\r\x{85}\x{2028}\x{2029}])`                      // \R
	javaDot       = `[^\n\r\x{85}\x{2028}\x{2029}]`                                    // . without DOTALL
)

// javaPosix maps Java's \p{Name} POSIX classes (US-ASCII) to Go's.
var javaPosix = map[string]string{
	"Lower": "lower", "Upper": "upper", "ASCII": "ascii", "Alpha": "alpha", "Digit": "digit",
	"Alnum": "alnum", "Punct": "punct", "Graph": "graph", "Print": "print", "Blank": "blank",
	"Cntrl": "cntrl", "XDigit": "xdigit", "Space": "space",
}

// compileJavaRegex compiles a java.util.regex pattern for String.matches
// semantics (the whole input must match). Constructs Go's RE2 lacks or reads
// differently are translated when they have an exact RE2 spelling and
// refused otherwise. The error is a message and the byte offset in pattern.
func compileJavaRegex(pattern string) (*regexp.Regexp, int, string) {
	t := reTranslator{src: pattern, dotall: []bool{false}}
	if pos, msg := t.run(); msg != "" {
		return nil, pos, msg
	}
	re, err := regexp.Compile(`^(?:` + t.out.String() + `)$`)
	if err != nil {
		return nil, 0, fmt.Sprintf("regex %q is not valid: %v", pattern, err)
	}
	return re, 0, ""
}

// reTranslator walks a Java pattern once, writing the RE2 equivalent.
type reTranslator struct {
	src     string
	i       int
	out     strings.Builder
	inClass bool
	classAt int    // offset of the first member of the current class
	dotall  []bool // DOTALL per open group; the last one is in force
}

func (t *reTranslator) run() (int, string) {
	for t.i < len(t.src) {
		var msg string
		start := t.i
		switch c := t.src[t.i]; {
		case c == '\\':
			msg = t.escape()
		case t.inClass:
			msg = t.classChar()
		case c == '[':
			t.openClass()
		case c == '(':
			msg = t.group()
		case c == ')':
			if len(t.dotall) > 1 {
				t.dotall = t.dotall[:len(t.dotall)-1]
			}
			t.emitByte()
		case c == '.':
			t.i++
			if t.dotall[len(t.dotall)-1] {
				t.out.WriteString(`(?s:.)`)
			} else {
				t.out.WriteString(javaDot)
			}
		case c == '*' || c == '+' || c == '?':
			t.emitByte()
			msg = t.possessive()
		case c == '{':
			msg = t.bounds()
		default:
			t.emitRune()
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

func (t *reTranslator) emitRune() {
	_, size := utf8.DecodeRuneInString(t.src[t.i:])
	t.out.WriteString(t.src[t.i : t.i+size])
	t.i += size
}

func (t *reTranslator) openClass() {
	t.emitByte()
	if strings.HasPrefix(t.src[t.i:], "^") {
		t.emitByte()
	}
	t.inClass, t.classAt = true, t.i
}

// classChar handles an unescaped character inside [...].
func (t *reTranslator) classChar() string {
	switch {
	case t.src[t.i] == ']' && t.i > t.classAt:
		t.inClass = false
	case t.src[t.i] == '[':
		return "regex: a '[' inside a character class is a Java union (or a POSIX class, which Java does not have); RE2 reads it differently, so escape it as \\[ or write the union out"
	case strings.HasPrefix(t.src[t.i:], "&&"):
		return "regex: character class intersection (&&) is not supported by Go's RE2 engine"
	}
	t.emitRune()
	return ""
}

// group handles '(' and the (?…) forms.
func (t *reTranslator) group() string {
	rest := t.src[t.i:]
	cur := t.dotall[len(t.dotall)-1]
	switch {
	case !strings.HasPrefix(rest, "(?"):
	case strings.HasPrefix(rest, "(?="), strings.HasPrefix(rest, "(?!"):
		return "regex: lookahead (?= or (?! is not supported by Go's RE2 engine"
	case strings.HasPrefix(rest, "(?<="), strings.HasPrefix(rest, "(?<!"):
		return "regex: lookbehind (?<= or (?<! is not supported by Go's RE2 engine"
	case strings.HasPrefix(rest, "(?>"):
		return "regex: atomic groups (?> are not supported by Go's RE2 engine"
	case strings.HasPrefix(rest, "(?P"):
		return "regex: (?P<name>…) is not Java syntax; Java names groups as (?<name>…)"
	case strings.HasPrefix(rest, "(?:"), strings.HasPrefix(rest, "(?<"):
	default:
		return t.flags(cur)
	}
	t.dotall = append(t.dotall, cur)
	t.emitByte()
	return ""
}

// flags handles (?flags) and (?flags:…). Java's i, m and s mean what Go's
// do (up to the notes in the package doc); U, u, d and x do not exist in RE2
// or mean something else there.
func (t *reTranslator) flags(cur bool) string {
	j := t.i + 2
	on := true
	for ; j < len(t.src) && t.src[j] != ')' && t.src[j] != ':'; j++ {
		switch f := t.src[j]; f {
		case '-':
			on = false
		case 'i', 'm':
		case 's':
			cur = on
		case 'U':
			return "regex: flag U means UNICODE_CHARACTER_CLASS in Java but ungreedy in Go; it is not supported"
		case 'u', 'd', 'x':
			return fmt.Sprintf("regex: flag %c is not supported by Go's RE2 engine", f)
		default:
			return fmt.Sprintf("regex: unknown inline flag %q", f)
		}
	}
	if j == len(t.src) {
		return "regex: unterminated (? group"
	}
	if t.src[j] == ':' {
		t.dotall = append(t.dotall, cur)
	} else {
		t.dotall[len(t.dotall)-1] = cur
	}
	t.out.WriteString(t.src[t.i : j+1])
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

// escape handles a backslash sequence, inside or outside a class.
func (t *reTranslator) escape() string {
	if t.i+1 == len(t.src) {
		return "regex: the pattern ends with a lone backslash"
	}
	c := t.src[t.i+1]
	if c >= utf8.RuneSelf || !isLetter(c) && !isDigit(c) {
		t.i++ // an escaped non-alphanumeric character is itself
		if c >= utf8.RuneSelf {
			t.emitRune()
		} else {
			t.out.WriteByte('\\')
			t.emitByte()
		}
		return ""
	}
	t.i += 2
	if c == 'x' {
		return t.hexEscape()
	}
	if same := "tnrfadDwWbBAz"; strings.IndexByte(same, c) >= 0 {
		t.out.WriteString(t.src[t.i-2 : t.i]) // same meaning in RE2 (\x keeps its digits)
		return ""
	}
	return t.special(c)
}

// special handles the escapes that RE2 spells differently or lacks.
func (t *reTranslator) special(c byte) string {
	switch c {
	case 's':
		t.set(javaSpace, false)
	case 'S':
		if t.inClass {
			t.out.WriteString(`\S`) // differs from Java only for \x0B
		} else {
			t.set(javaSpace, true)
		}
	case 'v', 'V':
		return t.setOrRefuse(javaVertical, c == 'V', `\V`)
	case 'h', 'H':
		return t.setOrRefuse(javaHorizon, c == 'H', `\H`)
	case 'R':
		if t.inClass {
			return `regex: \R is not allowed inside a character class`
		}
		t.out.WriteString(javaLineBreak)
	case 'e':
		t.out.WriteString(`\x1B`)
	case 'c':
		return t.control()
	case 'u':
		return t.unicodeEscape()
	case '0':
		return t.octal()
	case 'Q':
		t.quoted()
	case 'p', 'P':
		return t.property(c == 'P')
	case 'k':
		return "regex: named backreferences (\\k<name>) are not supported by Go's RE2 engine"
	case 'G', 'Z', 'X', 'N':
		return fmt.Sprintf("regex: \\%c is not supported by Go's RE2 engine", c)
	default:
		if isDigit(c) {
			return fmt.Sprintf("regex: backreferences (\\%c) are not supported by Go's RE2 engine", c)
		}
		return fmt.Sprintf("regex: \\%c is not a valid Java escape", c)
	}
	return ""
}

// set writes a character set given as a class body, negated if neg.
func (t *reTranslator) set(body string, neg bool) {
	switch {
	case t.inClass:
		t.out.WriteString(body)
	case neg:
		t.out.WriteString("[^" + body + "]")
	default:
		t.out.WriteString("[" + body + "]")
	}
}

func (t *reTranslator) setOrRefuse(body string, neg bool, name string) string {
	if neg && t.inClass {
		return fmt.Sprintf("regex: %s inside a character class is not supported", name)
	}
	t.set(body, neg)
	return ""
}

// control handles \cX, the control character X^64.
func (t *reTranslator) control() string {
	if t.i == len(t.src) || t.src[t.i] >= utf8.RuneSelf {
		return `regex: \c must be followed by an ASCII character`
	}
	fmt.Fprintf(&t.out, `\x{%X}`, t.src[t.i]^64)
	t.i++
	return ""
}

// hexEscape handles \xhh and \x{h…h}, which RE2 spells the same.
func (t *reTranslator) hexEscape() string {
	n := 2
	if strings.HasPrefix(t.src[t.i:], "{") {
		n = strings.IndexByte(t.src[t.i:], '}') + 1
	}
	if n <= 0 || t.i+n > len(t.src) {
		return `regex: \x needs two hex digits or \x{…}`
	}
	t.out.WriteString(`\x` + t.src[t.i:t.i+n])
	t.i += n
	return ""
}

// unicodeEscape handles \uXXXX (exactly four hex digits in Java).
func (t *reTranslator) unicodeEscape() string {
	if t.i+4 > len(t.src) {
		return `regex: \u needs four hex digits`
	}
	v, err := strconv.ParseUint(t.src[t.i:t.i+4], 16, 32)
	if err != nil {
		return `regex: \u needs four hex digits`
	}
	if 0xD800 <= v && v <= 0xDFFF {
		return `regex: \u escapes of surrogates are not supported; write the character itself or \x{…}`
	}
	fmt.Fprintf(&t.out, `\x{%X}`, v)
	t.i += 4
	return ""
}

// octal handles Java's \0n, \0nn and \0mnn (m ≤ 3).
func (t *reTranslator) octal() string {
	n := 0
	for n < 3 && t.i+n < len(t.src) && '0' <= t.src[t.i+n] && t.src[t.i+n] <= '7' {
		n++
	}
	if n == 3 && t.src[t.i] > '3' {
		n = 2
	}
	if n == 0 {
		return `regex: \0 must be followed by octal digits`
	}
	v, _ := strconv.ParseUint(t.src[t.i:t.i+n], 8, 32)
	fmt.Fprintf(&t.out, `\x{%X}`, v)
	t.i += n
	return ""
}

// quoted handles \Q…\E, writing each character as a literal.
func (t *reTranslator) quoted() {
	end := strings.Index(t.src[t.i:], `\E`)
	text := t.src[t.i:]
	if end >= 0 {
		text = text[:end]
		t.i += end + 2
	} else {
		t.i = len(t.src)
	}
	for _, r := range text {
		if r < utf8.RuneSelf && !isLetter(byte(r)) && !isDigit(byte(r)) && r > ' ' {
			t.out.WriteByte('\\')
		}
		t.out.WriteRune(r)
	}
}

// property handles \pL, \p{Name} and \P{…}: general categories, scripts
// written IsName, and Java's POSIX names. Other properties are refused.
func (t *reTranslator) property(neg bool) string {
	name := ""
	switch {
	case t.i < len(t.src) && t.src[t.i] != '{':
		name = t.src[t.i : t.i+1]
		t.i++
	default:
		end := strings.IndexByte(t.src[t.i:], '}')
		if end < 0 {
			return `regex: unterminated \p{`
		}
		name = t.src[t.i+1 : t.i+end]
		t.i += end + 1
	}
	if posix, ok := javaPosix[name]; ok {
		if t.inClass && neg {
			posix = "^" + posix // [:^alpha:]
		}
		t.set("[:"+posix+":]", neg)
		return ""
	}
	goName := strings.TrimPrefix(name, "Is")
	_, isCat := unicode.Categories[goName]
	_, isScript := unicode.Scripts[goName]
	if !isCat && !(isScript && goName != name) {
		return fmt.Sprintf(`regex: Unicode property \p{%s} is not supported (use a category like \p{L} or a script like \p{IsLatin})`, name)
	}
	p := `\p{`
	if neg {
		p = `\P{`
	}
	t.out.WriteString(p + goName + "}")
	return ""
}
