// Package httpapi is switchyard's REST API: JSON over HTTP with one error
// shape, session-cookie and bearer-token authentication, CSRF protection of
// cookie writes, an audit record of every write, request IDs, an access log,
// health endpoints, the OpenAPI document and the embedded console.
//
// Every operation is a Route in one table (routes.go). The table is the single
// source of truth: it registers the handlers, decides who may call them, names
// the audit action, and generates /api/openapi.json, from which the console's
// TypeScript client is generated. A new route is covered by the authorization
// tests and the OpenAPI document without further edits.
//
// error.go holds the only mapping from switchyard error codes to HTTP status.
package httpapi
