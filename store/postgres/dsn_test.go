package postgres_test

import (
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/store/postgres"
)

func TestRedactDSN(t *testing.T) {
	tests := map[string]string{
		"postgres://u:pw@h/db":                          "postgres://u:redacted@h/db",
		"postgres://u:hun#ter@db:5432/x":                "postgres://u:redacted@db:5432/x",
		"postgres://u:hunter@db:port/x":                 "postgres://u:redacted@db:port/x",
		"postgresql://u:p@ss/w@[::1:5432/x":             "postgresql://u:redacted@[::1:5432/x",
		"postgres://u@h/db?password=pw&sslmode=disable": "postgres://u@h/db?password=redacted&sslmode=disable",
		"postgres://u@h/db":                             "postgres://u@h/db",
		"host=h user=u password=pw dbname=d":            "host=h user=u password=redacted dbname=d",
		`host=h password='p w\'x' dbname=d`:             "host=h password=redacted dbname=d",
		"host=h PASSWORD = pw":                          "host=h PASSWORD = redacted",
		"/var/lib/switchyard/switch@yard:1.db":          "/var/lib/switchyard/switch@yard:1.db",
	}
	for in, want := range tests {
		if got := postgres.RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(postgres.RedactDSN(in), "pw") && !strings.Contains(want, "pw") {
			t.Errorf("RedactDSN(%q) shows the password", in)
		}
	}
}
