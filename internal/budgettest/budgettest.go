// Package budgettest holds what the tests of every parser (rule,
// rule/releasedoc, verify, …) hold it to (issue 8): a hostile document is
// refused within RefuseTime, allocating less than RefuseBytes, with a
// refusal naming the limit; a fuzz input is read within a looser budget;
// and the builders of the hostile documents they use.
package budgettest

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	switchyard "github.com/switchyard-io/switchyard"
)

// The refusal budget every hostile document must meet.
const (
	RefuseTime  = 100 * time.Millisecond
	RefuseBytes = 64 << 20
)

// Within runs f and fails the test when it allocates RefuseBytes or more,
// or takes longer than RefuseTime in each of three runs: f is a pure parse,
// so the fastest run is its cost, and the slower ones measure a machine
// busy with other tests (go test runs packages in parallel). Under -race
// the time budget is raceFactor times longer.
func Within(t testing.TB, f func()) {
	t.Helper()
	WithinLimits(t, RefuseTime*raceFactor, RefuseBytes, f)
}

// WithinLimits is Within with other limits (a fuzz input's looser budget).
func WithinLimits(t testing.TB, limit time.Duration, limitBytes uint64, f func()) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	f()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	for try := 1; try < 3 && elapsed > limit; try++ {
		start = time.Now()
		f()
		elapsed = min(elapsed, time.Since(start))
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%v, %d KB allocated", elapsed, alloc>>10)
	if elapsed > limit {
		t.Errorf("took %v (fastest of 3 runs), budget %v", elapsed, limit)
	}
	if alloc >= limitBytes {
		t.Errorf("allocated %d MB, budget %d MB", alloc>>20, limitBytes>>20)
	}
}

// WantRefusal checks err is a CodeInvalid *switchyard.Error with reason and
// a message naming the limit's value.
func WantRefusal(t testing.TB, err error, reason string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want a refusal with reason %s", reason)
	}
	e := switchyard.AsError(err)
	if e == nil || e.Code != switchyard.CodeInvalid {
		t.Fatalf("error %v (%T) is not an invalid *switchyard.Error", err, err)
	}
	if e.Reason != reason {
		t.Fatalf("reason %q (%v), want %q", e.Reason, err, reason)
	}
	if limit := e.Params["limit"]; limit == "" || !strings.Contains(e.Message, "the limit is "+limit) {
		t.Fatalf("message %q does not name the limit (params %v)", e.Message, e.Params)
	}
}

// Refused runs parse on data within the budget and wants it refused with
// reason.
func Refused(t testing.TB, parse func([]byte) error, data []byte, reason string) {
	t.Helper()
	var err error
	Within(t, func() { err = parse(data) })
	WantRefusal(t, err, reason)
}

// Fuzz runs f and fails when it allocates 64 MB or more or takes a second
// or more (generous, so that a busy machine does not make fuzzing flaky;
// Within holds refusals to 100 ms).
func Fuzz(t testing.TB, f func()) {
	t.Helper()
	before := Allocated()
	start := time.Now()
	f()
	elapsed := time.Since(start)
	if alloc := Allocated() - before; alloc >= 64<<20 {
		t.Fatalf("allocated %d MB", alloc>>20)
	}
	if elapsed >= time.Second {
		t.Fatalf("took %v", elapsed)
	}
}

// Allocated is the heap allocated so far, in bytes: TotalAlloc, read
// through runtime/metrics, which does not stop the world as ReadMemStats
// does on every fuzz input.
func Allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Nested is open n times, then close n times.
func Nested(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

// ManyKeys is format filled with 0 … n-1, concatenated.
func ManyKeys(n int, format string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// RepeatBomb is issue 8's pattern: [a-z]{0,1000} sixty times.
var RepeatBomb = strings.Repeat("[a-z]{0,1000}", 60)
