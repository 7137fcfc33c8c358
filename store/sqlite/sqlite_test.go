package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) switchyard.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "switchyard.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestReopenKeepsDataAndSkipsAppliedMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "switchyard.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateGroup(t.Context(), &switchyard.Group{Name: "g"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.FindGroup(t.Context(), "g"); err != nil {
		t.Fatalf("group lost on reopen: %v", err)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	if _, err := sqlite.Open(t.Context(), " "); err == nil {
		t.Fatal("want an error for an empty path")
	}
}
