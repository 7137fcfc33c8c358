package spel

import "testing"

func benchmarkEval(b *testing.B, src string, values ...string) {
	e := mustCompile(b, src)
	var vars sliceVars
	for i := range values {
		vars = append(vars, &values[i])
	}
	var v Vars = vars
	b.ReportAllocs()
	for b.Loop() {
		e.Eval(v)
	}
}

func BenchmarkEvalSimple(b *testing.B) {
	benchmarkEval(b, "#H['a'] == '1'", "1")
}

func BenchmarkEvalAndOr4(b *testing.B) {
	benchmarkEval(b, "#H['a'] == '1' and #H['b'] != '2' or #H['c'] == 'vip' and #H['d'] != 'x'", "0", "2", "vip", "y")
}

func BenchmarkEvalNumeric(b *testing.B) {
	benchmarkEval(b, "#H['age'] >= 18 and #H['v'] < '10.5'", "21", "9.75")
}

func BenchmarkEvalMatches(b *testing.B) {
	benchmarkEval(b, `#H['v'] matches '^1\.[0-9]+$'`, "1.123")
}

func BenchmarkEvalMatchesCaseInsensitive(b *testing.B) {
	benchmarkEval(b, `#H['ua'] matches '(?i).*android.*'`, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36")
}

func BenchmarkCompile(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile("#H['a'] == '1' and #H['b'] != '2' or #H['c'] >= '10' and not (#H['v'] matches '^1\\.[0-9]+$')"); err != nil {
			b.Fatal(err)
		}
	}
}
