package sqlstore_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// TestMigrationBoundsOldAuditRows: rows written before the audit columns
// were bounded (a 1 MB path, a 900 KB actor) are cut by migration 0005, so
// the audit page of an upgraded server is small too.
func TestMigrationBoundsOldAuditRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	huge := strings.Repeat("x", 1<<20)
	if _, err := s.SQL().ExecContext(t.Context(), `INSERT INTO audit_log (id, at, actor, path, detail) VALUES ('01old', 1, $1, $2, $3)`, huge, "/api/"+huge, huge); err != nil {
		t.Fatal(err)
	}
	// As if the server had been written before 0005.
	if _, err := s.SQL().ExecContext(t.Context(), `DELETE FROM schema_migrations WHERE version = 5`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = sqlite.Open(t.Context(), path); err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.FindAudit(t.Context(), switchyard.AuditFilter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("FindAudit = %v, %v", got, err)
	}
	e := got[0]
	if len(e.Actor) > switchyard.AuditActorMax || len(e.Path) > switchyard.AuditPathMax || len(e.Detail) > switchyard.AuditDetailMax || !strings.HasPrefix(e.Path, "/api/x") || !strings.HasSuffix(e.Path, "[truncated]") {
		t.Fatalf("old row after the migration: actor %d, path %d (%q…), detail %d bytes", len(e.Actor), len(e.Path), e.Path[:10], len(e.Detail))
	}
}
