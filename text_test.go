package switchyard_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
)

func TestValidateText(t *testing.T) {
	tests := []struct {
		name, in  string
		multiline bool
		reason    string
	}{
		{"plain", "Payment services: checkout", false, ""},
		{"chinese", "订单中心", false, ""},
		{"escape sequence", "ok\x1b[31mred", false, "text.control"},
		{"carriage return", "a\rb", false, "text.control"},
		{"newline in a single line", "a\nb", false, "text.control"},
		{"newline in a description", "a\nb\tc", true, ""},
		{"bidi override", "abc\u202edef", true, "text.control"},
		{"C1 control", "a\u0085b", true, "text.control"},
		{"invalid UTF-8", "a\xffb", false, "text.control"},
		{"NUL", "a\x00b", true, "text.control"},
		{"too long", strings.Repeat("é", 11), false, "field.length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := switchyard.ValidateText("description", tt.in, 10+len(tt.in)*boolInt(tt.reason != "field.length"), tt.multiline)
			got := ""
			if e := switchyard.AsError(err); e != nil {
				got = e.Reason
				if e.Field != "description" || e.Params["field"] != "description" {
					t.Fatalf("error %+v does not name the field", e)
				}
			}
			if got != tt.reason {
				t.Fatalf("ValidateText(%q) reason %q, want %q", tt.in, got, tt.reason)
			}
		})
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestValidateNameDoesNotEchoLongNames(t *testing.T) {
	err := switchyard.ValidateName("username", strings.Repeat("a", 900_000))
	e := switchyard.AsError(err)
	if e == nil || e.Field != "username" || e.Params["max"] != "63" || len(e.Message) > 200 {
		t.Fatalf("ValidateName of 900 KB: %.300v", err)
	}
}

func TestAuditBound(t *testing.T) {
	e := &switchyard.AuditEntry{Actor: "alice", Path: "/api/" + strings.Repeat("x", 10_000), Detail: "role=viewer"}
	e.Bound()
	if e.Actor != "alice" || e.Detail != "role=viewer" {
		t.Fatalf("short columns changed: %+v", e)
	}
	if len(e.Path) > switchyard.AuditPathMax || !strings.HasSuffix(e.Path, "…[truncated from 10005 bytes]") || !strings.HasPrefix(e.Path, "/api/xxx") {
		t.Fatalf("path = %q", e.Path)
	}
}

// FuzzTruncate: whatever the input and bound, the result fits, keeps the
// start, and is valid UTF-8 when the input was.
func FuzzTruncate(f *testing.F) {
	for _, s := range []string{"", "abc", strings.Repeat("é", 300), "日本語テキスト", "a\xffb", strings.Repeat("x", 5000)} {
		f.Add(s, 64)
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		got := switchyard.Truncate(s, max)
		if len(got) > max && len(s) > max {
			t.Fatalf("Truncate(%q, %d) = %q: %d bytes", s, max, got, len(got))
		}
		if len(s) <= max && got != s {
			t.Fatalf("Truncate changed a string that fits")
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Truncate(%q, %d) = %q: cut inside a character", s, max, got)
		}
		kept := strings.SplitN(got, "…[truncated", 2)[0]
		if !strings.HasPrefix(s, kept) {
			t.Fatalf("Truncate(%q, %d) = %q does not keep the start", s, max, got)
		}
		if st := switchyard.StorableText(s); !utf8.ValidString(st) || strings.ContainsRune(st, 0) {
			t.Fatalf("StorableText(%q) = %q", s, st)
		}
	})
}
