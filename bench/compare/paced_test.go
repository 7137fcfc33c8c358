package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestPacedDelay(t *testing.T) {
	tests := []struct {
		connections int
		rate        float64
		want        time.Duration
	}{
		{64, 12800, 5 * time.Millisecond},
		{64, 14000, 5 * time.Millisecond}, // 4.57 ms rounds to 5
		{64, 100000, time.Millisecond},    // never below wrk's 1 ms
		{1, 100, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := pacedDelay(tt.connections, tt.rate); got != tt.want {
			t.Errorf("pacedDelay(%d, %.0f) = %v, want %v", tt.connections, tt.rate, got, tt.want)
		}
	}
}

func TestPacedScript(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		variant string
		want    []string
	}{
		{"base", []string{`wrk.method = "GET"`, "function delay() return 5 end"}},
		{"inspector", []string{`wrk.method = "POST"`, "wrk.body = ", "function delay() return 5 end"}},
	} {
		p, err := variantByName(tt.variant).pacedScript(dir, 5*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s paced script lacks %q:\n%s", tt.variant, w, b)
			}
		}
	}
}

func TestPrintPaced(t *testing.T) {
	res := func(rps float64, p99 time.Duration) wrkResult {
		return wrkResult{Requests: 1000, RPS: rps, P50: time.Millisecond, P99: p99}
	}
	vr := &variantResult{v: variantByName("base"), pacedRate: 12000, pacedDelay: 5 * time.Millisecond, paced: []sample{
		{round: 1, target: "direct", res: res(11900, 2*time.Millisecond)},
		{round: 1, target: "nginx", res: res(11800, 4*time.Millisecond)},
		{round: 1, target: "gateway", res: res(11700, 3*time.Millisecond)},
	}}
	var b strings.Builder
	printPaced(&b, vr)
	for _, w := range []string{"5 ms between a connection's requests (aimed at 12000 req/s", "0.75×", "gateway equal or better"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("report lacks %q:\n%s", w, b.String())
		}
	}
}
