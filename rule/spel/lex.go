package spel

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a lexical token. The lexer knows every SpEL
// punctuator, not only the ones of the subset, so that the parser can name a
// refused construct precisely instead of reporting an unexpected character.
type tokKind uint8

const (
	tEOF      tokKind = iota
	tStr              // '…' or "…"; val holds the unescaped text
	tNum              // 12, 1.5, 1e3
	tIdent            // a word: and, or, not, eq, true, null, matches, T, new, …
	tHash             // #
	tLParen           // (
	tRParen           // )
	tLBrack           // [
	tRBrack           // ]
	tLBrace           // {
	tRBrace           // }
	tEQ               // ==
	tNE               // !=
	tLT               // <
	tLE               // <=
	tGT               // >
	tGE               // >=
	tAndAnd           // &&
	tOrOr             // ||
	tBang             // !
	tAssign           // =
	tPlus             // +
	tMinus            // -
	tInc              // ++
	tDec              // --
	tStar             // *
	tSlash            // /
	tPercent          // %
	tCaret            // ^
	tDot              // .
	tComma            // ,
	tColon            // :
	tQuestion         // ?
	tElvis            // ?:
	tSafeNav          // ?.
	tAt               // @
	tAmp              // & (a single one)
	tPipe             // | (a single one)
	tSelect           // ?[ ![ ^[ $[ (selection / projection brackets)
)

// token is one lexical token. pos and end are byte offsets into the source.
type token struct {
	kind tokKind
	pos  int
	end  int
	text string // the source text of the token
	val  string // tStr: the unescaped value
	dq   bool   // tStr: written with double quotes
}

// twoChar lists the punctuators made of two characters, tried before the
// one-character ones.
var twoChar = []struct {
	s    string
	kind tokKind
}{
	{"==", tEQ}, {"!=", tNE}, {"<=", tLE}, {">=", tGE}, {"&&", tAndAnd}, {"||", tOrOr},
	{"++", tInc}, {"--", tDec}, {"?:", tElvis}, {"?.", tSafeNav},
	{"?[", tSelect}, {"![", tSelect}, {"^[", tSelect}, {"$[", tSelect},
}

// oneChar maps single-character punctuators to their kind.
var oneChar = [128]tokKind{
	'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, '{': tLBrace, '}': tRBrace,
	'<': tLT, '>': tGT, '!': tBang, '=': tAssign, '+': tPlus, '-': tMinus, '*': tStar,
	'/': tSlash, '%': tPercent, '^': tCaret, '.': tDot, ',': tComma, ':': tColon,
	'?': tQuestion, '@': tAt, '&': tAmp, '|': tPipe, '#': tHash,
}

// lex splits src into tokens, ending with a tEOF token. Whitespace is what
// SpEL's tokenizer skips: space, tab, CR and LF.
func lex(src string) ([]token, *SyntaxError) {
	var toks []token
	for i := 0; ; {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tEOF, pos: i, end: i}), nil
		}
		t, err := lexOne(src, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		i = t.end
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isIdentPart reports whether c may continue a SpEL identifier.
func isIdentPart(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '$' }

// lexOne reads the token starting at src[i], which is not whitespace.
func lexOne(src string, i int) (token, *SyntaxError) {
	c := src[i]
	switch {
	case c == '\'' || c == '"':
		return lexString(src, i)
	case isDigit(c):
		return lexNumber(src, i)
	case isLetter(c) || c == '_' || (c == '$' && !strings.HasPrefix(src[i:], "$[")):
		j := i + 1
		for j < len(src) && isIdentPart(src[j]) {
			j++
		}
		return token{kind: tIdent, pos: i, end: j, text: src[i:j]}, nil
	}
	for _, tc := range twoChar {
		if strings.HasPrefix(src[i:], tc.s) {
			return token{kind: tc.kind, pos: i, end: i + 2, text: tc.s}, nil
		}
	}
	if c < utf8.RuneSelf && oneChar[c] != tEOF {
		return token{kind: oneChar[c], pos: i, end: i + 1, text: src[i : i+1]}, nil
	}
	if c == '\\' {
		return token{}, errAt(src, i, `unexpected '\' outside a string: SpEL has no backslash escapes (inside quotes a backslash is an ordinary character)`)
	}
	r, _ := utf8.DecodeRuneInString(src[i:])
	return token{}, errAt(src, i, fmt.Sprintf("unexpected character %q", r))
}

// lexString reads a quoted string. Inside it the quote character is escaped
// by writing it twice; backslashes are ordinary characters.
func lexString(src string, i int) (token, *SyntaxError) {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		if src[j] != q {
			continue
		}
		if j+1 < len(src) && src[j+1] == q {
			j++ // a doubled quote stands for one quote
			continue
		}
		t := token{kind: tStr, pos: i, end: j + 1, text: src[i : j+1], dq: q == '"'}
		t.val = strings.ReplaceAll(src[i+1:j], string([]byte{q, q}), string(q))
		return t, nil
	}
	what := "string"
	if q == '"' {
		what = "double-quoted string"
	}
	return token{}, errAt(src, i, fmt.Sprintf("unterminated %s literal starting here (a quote inside a string is written twice: %c%c)", what, q, q))
}

// lexNumber reads a decimal number: digits, an optional fraction and an
// optional exponent, as SpEL writes int and real literals. Hex literals and
// the L, F and D suffixes are refused.
func lexNumber(src string, i int) (token, *SyntaxError) {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	if src[i] == '0' && j < len(src) && (src[j] == 'x' || src[j] == 'X') {
		return token{}, errAt(src, i, "hexadecimal numbers are not supported; write the number in decimal")
	}
	if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k == len(src) || !isDigit(src[k]) {
			return token{}, errAt(src, i, fmt.Sprintf("malformed number %q: the exponent needs digits", src[i:k]))
		}
		for k < len(src) && isDigit(src[k]) {
			k++
		}
		j = k
	}
	// SpEL reads a letter L right after 12 or 1.5 as a suffix (an error for
	// 1.5), but after an exponent as the start of a word (1e3lt 2).
	suffixes := "LlFfDd"
	if strings.ContainsAny(src[i:j], "eE") {
		suffixes = "FfDd"
	}
	if j < len(src) && strings.IndexByte(suffixes, src[j]) >= 0 {
		return token{}, errAt(src, i, fmt.Sprintf("number suffix %q in %s is not supported; write a plain decimal number", src[j], src[i:j+1]))
	}
	return token{kind: tNum, pos: i, end: j, text: src[i:j]}, nil
}
