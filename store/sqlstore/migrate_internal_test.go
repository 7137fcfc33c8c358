package sqlstore

import (
	"strings"
	"testing"
)

// TestLoadMigrationsPerDialect: each dialect gets the portable migrations
// and its own form of a per-dialect version, never another's, once.
func TestLoadMigrationsPerDialect(t *testing.T) {
	for _, tt := range []struct{ dialect, other string }{{"sqlite", "postgres"}, {"postgres", "sqlite"}} {
		t.Run(tt.dialect, func(t *testing.T) {
			all, err := loadMigrations(tt.dialect)
			if err != nil {
				t.Fatal(err)
			}
			var own bool
			for i, m := range all {
				if i > 0 && m.version <= all[i-1].version {
					t.Fatalf("migration %s after %s: versions must ascend, each once", m.name, all[i-1].name)
				}
				if strings.HasSuffix(m.name, "."+tt.other+".sql") {
					t.Fatalf("%s got %s", tt.dialect, m.name)
				}
				own = own || m.name == "0013_audit_prefix."+tt.dialect+".sql"
			}
			if !own {
				t.Fatalf("%s did not get its form of 0013: %v", tt.dialect, all)
			}
		})
	}
}
