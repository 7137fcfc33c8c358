package httpapi_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/store/storetest"
)

// benchAuditRows is the audit log the benchmarks page through.
const benchAuditRows = 1_000_000

// BenchmarkAuditAPI is the console's audit log (审计日志): GET /api/audit
// as the admin over 1,000,000 rows, 50 a page as the console asks: the
// first page, pages 10,000 and 990,000 rows deep (the before cursor the
// previous page returned), filtered by actor (first and deep), by target
// (resource prefix), by action prefix, by outcome and by a day long ago.
// Target: p99 < 50 ms.
func BenchmarkAuditAPI(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) {
			e := newBenchEnv(b, kind)
			now, start := time.Now(), time.Now()
			marks, err := storetest.SeedAudit(b.Context(), e.db, benchAuditRows, now)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("seeded %d audit rows in %v", benchAuditRows, time.Since(start).Round(time.Millisecond))
			e.settle(b, kind, "audit_log")
			day := now.Add(-60 * 24 * time.Hour)
			for _, c := range []struct {
				name string
				q    url.Values
			}{
				{"first", url.Values{}},
				{"deep-10k", url.Values{"before": {marks[1]}}},
				{"deep-990k", url.Values{"before": {marks[99]}}},
				{"actor", url.Values{"actor": {"actor042"}}},
				{"actor-deep", url.Values{"actor": {"actor042"}, "before": {marks[90]}}},
				{"target", url.Values{"resource": {"release/r04242"}}},
				{"target-deep", url.Values{"resource": {"release/r04242"}, "before": {marks[90]}}},
				{"target-none", url.Values{"resource": {"user/nobody"}}},
				{"action", url.Values{"action": {"user."}}},
				{"outcome", url.Values{"outcome": {"refused"}}},
				{"range", url.Values{"since": {day.Format(time.RFC3339)}, "until": {day.Add(24 * time.Hour).Format(time.RFC3339)}}},
			} {
				c.q.Set("limit", "50")
				path := "/api/audit?" + c.q.Encode()
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					var lat latencies
					for b.Loop() {
						lat.time(func() { e.get(b, path) })
					}
					lat.report(b)
				})
			}
		})
	}
}
