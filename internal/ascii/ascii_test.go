package ascii

import (
	"strings"
	"testing"
)

func TestEqualFold(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Content-Length", "content-length", true},
		{"X-FORWARDED-FOR", "x-forwarded-for", true},
		{"", "", true},
		{"Host", "Hosts", false},
		{"n-d-version", "n-d-versioN", true},
		{"a[", "A{", false}, // '[' and '{' differ by the case bit but are not letters
		{"Straße", "STRASSE", false},
		{"é", "É", false}, // ASCII only
	}
	for _, tt := range tests {
		if got := EqualFold(tt.a, tt.b); got != tt.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestToLower(t *testing.T) {
	for _, s := range []string{"", "lower", "Mixed-Case", "ALL-UPPER-123", "[]{}@`"} {
		if got, want := ToLower(s), strings.ToLower(s); got != want {
			t.Errorf("ToLower(%q) = %q, want %q", s, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = ToLower("already-lower") }); n != 0 {
		t.Errorf("ToLower of lower text allocates %v times", n)
	}
}

func FuzzEqualFold(f *testing.F) {
	f.Add("Content-Type", "content-type")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 1<<10 || len(b) > 1<<10 {
			return
		}
		if got, want := EqualFold(a, b), ToLower(a) == ToLower(b); got != want {
			t.Errorf("EqualFold(%q, %q) = %v, but the lowered texts compare %v", a, b, got, want)
		}
	})
}
