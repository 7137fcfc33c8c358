package spel

import (
	"math/rand/v2"
	"strings"
)

// exprGen writes random expressions, mostly inside the subset, that exercise
// the semantics the oracle checks: every operator spelling, null handling,
// numeric strings, Unicode, regex translation and the spacing that decides
// which names Nepxion fills.
type exprGen struct{ r *rand.Rand }

var (
	genNames   = []string{"a", "b", "c", "user-type", "a b", "", "a''b"}
	genStrings = []string{
		"1", "2", "10", "9", "1.0", "1e2", "100", "-1", "+1", ".5", "5.", "0", "-0", "00", "1E+2", "1e-3", "0.001",
		"abc", "abd", "ABC", "vip", "true", "", "  ", " 1", "１２", "٣", "é", "É", "😀", "\uffff", "\ue000",
		"1_0", "0x10", "1e2147483648", "Infinity", "a\nb", "\r", "\x0b", "\u0085", "\u2028", "\t", "K", "\u212a", "\u017f", "k", "s", "S", "VIP", "a\r\nb", "`",
	}
	genNumbers = []string{"1", "10", "9", "0", "1.5", "1.0", "1e2", "100", "-3", "-0", "2147483647", "0.1", "1E-3"}
	genRegexes = []string{
		"1", "[0-9]+", `^1\.[0-9]+$`, "a|b", ".*", "(?i)abc", `\d{2}`, `\s*`, ".", `\p{L}+`, `\p{Alpha}+`,
		`\u0041`, "[^a]", "a{1,2}", `\Qa.b\E`, "(?s).*", `\h`, `\v`, `\S+`, `\x41`, `\0101`, `[\s\S]*`, "é",
		"(?i)é", `\w+`, `\bvip\b`, "[a-c]+", `\p{IsLatin}+`, `\p{Lu}`, `\e`, "(?i)k", `a\nb`, `.\n.`, "(?i:AB)c",
		`\R`, `[\h]`, `\P{Alpha}`, `[\P{Alpha}]`, `\cA`, "$", "^$", `a$`, `.+`, "[]a]+", `\p{Nd}`,
		"(?i)[a-z]+", "(?i)[^k]", "(?i)[K-m]+", `(?i)\x6b`, `(?i)\Qk.\E`, "(?i:é)", `[\Qa-\E]+`, "(?i)vip|(?-i)ABC",
		"(?i)[Z-a]", `(?i)\w+`, `(?i)\p{L}`, `(?i)[\d\s]`, "(?is).", "(?m)^1$", `[\x{1F600}-\x{1F64F}]`, `\x{212A}`,
	}
	genRel = []string{"==", "!=", "<", "<=", ">", ">=", "eq", "NE", "lt", "Le", "gt", "ge"}
)

func (g *exprGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *exprGen) sp() string {
	if g.r.IntN(6) == 0 {
		return ""
	}
	return " "
}

func (g *exprGen) quote(s string) string {
	if g.r.IntN(8) == 0 && !strings.Contains(s, "'") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func (g *exprGen) ref() string {
	name := "a"
	if n := g.r.IntN(20); n < 6 {
		name = g.pick(genNames[:4])
	} else if n == 6 {
		name = g.pick(genNames)
	}
	if g.r.IntN(30) == 0 {
		return "#H[ '" + name + "' ]"
	}
	return "#H['" + name + "']"
}

// operand is a value: mostly a reference, else a literal or a condition.
func (g *exprGen) operand(depth int) string {
	switch n := g.r.IntN(20); {
	case n < 9:
		return g.ref()
	case n < 14:
		return g.quote(g.pick(genStrings))
	case n < 17:
		return g.pick(genNumbers)
	case n < 18:
		return g.pick([]string{"null", "NULL", "true", "false"})
	default:
		return "(" + g.cond(depth+1) + ")"
	}
}

// cond is a condition.
func (g *exprGen) cond(depth int) string {
	n := g.r.IntN(20)
	if depth > 3 {
		n %= 9
	}
	switch {
	case n < 6:
		return g.operand(depth) + g.sp() + g.pick(genRel) + g.sp() + g.operand(depth)
	case n < 8:
		left := g.ref()
		if g.r.IntN(4) == 0 {
			left = g.quote(g.pick(genStrings))
		}
		return left + " " + g.pick([]string{"matches", "MATCHES"}) + " " + g.quote(g.pick(genRegexes))
	case n < 9:
		return g.pick([]string{"true", "false", "True"})
	case n < 12:
		return g.pick([]string{"not ", "!", "NOT "}) + "(" + g.cond(depth+1) + ")"
	case n < 16:
		return g.cond(depth+1) + g.sp() + g.pick([]string{"and", "&&", "AND"}) + g.sp() + g.cond(depth+1)
	default:
		return g.cond(depth+1) + g.sp() + g.pick([]string{"or", "||", "Or"}) + g.sp() + g.cond(depth+1)
	}
}

// values is a random request: some names present, with random values.
func (g *exprGen) values() map[string]string {
	m := map[string]string{}
	for _, name := range genNames {
		if g.r.IntN(3) > 0 {
			m[name] = g.pick(genStrings)
		}
	}
	return m
}
