package httpapi_test

import (
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/store/storetest"
)

// benchReleases is the release table the benchmarks list.
const benchReleases = 10000

// BenchmarkReleaseListAPI is the console's release table (发布列表) over
// 10,000 releases as the admin: the page of 20 the console asks for
// (GET /api/release-table: the first, the last, a search, a state filter,
// a group) and the unpaged GET /api/releases (every group, one group)
// older clients read. Target: p99 < 50 ms for the table.
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
				{"table-first", "/api/release-table?limit=20"},
				{"table-last", "/api/release-table?offset=9980&limit=20"},
				{"table-search", "/api/release-table?q=R099&limit=20"},
				{"table-state", "/api/release-table?states=NEW&limit=20"},
				{"table-group", "/api/release-table?group=group007&limit=20"},
				{"unpaged-all", "/api/releases"},
				{"unpaged-group", "/api/releases?group=group007"},
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
