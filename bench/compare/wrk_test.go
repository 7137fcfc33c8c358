package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readSample(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseWrk(t *testing.T) {
	tests := []struct {
		file string
		want wrkResult
	}{
		{"wrk-c1-us.txt", wrkResult{Requests: 23715, Elapsed: time.Second, RPS: 23639.42,
			Avg: 134130 * time.Nanosecond, Max: 6160 * time.Microsecond,
			P50: 36 * time.Microsecond, P75: 43 * time.Microsecond, P90: 65 * time.Microsecond, P99: 2960 * time.Microsecond}},
		{"wrk-non2xx.txt", wrkResult{Requests: 47260, Elapsed: 1010 * time.Millisecond, RPS: 46645.58,
			Avg: 960 * time.Microsecond, Max: 23580 * time.Microsecond,
			P50: 215 * time.Microsecond, P75: 839 * time.Microsecond, P90: 2740 * time.Microsecond, P99: 9720 * time.Microsecond,
			Non2xx: 47260}},
		{"wrk-timeout-s.txt", wrkResult{Requests: 23, Elapsed: 6020 * time.Millisecond, RPS: 3.82,
			Avg: 793890 * time.Microsecond, Max: 1240 * time.Millisecond,
			P50: 544820 * time.Microsecond, P75: 1240 * time.Millisecond, P90: 1240 * time.Millisecond, P99: 1240 * time.Millisecond,
			Timeout: 7}},
		{"wrk-gateway-c64.txt", wrkResult{Requests: 30492, Elapsed: 4080 * time.Millisecond, RPS: 7467.88,
			Avg: 13540 * time.Microsecond, Max: 209860 * time.Microsecond,
			P50: 7390 * time.Microsecond, P75: 11810 * time.Microsecond, P90: 23120 * time.Microsecond, P99: 138540 * time.Microsecond}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := parseWrk(readSample(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parseWrk:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseWrkRefusesIncompleteReports(t *testing.T) {
	full := readSample(t, "wrk-c1-us.txt")
	tests := []struct {
		name, out, wantErr string
	}{
		{"connection refused", readSample(t, "wrk-refused.txt"), "lacks the request count, Requests/sec, the 50% latency, the 99% latency"},
		{"empty", "", "Requests/sec"},
		{"run without --latency", cut(full, "  Latency Distribution\n", "  23715"), "lacks the 50% latency, the 99% latency"},
		{"time without a unit", strings.Replace(full, "36.00us", "36.00", 1), `time "36.00" has no unit`},
		{"negative time", strings.Replace(full, "2.96ms", "-2.96ms", 1), "not a non-negative number"},
		{"bad count", strings.Replace(full, "23715 requests", "23x15 requests", 1), `count "23x15"`},
		{"unknown socket error kind", strings.Replace(full, "Requests/sec:", "  Socket errors: connect 0, reset 2\nRequests/sec:", 1), `unknown kind "reset"`},
		{"huge time", strings.Replace(full, "6.16ms", "9e300h", 1), "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseWrk(tt.out)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseWrk error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// cut removes the text from the first from up to (not including) to.
func cut(s, from, to string) string {
	i, j := strings.Index(s, from), strings.Index(s, to)
	return s[:i] + s[j:]
}

func TestParseWrkUnits(t *testing.T) {
	times := []struct {
		in   string
		want time.Duration
	}{
		{"85.00us", 85 * time.Microsecond},
		{"2.45ms", 2450 * time.Microsecond},
		{"1.02s", 1020 * time.Millisecond},
		{"1.50m", 90 * time.Second},
		{"2.00h", 2 * time.Hour},
	}
	for _, tt := range times {
		if got, err := parseWrkTime(tt.in); err != nil || got != tt.want {
			t.Errorf("parseWrkTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	counts := []struct {
		in   string
		want int64
	}{{"947", 947}, {"13.12k", 13120}, {"1.01M", 1010000}, {"2G", 2000000000}}
	for _, tt := range counts {
		if got, err := parseCount(tt.in); err != nil || got != tt.want {
			t.Errorf("parseCount(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestErrorShare(t *testing.T) {
	tests := []struct {
		name string
		r    wrkResult
		want float64
	}{
		{"clean", wrkResult{Requests: 1000}, 0},
		{"socket errors and statuses count", wrkResult{Requests: 1000, Read: 1, Timeout: 1, Non2xx: 2}, 0.004},
		{"nothing completed", wrkResult{}, 1},
	}
	for _, tt := range tests {
		if got := tt.r.ErrorShare(); !sameFloat(got, tt.want) {
			t.Errorf("%s: ErrorShare = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFailure(t *testing.T) {
	tests := []struct {
		name string
		r    wrkResult
		fail bool
	}{
		{"clean", wrkResult{Requests: 100000}, false},
		{"0.1 % is tolerated", wrkResult{Requests: 100000, Timeout: 100}, false},
		{"beyond 0.1 % fails", wrkResult{Requests: 100000, Non2xx: 60, Read: 41}, true},
		{"all 503", wrkResult{Requests: 47260, Non2xx: 47260}, true},
	}
	for _, tt := range tests {
		if err := tt.r.failure(); (err != nil) != tt.fail {
			t.Errorf("%s: failure() = %v, want failed %v", tt.name, err, tt.fail)
		}
	}
}

// FuzzParseWrk: wrk's output (and whatever a Lua script prints into it) is
// text from another program; the parser never panics, and what it accepts
// is finite and non-negative.
func FuzzParseWrk(f *testing.F) {
	for _, name := range []string{"wrk-c1-us.txt", "wrk-non2xx.txt", "wrk-timeout-s.txt", "wrk-gateway-c64.txt", "wrk-refused.txt"} {
		f.Add(readSample(f, name))
	}
	f.Fuzz(func(t *testing.T, out string) {
		r, err := parseWrk(out)
		if err != nil {
			return
		}
		for _, d := range []time.Duration{r.Elapsed, r.Avg, r.Max, r.P50, r.P75, r.P90, r.P99} {
			if d < 0 {
				t.Fatalf("negative duration in %+v", r)
			}
		}
		if r.RPS < 0 || r.Requests < 0 || r.Errors() < 0 {
			t.Fatalf("negative count in %+v", r)
		}
	})
}
