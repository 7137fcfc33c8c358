package postgres_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/storetest"
)

// dsn returns the test server's DSN or skips, saying why.
func dsn(t *testing.T) string {
	d := os.Getenv("SWITCHYARD_TEST_POSTGRES")
	if d == "" {
		t.Skip("SWITCHYARD_TEST_POSTGRES is not set; skipping the PostgreSQL conformance suite (.ci/run sets it)")
	}
	return d
}

// freshSchema creates an empty schema and returns a DSN whose search_path is
// that schema; the schema is dropped when the test ends.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "sy_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	return withParam(t, base, "search_path", schema)
}

func withParam(t *testing.T, dsn, k, v string) string {
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set(k, v)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + k + "=" + v
}

func TestConformance(t *testing.T) {
	base := dsn(t)
	storetest.Run(t, func(t *testing.T) switchyard.Store {
		s, err := postgres.Open(t.Context(), freshSchema(t, base))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestParseDSN(t *testing.T) {
	if err := postgres.ParseDSN("postgres://u@127.0.0.1:5432/db?sslmode=disable"); err != nil {
		t.Fatalf("valid DSN refused: %v", err)
	}
	if err := postgres.ParseDSN("postgres://u@127.0.0.1:notaport/db"); err == nil {
		t.Fatal("bad port accepted")
	}
}
