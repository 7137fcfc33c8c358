package spel

import (
	"slices"
	"testing"
)

func TestNepxionNames(t *testing.T) {
	cases := []struct {
		src  string
		want []string
	}{
		{"#H['a'] == '1' && #H['b'] == '2'", []string{"a", "b"}},
		{"#H['a']=='1'&&#H['b']=='2'", []string{"a"}}, // greedy: one match, name up to the first ']
		{"#H['a']=='1'&&#H['b']=='2' || #H['c'] == '3'", []string{"a", "c"}},
		{"#H['a']=='x' #H['b']", []string{"a", "b"}},            // whitespace ends a match
		{"#H[ 'a' ] == '1'", nil},                               // must be written exactly
		{"#H[''] == '1'", nil},                                  // \S+ needs one character
		{"#H['']']", []string{""}},                              // …but may then be cut to an empty name
		{"#H['\x01a'] == '1'", []string{"a"}},                   // trimmed like String.trim
		{"#H['a b'] == '1'", nil},                               // no match across a space
		{"#H['a\vb'] == '1' and #H['c'] == '2'", []string{"c"}}, // \x0B is Java whitespace
		{"#H['#H['x']'] == '1'", []string{"#H['x"}},             // non-overlapping, first '] wins
	}
	for _, c := range cases {
		var got []string
		for _, m := range nepxionNames(c.src) {
			got = append(got, m.name)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("nepxionNames(%q) = %q, want %q", c.src, got, c.want)
		}
	}
}
