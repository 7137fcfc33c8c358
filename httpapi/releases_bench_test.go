package httpapi_test

import (
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/store/storetest"
)

// benchReleases is the release table the benchmarks list.
const benchReleases = 10000

// BenchmarkReleaseListAPI is the console's release table (发布列表): GET
// /api/releases as the admin, with no filter (every group) and with the
// group filter, over 10,000 releases. Target: p99 < 50 ms.
func BenchmarkReleaseListAPI(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) {
			e := newBenchEnv(b, kind)
			start := time.Now()
			if err := storetest.SeedReleases(b.Context(), e.store, e.db, benchReleases, time.Now()); err != nil {
				b.Fatal(err)
			}
			b.Logf("seeded %d releases in %v", benchReleases, time.Since(start).Round(time.Millisecond))
			e.settle(b, kind, "releases")
			for _, c := range []struct{ name, path string }{
				{"all", "/api/releases"},
				{"group", "/api/releases?group=group007"},
			} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					var lat latencies
					var size int
					for b.Loop() {
						lat.time(func() { size = e.get(b, c.path) })
					}
					lat.report(b)
					b.ReportMetric(float64(size)/1024, "resp-KB")
				})
			}
		})
	}
}
