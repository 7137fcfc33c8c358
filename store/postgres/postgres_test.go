package postgres_test

import (
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/postgres/pgtest"
	"github.com/switchyard-io/switchyard/store/storetest"
)

func TestConformance(t *testing.T) {
	pgtest.DSN(t)
	storetest.Run(t, func(t *testing.T) switchyard.Store {
		s, err := postgres.Open(t.Context(), pgtest.FreshSchema(t))
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
