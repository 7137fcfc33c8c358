package spel

import (
	"cmp"
	"math"
	"unicode"
	"unicode/utf8"
)

// decimal is a number read the way java.math.BigDecimal(String) reads it,
// kept as a view of the source text: value = ±0.d₁d₂… × 10^adj, where
// d₁d₂… are the digits of sig (which may hold one '.', skipped, and
// non-ASCII decimal digits). Nothing is allocated and no float is involved,
// so comparisons are exact at any length and exponent.
type decimal struct {
	neg  bool
	zero bool
	adj  int64  // exponent of the leading nonzero digit
	sig  string // significand text from the leading nonzero digit on
}

// parseDecimal accepts exactly the strings new BigDecimal(String) accepts
// (JDK 8–17): an optional sign; digits with at most one '.', at least one
// digit; an optional exponent e|E [sign] digits whose value fits a Java
// int, with at most 10 digits after leading zeros, and which keeps the
// scale (fraction digits − exponent) within an int. Digits are ASCII or any
// BMP character of Unicode category Nd (Character.isDigit; Java sees a
// supplementary digit as two surrogates, which are not digits).
func parseDecimal(s string) (d decimal, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		d.neg = s[i] == '-'
		i++
	}
	var nInt, nFrac, lead int64 // lead: digit index of the first nonzero digit
	first, dot := -1, false     // first: byte offset of the first nonzero digit
	for ; i < len(s) && s[i] != 'e' && s[i] != 'E'; i++ {
		if s[i] == '.' {
			if dot {
				return d, false
			}
			dot = true
			continue
		}
		dv, size := digitAt(s, i)
		if dv < 0 {
			return d, false
		}
		if dv != 0 && first < 0 {
			first, lead = i, nInt+nFrac
		}
		if dot {
			nFrac++
		} else {
			nInt++
		}
		i += size - 1
	}
	if nInt+nFrac == 0 {
		return d, false
	}
	end := i
	var exp int64
	if i < len(s) {
		if exp, ok = parseExponent(s[i+1:]); !ok {
			return d, false
		}
		if scale := nFrac - exp; exp != 0 && (scale > math.MaxInt32 || scale < math.MinInt32) {
			return d, false
		}
	}
	if first < 0 {
		d.zero = true
		return d, true
	}
	d.sig = s[first:end]
	d.adj = nInt - lead + exp
	return d, true
}

// parseExponent reads the exponent after 'e' as BigDecimal.parseExp does.
func parseExponent(t string) (int64, bool) {
	neg := false
	if len(t) > 0 && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	n := 0 // digits, which are one UTF-16 unit each
	for i := 0; i < len(t); n++ {
		dv, size := digitAt(t, i)
		if dv < 0 {
			return 0, false
		}
		i += size
	}
	if n == 0 {
		return 0, false
	}
	i := 0
	for n > 10 { // leading zeros are skipped only while more than 10 digits remain
		dv, size := digitAt(t, i)
		if dv != 0 {
			return 0, false // more than 10 significant exponent digits
		}
		i += size
		n--
	}
	var exp int64
	for i < len(t) {
		dv, size := digitAt(t, i)
		exp = exp*10 + int64(dv)
		i += size
	}
	if neg {
		exp = -exp
	}
	if exp > math.MaxInt32 || exp < math.MinInt32 {
		return 0, false
	}
	return exp, true
}

// digitAt is the decimal value of the character at s[i] as Java's
// Character.digit(c, 10) sees it, or -1, and the character's UTF-8 size.
func digitAt(s string, i int) (int, int) {
	if c := s[i]; c < utf8.RuneSelf {
		if '0' <= c && c <= '9' {
			return int(c - '0'), 1
		}
		return -1, 1
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	return javaDigit(r), size
}

// javaDigit is the value of a non-ASCII BMP decimal digit, or -1. Every run
// of category Nd starts at a zero and is a whole number of tens long.
func javaDigit(r rune) int {
	if r > 0xFFFF {
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if rune(rg.Lo) <= r && r <= rune(rg.Hi) {
			if (r-rune(rg.Lo))%rune(rg.Stride) != 0 {
				return -1
			}
			return int((r-rune(rg.Lo))/rune(rg.Stride)) % 10
		}
	}
	return -1
}

// compareDecimal is BigDecimal.compareTo: numeric order, ignoring scale.
func compareDecimal(a, b decimal) int {
	sa, sb := a.sign(), b.sign()
	if sa != sb || sa == 0 {
		return cmp.Compare(sa, sb)
	}
	m := compareMagnitude(a, b)
	if sa < 0 {
		return -m
	}
	return m
}

func (d decimal) sign() int {
	switch {
	case d.zero:
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// compareMagnitude compares |a| and |b|, both nonzero.
func compareMagnitude(a, b decimal) int {
	if a.adj != b.adj {
		return cmp.Compare(a.adj, b.adj)
	}
	i, j := 0, 0
	for {
		da, ni := nextDigit(a.sig, i)
		db, nj := nextDigit(b.sig, j)
		if da < 0 && db < 0 {
			return 0
		}
		if c := cmp.Compare(max(da, 0), max(db, 0)); c != 0 {
			return c
		}
		i, j = ni, nj
	}
}

// nextDigit returns the digit at or after s[i], skipping '.', and the offset
// after it; -1 at the end.
func nextDigit(s string, i int) (int, int) {
	if i < len(s) && s[i] == '.' {
		i++
	}
	if i >= len(s) {
		return -1, i
	}
	dv, size := digitAt(s, i)
	return dv, i + size
}
