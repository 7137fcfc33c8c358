package spel

import (
	"cmp"
	"strings"
	"unicode/utf8"
)

// number is a number literal. SpEL reads 12 as an Integer and 1.5 or 1e3 as
// a Double.
type number struct {
	isInt bool
	i     int64
	f     float64
	text  string // what the boxed value's toString() gives, as BigDecimal reads it
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// compare applies a comparison operator. ok=false means SpEL would have
// thrown (values that cannot be ordered).
func (e *Expr) compare(op cmpOp, l, r value) (res, ok bool) {
	switch op {
	case cmpEQ:
		return e.equal(l, r), true
	case cmpNE:
		return !e.equal(l, r), true
	}
	c, ok := e.order(l, r)
	if !ok {
		return false, false
	}
	switch op {
	case cmpLT:
		return c < 0, true
	case cmpLE:
		return c <= 0, true
	case cmpGT:
		return c > 0, true
	default:
		return c >= 0, true
	}
}

// equal is SpEL's Operator.equalityCheck restricted to our value kinds:
// numbers compare numerically, strings and booleans by value, null equals
// only null, and values of different kinds are never equal (String, Integer
// and Boolean have no common Comparable ancestor).
func (e *Expr) equal(l, r value) bool {
	if l.kind != r.kind {
		return false
	}
	switch l.kind {
	case kStr:
		return l.s == r.s
	case kBool:
		return l.b == r.b
	case kNum:
		a, b := e.nums[l.n], e.nums[r.n]
		if a.isInt && b.isInt {
			return a.i == b.i
		}
		return a.float() == b.float()
	}
	return true // null == null
}

// order is what SpEL's OpLT/OpGT/… do: two numbers compare as Java
// numbers; anything else goes through Nepxion's DiscoveryTypeComparator:
// null sorts first, two values that both parse as BigDecimal compare
// numerically, two strings compare as Java strings, two booleans as
// Booleans, and any other mix throws.
func (e *Expr) order(l, r value) (int, bool) {
	if l.kind == kNum && r.kind == kNum {
		a, b := e.nums[l.n], e.nums[r.n]
		if a.isInt && b.isInt {
			return cmp.Compare(a.i, b.i), true
		}
		return cmp.Compare(a.float(), b.float()), true
	}
	if l.kind == kNull || r.kind == kNull {
		return cmp.Compare(nonNull(l), nonNull(r)), true
	}
	if l.kind != kBool && r.kind != kBool {
		if a, ok := parseDecimal(e.text(l)); ok {
			if b, ok := parseDecimal(e.text(r)); ok {
				return compareDecimal(a, b), true
			}
		}
	}
	if l.kind != r.kind {
		return 0, false // ClassCastException inside Comparable.compareTo
	}
	if l.kind == kBool {
		return cmp.Compare(b2i(l.b), b2i(r.b)), true
	}
	return compareJavaStrings(l.s, r.s), true
}

func nonNull(v value) int {
	if v.kind == kNull {
		return 0
	}
	return 1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// text is Java's toString() of a string or number value.
func (e *Expr) text(v value) string {
	if v.kind == kNum {
		return e.nums[v.n].text
	}
	return v.s
}

// compareJavaStrings orders a and b as Java's String.compareTo does: by
// UTF-16 code units. Go orders UTF-8 bytes, which is code point order; the
// two differ only when a supplementary character (encoded in UTF-16 as a
// surrogate pair, D800–DFFF) meets a BMP character in E000–FFFF. Bytes that
// are not valid UTF-8 are compared as bytes.
func compareJavaStrings(a, b string) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	if i == n {
		return cmp.Compare(len(a), len(b))
	}
	for i > 0 && !utf8.RuneStart(a[i]) {
		i-- // back to the start of the character the strings differ in
	}
	ra, sa := utf8.DecodeRuneInString(a[i:])
	rb, sb := utf8.DecodeRuneInString(b[i:])
	if ra == utf8.RuneError && sa == 1 || rb == utf8.RuneError && sb == 1 {
		return strings.Compare(a[i:], b[i:])
	}
	if c := cmp.Compare(firstUTF16(ra), firstUTF16(rb)); c != 0 {
		return c
	}
	return cmp.Compare(ra, rb) // same high surrogate: low surrogates follow code point order
}

// firstUTF16 is the first UTF-16 code unit of r.
func firstUTF16(r rune) rune {
	if r < 0x10000 {
		return r
	}
	return 0xD800 + (r-0x10000)>>10
}
