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

// BenchmarkList is the release table under the API: Service.List of 10,000
// releases (one query for the releases, one for every live lock, one
// look-up per creator or executor), every group and one group, on SQLite
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
			for _, c := range []struct{ name, group string }{{"all", ""}, {"group", "group007"}} {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					var lat []time.Duration
					n := 0
					for b.Loop() {
						start := time.Now()
						list, err := svc.List(b.Context(), c.group)
						if err != nil {
							b.Fatal(err)
						}
						lat, n = append(lat, time.Since(start)), len(list)
					}
					slices.Sort(lat)
					b.ReportMetric(float64(lat[(len(lat)*99+99)/100-1].Microseconds())/1000, "p99-ms")
					b.ReportMetric(float64(n), "releases")
				})
			}
		})
	}
}
