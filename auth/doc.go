// Package auth is switchyard's identity service: local users with bcrypt
// password hashes, console sessions (an HttpOnly cookie plus a CSRF token),
// API tokens (shown once, stored as SHA-256 hashes), login throttling and
// the first-start admin account. It knows nothing of HTTP; httpapi carries
// its results in cookies and headers.
package auth
