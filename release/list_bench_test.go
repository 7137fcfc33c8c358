package release_test

import (
	"database/sql"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/postgres/pgtest"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/store/storetest"
)

// BenchmarkList is the release table under the API with 10,000 releases:
// Service.List unpaged (every group, one group) and Service.Table a page of
// 20 (the first, the last, a search, a state), on SQLite
// and on PostgreSQL (skipped, saying why, when SWITCHYARD_TEST_POSTGRES is
// unset).
func BenchmarkList(b *testing.B) {
	opens := map[string]func(b *testing.B) switchyard.Store{
		"sqlite": func(b *testing.B) switchyard.Store {
			s, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "db"))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
		"postgres": func(b *testing.B) switchyard.Store {
			s, err := postgres.Open(b.Context(), pgtest.FreshSchema(b))
			if err != nil {
				b.Fatal(err)
			}
			return s
		},
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			st := opens[kind](b)
			b.Cleanup(func() { st.Close() })
			db := st.(interface{ SQL() *sql.DB }).SQL()
			if err := storetest.SeedReleases(b.Context(), st, db, 10000, time.Now()); err != nil {
				b.Fatal(err)
			}
			if kind == "postgres" { // what autovacuum does after a bulk load
				if _, err := db.ExecContext(b.Context(), `VACUUM ANALYZE releases`); err != nil {
					b.Fatal(err)
				}
			}
			svc := release.New(st, nil, nil, slog.New(slog.DiscardHandler))
			cases := []struct {
				name  string
				f     switchyard.ReleaseFilter
				paged bool
			}{
				{"all", switchyard.ReleaseFilter{}, false},
				{"group", switchyard.ReleaseFilter{Group: "group007"}, false},
				{"page-first", switchyard.ReleaseFilter{Limit: 20}, true},
				{"page-last", switchyard.ReleaseFilter{Offset: 9980, Limit: 20}, true},
				{"page-search", switchyard.ReleaseFilter{Search: "R099", Limit: 20}, true},
				{"page-state", switchyard.ReleaseFilter{States: []switchyard.ReleaseState{switchyard.StateNew}, Limit: 20}, true},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					var lat []time.Duration
					n := 0
					for b.Loop() {
						start := time.Now()
						if c.paged {
							t, err := svc.Table(b.Context(), c.f)
							if err != nil {
								b.Fatal(err)
							}
							n = len(t.Items)
						} else {
							list, err := svc.List(b.Context(), c.f)
							if err != nil {
								b.Fatal(err)
							}
							n = len(list)
						}
						lat = append(lat, time.Since(start))
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[(len(lat)*99+99)/100-1].Microseconds())/1000, "p99-ms")
					b.ReportMetric(float64(n), "releases")
				})
			}
		})
	}
}
