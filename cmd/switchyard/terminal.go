package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
)

// terminalWriter escapes the characters that would act on a terminal
// instead of being shown (escape sequences that colour or erase, carriage
// returns that overwrite, bidi overrides that reorder), keeping the tabs
// and line breaks a table is made of. Every table the CLI prints goes
// through one, so text from the server cannot forge its output.
type terminalWriter struct{ w io.Writer }

func (t terminalWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(t.w, escapeControls(string(p), "\t\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// cell escapes a table cell: every control character, tabs and line
// breaks included, so a value is always one cell of one row.
func cell(s string) string { return escapeControls(s, "") }

// cells escapes each of values.
func cells(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = cell(v)
	}
	return out
}

// escapeControls writes the control characters of s (switchyard.IsControl)
// and its invalid bytes as Go escapes (\x1b, \n, \u202e), except those in
// keep.
func escapeControls(s, keep string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (switchyard.IsControl(r) && !strings.ContainsRune(keep, r)) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !switchyard.IsControl(r) || strings.ContainsRune(keep, r):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}
