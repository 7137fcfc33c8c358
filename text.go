package switchyard

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidateText checks a free-text field a person typed (a display name, a
// description, a token name): at most max characters, valid UTF-8, and no
// control characters — which would colour or rewrite a terminal that shows
// it — except line breaks and tabs when multiline.
func ValidateText(field, s string, max int, multiline bool) error {
	if n := utf8.RuneCountInString(s); n > max {
		return FieldErrorf(field, "field.length", "%s must be at most %d characters (it has %d)", field, max, n).
			WithReason("field.length", map[string]string{"field": field, "max": strconv.Itoa(max)})
	}
	if !utf8.ValidString(s) {
		return FieldErrorf(field, "text.control", "%s is not valid UTF-8 text", field).WithReason("text.control", map[string]string{"field": field})
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\t') {
			continue
		}
		if IsControl(r) {
			return FieldErrorf(field, "text.control", "%s must not contain control characters (found %U)", field, r).
				WithReason("text.control", map[string]string{"field": field})
		}
	}
	return nil
}

// IsControl reports whether r is a character that changes how text is
// shown rather than being shown: C0 and C1 controls, DEL, and the bidi
// embeddings, overrides and isolates that reorder a line.
func IsControl(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// Truncate returns s cut to at most max bytes, on a character boundary,
// ending with a marker that says it was cut and from what size; s itself
// when it fits.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	marker := "…[truncated from " + strconv.Itoa(len(s)) + " bytes]"
	if max < len(marker) {
		return s[:safeCut(s, max)]
	}
	return s[:safeCut(s, max-len(marker))] + marker
}

// safeCut returns the largest n ≤ max with s[:n] ending on a character
// boundary.
func safeCut(s string, max int) int {
	n := max
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// StorableText returns s as valid UTF-8 without NUL characters: what every
// store can keep (PostgreSQL's TEXT refuses both, and the row would be
// lost). Bad bytes and NULs become U+FFFD.
func StorableText(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
