package postgres

import (
	"regexp"
	"strings"
)

// The password forms of a PostgreSQL connection string: a key=value pair
// (value bare or single-quoted with \' escapes) and a URL query parameter.
var (
	kvPasswordRE    = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:\\.|[^'\\])*'?|\S*)`)
	queryPasswordRE = regexp.MustCompile(`(?i)([?&]password=)[^&#]*`)
)

// RedactDSN hides the password of a PostgreSQL connection string, in URL
// or key=value form, whatever its shape: it does not parse the URL (a DSN
// net/url refuses — a bad port, a '#' or a space in the password — must be
// hidden too). In a URL everything between the user name's ':' and the
// last '@' is the password; a string that is neither form (a SQLite path)
// comes back unchanged. It errs towards hiding too much.
func RedactDSN(dsn string) string {
	if scheme, rest, ok := strings.Cut(dsn, "://"); ok {
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if colon := strings.Index(rest[:at], ":"); colon >= 0 {
				rest = rest[:colon+1] + "redacted" + rest[at:]
			}
		}
		return scheme + "://" + queryPasswordRE.ReplaceAllString(rest, "${1}redacted")
	}
	return kvPasswordRE.ReplaceAllString(dsn, "${1}redacted")
}
