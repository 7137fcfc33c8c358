// Package pgtest gives tests an empty PostgreSQL schema of their own on the
// server SWITCHYARD_TEST_POSTGRES names (.ci/run points it at this
// machine's server), or skips them saying why.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver
)

// DSN returns the test server's DSN, or skips the test.
func DSN(t testing.TB) string {
	t.Helper()
	d := os.Getenv("SWITCHYARD_TEST_POSTGRES")
	if d == "" {
		t.Skip("SWITCHYARD_TEST_POSTGRES is not set; skipping what needs PostgreSQL (.ci/run sets it)")
	}
	return d
}

// FreshSchema creates an empty schema on the test server and returns a DSN
// whose search_path is it; the schema is dropped when the test ends.
func FreshSchema(t testing.TB) string {
	t.Helper()
	base := DSN(t)
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
	return WithParam(t, base, "search_path", schema)
}

// WithParam sets the connection parameter k of a URL or keyword DSN.
func WithParam(t testing.TB, dsn, k, v string) string {
	t.Helper()
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
