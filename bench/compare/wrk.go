package main

import (
	"bufio"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxWrkOutput bounds the text parseWrk reads: wrk's report is a few hundred
// bytes, a Lua script's extra output is not.
const maxWrkOutput = 1 << 20

// wrkResult is what one wrk --latency run reports.
type wrkResult struct {
	Requests int64         // completed requests
	Elapsed  time.Duration // the "requests in 10.01s" duration
	RPS      float64       // Requests/sec
	Avg, Max time.Duration // the Latency line of the thread stats
	// Percentiles of the latency distribution (--latency).
	P50, P75, P90, P99 time.Duration
	// Socket errors and responses with a status of 400 or more (wrk
	// prints those as "Non-2xx or 3xx responses").
	Connect, Read, Write, Timeout int64
	Non2xx                        int64
}

// Errors is every failed request wrk counted.
func (r wrkResult) Errors() int64 {
	return r.Connect + r.Read + r.Write + r.Timeout + r.Non2xx
}

// ErrorShare is Errors as a share of the requests (1 when none completed).
func (r wrkResult) ErrorShare() float64 {
	if r.Requests <= 0 {
		return 1
	}
	return float64(r.Errors()) / float64(r.Requests)
}

// parseWrk reads the report of `wrk --latency`. It needs the request count,
// Requests/sec and the 50 % and 99 % percentiles; a report without them (wrk
// failed to connect, or ran without --latency) is an error naming what is
// missing.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	if len(out) > maxWrkOutput {
		return r, fmt.Errorf("wrk output: %d bytes, more than the %d a report has", len(out), maxWrkOutput)
	}
	var seen struct{ requests, rps, p50, p99 bool }
	inDistribution := false
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 4096), maxWrkOutput)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		f := strings.Fields(line)
		var err error
		switch {
		case len(f) == 0:
			continue
		case line == "Latency Distribution":
			inDistribution = true
			continue
		case inDistribution && len(f) == 2 && strings.HasSuffix(f[0], "%"):
			d, err := parseWrkTime(f[1])
			if err != nil {
				return r, fmt.Errorf("wrk output line %q: %w", line, err)
			}
			switch f[0] {
			case "50%", "50.000%":
				r.P50, seen.p50 = d, true
			case "75%", "75.000%":
				r.P75 = d
			case "90%", "90.000%":
				r.P90 = d
			case "99%", "99.000%":
				r.P99, seen.p99 = d, true
			}
			continue
		case f[0] == "Latency" && len(f) >= 4:
			if r.Avg, err = parseWrkTime(f[1]); err == nil {
				r.Max, err = parseWrkTime(f[3])
			}
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			if r.Requests, err = parseCount(f[0]); err == nil {
				r.Elapsed, err = parseWrkTime(strings.TrimSuffix(f[3], ","))
				seen.requests = true
			}
		case f[0] == "Requests/sec:" && len(f) == 2:
			r.RPS, err = parseFloat(f[1])
			seen.rps = true
		case strings.HasPrefix(line, "Socket errors:"):
			err = parseSocketErrors(strings.TrimPrefix(line, "Socket errors:"), &r)
		case strings.HasPrefix(line, "Non-2xx or 3xx responses:"):
			r.Non2xx, err = parseCount(strings.TrimSpace(strings.TrimPrefix(line, "Non-2xx or 3xx responses:")))
		}
		inDistribution = false
		if err != nil {
			return r, fmt.Errorf("wrk output line %q: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return r, fmt.Errorf("wrk output: %w", err)
	}
	var missing []string
	for _, m := range []struct {
		ok   bool
		name string
	}{{seen.requests, "the request count"}, {seen.rps, "Requests/sec"}, {seen.p50, "the 50% latency"}, {seen.p99, "the 99% latency"}} {
		if !m.ok {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return r, fmt.Errorf("wrk output lacks %s (did wrk run with --latency and reach the server?)", strings.Join(missing, ", "))
	}
	return r, nil
}

// parseSocketErrors reads "connect 0, read 0, write 0, timeout 12".
func parseSocketErrors(s string, r *wrkResult) error {
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) != 2 {
			return fmt.Errorf("socket errors: %q is not \"kind count\"", strings.TrimSpace(part))
		}
		n, err := parseCount(f[1])
		if err != nil {
			return err
		}
		switch f[0] {
		case "connect":
			r.Connect = n
		case "read":
			r.Read = n
		case "write":
			r.Write = n
		case "timeout":
			r.Timeout = n
		default:
			return fmt.Errorf("socket errors: unknown kind %q", f[0])
		}
	}
	return nil
}

// wrkTimeUnits are the units of wrk's format_time, longest suffix first.
var wrkTimeUnits = []struct {
	suffix string
	unit   time.Duration
}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}

// parseWrkTime reads a wrk time such as 85.00us, 2.45ms, 1.02s or 1.50m.
func parseWrkTime(s string) (time.Duration, error) {
	for _, u := range wrkTimeUnits {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := parseFloat(num)
		if err != nil {
			return 0, fmt.Errorf("time %q: %w", s, err)
		}
		d := v * float64(u.unit)
		if d >= math.MaxInt64 {
			return 0, fmt.Errorf("time %q is out of range", s)
		}
		return time.Duration(math.Round(d)), nil
	}
	return 0, fmt.Errorf("time %q has no unit (us, ms, s, m or h)", s)
}

// maxCount bounds every count, so that sums of them cannot overflow.
const maxCount = 1e15

// metricSuffixes are wrk's format_metric multipliers.
var metricSuffixes = map[byte]float64{'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15}

// parseCount reads a non-negative count, with wrk's k/M/G suffixes
// ("1.20k" is 1200).
func parseCount(s string) (int64, error) {
	mult := 1.0
	if len(s) > 0 {
		if m, ok := metricSuffixes[s[len(s)-1]]; ok {
			mult, s = m, s[:len(s)-1]
		}
	}
	if mult == 1 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("count %q is not a non-negative integer", s)
		}
		if n > maxCount {
			return 0, fmt.Errorf("count %q is out of range", s)
		}
		return n, nil
	}
	v, err := parseFloat(s)
	if err != nil {
		return 0, fmt.Errorf("count %q: %w", s, err)
	}
	if v*mult > maxCount {
		return 0, fmt.Errorf("count %q is out of range", s)
	}
	return int64(math.Round(v * mult)), nil
}

// parseFloat reads a finite, non-negative decimal number.
func parseFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("%q is not a non-negative number", s)
	}
	return v, nil
}
