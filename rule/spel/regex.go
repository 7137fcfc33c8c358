package spel

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"strconv"
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
// The translated pattern is anchored as ^(?:…)$. compileJavaRegex returns
// the regexp, or the offset of the refused construct and a message.
func compileJavaRegex(pattern string) (*regexp.Regexp, int, string) {
	re, _, refusal := compileJavaRegexWithin(pattern, limits)
	if refusal != nil {
		return nil, refusal.pos, refusal.msg
	}
	return re, 0, ""
}

// reRefusal is why a pattern is refused: a message and the offset of the
// construct in the pattern; reason and limit are set for a budget.
type reRefusal struct {
	pos    int
	msg    string
	reason string
	limit  int
}

// compileJavaRegexWithin translates and compiles pattern within lim (the
// repeat product is bounded while translating, the program size before
// regexp builds its matcher) and returns the regexp with its program size.
func compileJavaRegexWithin(pattern string, lim Limits) (*regexp.Regexp, int, *reRefusal) {
	t := reTranslator{src: pattern, stack: []reFlags{{}}, reps: []int{0}, last: 1, lim: lim}
	if pos, msg := t.run(); msg != "" {
		return nil, 0, &reRefusal{pos: pos, msg: msg, reason: t.reason, limit: t.limit}
	}
	anchored := `^(?:` + t.out.String() + `)$`
	parsed, err := syntax.Parse(anchored, syntax.Perl)
	if err != nil {
		return nil, 0, regexInvalid(pattern, err)
	}
	insts, ok := programSize(parsed, lim.RegexInstructions)
	if !ok {
		return nil, 0, &reRefusal{reason: ReasonRegexProgram, limit: lim.RegexInstructions,
			msg: fmt.Sprintf("regex %q compiles to more than %d instructions; the limit is %d", shorten(pattern), lim.RegexInstructions, lim.RegexInstructions)}
	}
	re, err := regexp.Compile(anchored)
	if err != nil {
		return nil, 0, regexInvalid(pattern, err)
	}
	return re, insts, nil
}

func regexInvalid(pattern string, err error) *reRefusal {
	var serr *syntax.Error
	if errors.As(err, &serr) {
		return &reRefusal{msg: fmt.Sprintf("regex %q is not valid: %s", pattern, serr.Code)}
	}
	return &reRefusal{msg: fmt.Sprintf("regex %q is not valid: %v", pattern, err)}
}

// programSize is the number of instructions syntax.Compile gives re, or
// false when it is more than limit. An upper bound computed on the parsed
// tree (repeats not expanded) first refuses patterns far beyond the limit,
// so that neither Simplify nor Compile ever expands a large one.
func programSize(re *syntax.Regexp, limit int) (int, bool) {
	if estimate(re, 8*limit) > 8*limit {
		return 0, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil || len(prog.Inst) > limit {
		return 0, false
	}
	return len(prog.Inst), true
}

// estimate bounds from above the instructions re compiles to, saturating
// just past cap.
func estimate(re *syntax.Regexp, cap int) int {
	sat := func(n int) int { return min(n, cap+1) }
	sum := 2 // the fail and match instructions of a program
	switch re.Op {
	case syntax.OpLiteral:
		return sat(sum + len(re.Rune))
	case syntax.OpRepeat:
		count := max(re.Min, re.Max, 1)
		sub := estimate(re.Sub[0], cap)
		return sat(sum + count*(sub+1))
	case syntax.OpConcat, syntax.OpAlternate, syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		for _, sub := range re.Sub {
			sum = sat(sum + estimate(sub, cap) + 1)
		}
		return sat(sum + 2)
	}
	return sum + 1
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

	// The repeat budget: reps holds, per open group (alongside stack), the
	// largest repeat product inside it; last is the product of the atom
	// just written (a closed group's, else 1), which a quantifier
	// multiplies.
	lim    Limits
	reps   []int
	last   int
	reason string // set with a budget refusal
	limit  int
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
			t.last = 1
			if len(t.stack) > 1 {
				t.stack = t.stack[:len(t.stack)-1]
				inner := t.reps[len(t.reps)-1]
				t.reps = t.reps[:len(t.reps)-1]
				t.reps[len(t.reps)-1] = max(t.reps[len(t.reps)-1], inner)
				t.last = max(inner, 1)
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
		switch t.src[start] {
		case ')', '{', '*', '+', '?':
		default:
			t.last = 1 // an atom: what a quantifier after it repeats
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
	t.reps = append(t.reps, 0)
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
		t.reps = append(t.reps, 0)
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
	if msg := t.repeatBudget(b); msg != "" {
		return msg
	}
	t.out.WriteString(b)
	t.i += len(b)
	return t.possessive()
}

// repeatBudget multiplies the repeat product by the larger count of the
// bounds b ({n}, {n,} or {n,m}) and refuses it beyond Limits.RegexRepeat.
func (t *reTranslator) repeatBudget(b string) string {
	count := 0
	for _, part := range strings.Split(b[1:len(b)-1], ",") {
		n, err := strconv.Atoi(part)
		if err != nil && part != "" {
			n = math.MaxInt // more digits than an int holds
		}
		count = max(count, n)
	}
	limit := t.lim.RegexRepeat
	prod := count
	if count <= limit {
		prod = t.last * count
	}
	if prod <= limit {
		t.reps[len(t.reps)-1] = max(t.reps[len(t.reps)-1], prod)
		t.last = max(prod, 1)
		return ""
	}
	t.reason, t.limit = ReasonRegexRepeat, limit
	if t.last > 1 && count <= limit {
		return fmt.Sprintf("regex: the repeat %s applies to a group that repeats %d times inside, %d repetitions in all; the limit is %d", b, t.last, prod, limit)
	}
	times := strconv.Itoa(count)
	if count == math.MaxInt {
		times = "more than " + strconv.Itoa(limit)
	}
	return fmt.Sprintf("regex: the repeat %s repeats %s times; the limit is %d", b, times, limit)
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
