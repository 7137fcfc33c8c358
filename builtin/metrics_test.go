package builtin_test

import (
	"math"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
)

func buckets(at map[int]int64) []int64 {
	b := make([]int64, len(switchyard.LatencyBounds)+1)
	for i, n := range at {
		b[i] = n
	}
	return b
}

func TestServiceMetricsByVersion(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := builtin.NewMetrics()
	p.Now = func() time.Time { return now }
	report := func(inst, version string, req, errs int64, latMs float64, b map[int]int64, cpu float64) {
		t.Helper()
		if err := p.Report(t.Context(), &switchyard.MetricsReport{Instance: inst, Service: "svc", Version: version, Address: inst + ":1",
			Seconds: 5, Requests: req, Errors: errs, LatencyMs: latMs, Buckets: buckets(b), CPUPercent: cpu, MemoryBytes: 100}); err != nil {
			t.Fatal(err)
		}
	}
	report("old-1", "1.0", 900, 9, 900*10, map[int]int64{3: 900}, 40) // all within 10 ms
	report("new-1", "1.1", 100, 0, 100*80, map[int]int64{6: 98, 8: 2}, 60)
	now = now.Add(2 * time.Minute)
	report("old-1", "1.0", 0, 0, 0, map[int]int64{}, 50) // a later, idle report
	got, err := p.ServiceMetrics(t.Context(), "svc", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Versions) != 2 {
		t.Fatalf("versions = %+v", got.Versions)
	}
	old, blue := got.Versions[0], got.Versions[1]
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if old.Version != "1.0" || old.Requests != 900 || !near(old.Traffic, 90) || !near(old.SuccessRate, 99) || !near(old.AvgLatencyMs, 10) || old.P99LatencyMs != 10 || old.CPUPercent != 50 {
		t.Errorf("1.0 = %+v", old)
	}
	if blue.Version != "1.1" || !near(blue.Traffic, 10) || blue.SuccessRate != 100 || blue.AvgLatencyMs != 80 || blue.P99LatencyMs != 500 {
		// 98 requests within 100 ms and 2 within 500 ms: the 99th of 100 is in the 500 ms bucket.
		t.Errorf("1.1 = %+v", blue)
	}
	recent, _ := p.ServiceMetrics(t.Context(), "svc", time.Minute)
	if len(recent.Versions) != 1 || recent.Versions[0].Requests != 0 || recent.Versions[0].SuccessRate != 100 {
		t.Errorf("last minute = %+v", recent.Versions)
	}
	if err := p.Report(t.Context(), &switchyard.MetricsReport{Instance: "x", Service: "svc", Requests: 1, Errors: 2}); err == nil {
		t.Error("errors > requests accepted")
	}
}
