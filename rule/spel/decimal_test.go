package spel

import (
	"testing"
	"unicode"
)

func TestParseDecimal(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"0", true}, {"-0", true}, {"+1", true}, {"1.", true}, {".5", true}, {"-.5", true}, {"007", true},
		{"1e3", true}, {"1E+3", true}, {"1e-0", true}, {"1.e5", true}, {"１２", true}, {"٣", true}, {"1e５", true},
		{"1e0000000000001", true}, {"1e2147483647", true}, {"12345678901234567890123.5", true},
		{"", false}, {"-", false}, {"+", false}, {".", false}, {"e1", false}, {"1e", false}, {"1e+", false},
		{" 1", false}, {"1 ", false}, {"1_0", false}, {"0x10", false}, {"+-1", false}, {"1.2.3", false},
		{"Infinity", false}, {"NaN", false}, {"1e10000000000", false}, {"1e2147483648", false},
		{"1e-2147483648", false}, {"1.5e-2147483647", false}, {"1e5.5", false}, {"\U0001D7CE", false},
	}
	for _, c := range cases {
		if _, ok := parseDecimal(c.in); ok != c.ok {
			t.Errorf("parseDecimal(%q) ok = %v, want %v", c.in, ok, c.ok)
		}
	}
}

func TestCompareDecimal(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1", "1.0", 0}, {"1e2", "100", 0}, {"-0", "0.000", 0}, {"10", "9", 1}, {"-10", "-9", -1},
		{".5", "0.50", 0}, {"1.50000000000000000001", "1.5", 1}, {"0.1e1", "1", 0}, {"10e-1", "1", 0},
		{"1e2147483647", "9e2147483646", 1}, {"-1e2147483647", "-1", -1}, {"１２", "12.0", 0},
		{"123456789012345678901234567890", "123456789012345678901234567891", -1}, {"0.001", "1e-3", 0},
		{"-1", "0", -1}, {"0", "1e-2147483647", -1}, {"5.", "5", 0}, {"99", "100", -1},
	}
	for _, c := range cases {
		a, okA := parseDecimal(c.a)
		b, okB := parseDecimal(c.b)
		if !okA || !okB {
			t.Fatalf("parseDecimal(%q, %q) failed", c.a, c.b)
		}
		if got := compareDecimal(a, b); got != c.want {
			t.Errorf("compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := compareDecimal(b, a); got != -c.want {
			t.Errorf("compare(%s, %s) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

// TestDigitRuns checks the assumption javaDigit rests on: every BMP run of
// category Nd starts at a zero and spans whole tens.
func TestDigitRuns(t *testing.T) {
	for _, rg := range unicode.Nd.R16 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("Nd range %U-%U stride %d is not whole tens", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for r, want := range map[rune]int{'٣': 3, '０': 0, '９': 9, '߀': 0, 'a': -1, '\U0001D7CE': -1} {
		if got := javaDigit(r); got != want {
			t.Errorf("javaDigit(%q) = %d, want %d", r, got, want)
		}
	}
}

func TestCompareJavaStrings(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"abc", "abd", -1}, {"ab", "abc", -1}, {"", "", 0}, {"B", "a", -1}, {"é", "z", 1},
		{"\U0001F600", "\ue000", -1}, // surrogates (D83D) sort before E000 in UTF-16
		{"\U0001F600", "\uffff", -1},
		{"\U0001F600", "\u3000", 1}, // but after CJK below D800
		{"\U0001F600", "\U0001F601", -1}, {"a\U0001F600", "a\ufffd", -1},
		{"\xff", "\xfe", 1}, // invalid UTF-8 falls back to bytes
	}
	for _, c := range cases {
		if got := compareJavaStrings(c.a, c.b); got != c.want {
			t.Errorf("compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := compareJavaStrings(c.b, c.a); got != -c.want {
			t.Errorf("compare(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}
