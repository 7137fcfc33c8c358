package sqlstore_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/postgres/pgtest"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/store/sqlstore"
)

// TestAuditPages pages through every filter of the audit log, five entries
// a page, and gets exactly the entries that match, newest first by time
// then ID (an entry recorded late goes by its time), on SQLite and PostgreSQL: with the recent-entries scan of a
// prefix filter cut to seven entries, so the pages of a rare prefix come
// from its index and those of a common one from the scan.
func TestAuditPages(t *testing.T) {
	defer sqlstore.SetAuditScan(7)()
	stores := map[string]func(t *testing.T) switchyard.Store{
		"sqlite": func(t *testing.T) switchyard.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"postgres": func(t *testing.T) switchyard.Store {
			s, err := postgres.Open(t.Context(), pgtest.FreshSchema(t))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			testAuditPages(t, s)
		})
	}
}

func testAuditPages(t *testing.T, s switchyard.Store) {
	base := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	actions := []string{"release.operate", "release.update", "user.create", "token.create"}
	var all []switchyard.AuditEntry
	for i := range 90 {
		e := switchyard.AuditEntry{
			Time:     base.Add(time.Duration(i/2) * time.Second), // two entries a second: ties go by ID
			Actor:    fmt.Sprintf("actor%d", i%3),
			Action:   actions[i%len(actions)],
			Resource: fmt.Sprintf("release/r%d", i%12),
			Outcome:  "ok",
			Via:      "session", Method: "POST", Path: "/api/x",
		}
		if i%3 == 0 {
			e.Action = "auth.login"
		}
		if i == 40 {
			e.Action, e.Resource = "group.delete", "group/g1" // a rare prefix, deep in the log
		}
		if i%10 == 0 {
			e.Outcome = "refused"
		}
		if i == 89 {
			e.Time = base.Add(5500 * time.Millisecond) // recorded late: the newest ID, an early time
		}
		if err := s.AppendAudit(t.Context(), &e); err != nil {
			t.Fatal(err)
		}
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b switchyard.AuditEntry) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	tests := []struct {
		name  string
		f     switchyard.AuditFilter
		match func(e switchyard.AuditEntry) bool
	}{
		{"everything", switchyard.AuditFilter{}, func(switchyard.AuditEntry) bool { return true }},
		{"actor", switchyard.AuditFilter{Actor: "actor1"}, func(e switchyard.AuditEntry) bool { return e.Actor == "actor1" }},
		{"outcome", switchyard.AuditFilter{Outcome: "refused"}, func(e switchyard.AuditEntry) bool { return e.Outcome == "refused" }},
		{"common action prefix", switchyard.AuditFilter{Action: "release."}, func(e switchyard.AuditEntry) bool { return strings.HasPrefix(e.Action, "release.") }},
		{"rare action prefix", switchyard.AuditFilter{Action: "group."}, func(e switchyard.AuditEntry) bool { return strings.HasPrefix(e.Action, "group.") }},
		{"no such action", switchyard.AuditFilter{Action: "nothing."}, func(switchyard.AuditEntry) bool { return false }},
		{"resource prefix", switchyard.AuditFilter{Resource: "release/r1"}, func(e switchyard.AuditEntry) bool { return strings.HasPrefix(e.Resource, "release/r1") }},
		{"one resource", switchyard.AuditFilter{Resource: "release/r7"}, func(e switchyard.AuditEntry) bool { return e.Resource == "release/r7" }},
		{"actor and action", switchyard.AuditFilter{Actor: "actor2", Action: "user."}, func(e switchyard.AuditEntry) bool {
			return e.Actor == "actor2" && strings.HasPrefix(e.Action, "user.")
		}},
		{"time window and resource", switchyard.AuditFilter{Since: base.Add(10 * time.Second), Until: base.Add(30 * time.Second), Resource: "release/r3"},
			func(e switchyard.AuditEntry) bool {
				return !e.Time.Before(base.Add(10*time.Second)) && e.Time.Before(base.Add(30*time.Second)) && e.Resource == "release/r3"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got []string
			for _, e := range all {
				if tt.match(e) {
					want = append(want, e.ID)
				}
			}
			f := tt.f
			f.Limit = 5
			for page := 0; ; page++ {
				list, err := s.FindAudit(t.Context(), f)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range list {
					got = append(got, e.ID)
				}
				if len(list) < f.Limit || page > len(all) {
					break
				}
				f.Before = list[len(list)-1].ID
			}
			if !slices.Equal(got, want) {
				t.Fatalf("pages = %v\nwant    %v", got, want)
			}
		})
	}
	t.Run("cursor naming no entry", func(t *testing.T) {
		before := all[10].ID[:20] + "zzzzzz" // between all[10] and all[9] by ID
		list, err := s.FindAudit(t.Context(), switchyard.AuditFilter{Before: before, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 || list[0].ID >= before {
			t.Fatalf("entries before an unknown cursor = %v", list)
		}
	})
}
