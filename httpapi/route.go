package httpapi

import (
	"cmp"
	"net/http"
	"reflect"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/release"
)

// Access is who may call a route.
type Access int

// The access levels, from open to narrow.
const (
	Public   Access = iota // anyone, signed in or not
	SignedIn               // any enabled user (reads, and writes to their own account)
	Agent                  // data-plane processes (role agent) and admins
	Operator               // operators and admins
	Admin                  // admins only
)

// String names the access level in the OpenAPI document.
func (a Access) String() string {
	return [...]string{"public", "signed-in", "agent", "operator", "admin"}[a]
}

// Route is one operation of the API.
type Route struct {
	Method string // GET, POST, PUT, PATCH, DELETE
	Path   string // a net/http pattern path, e.g. /api/users/{name}
	Access Access
	Action string // audit action of a write, e.g. "user.create"
	// NoAudit, when set, says why a write is not audited (liveness pings
	// such as heartbeats, which would drown the log).
	NoAudit string
	// Quiet routes are the data plane's and the console's machine chatter
	// (heartbeats, watches, metric reports, lock renewals, registrations,
	// which the registry reports as instance up/down): their access lines
	// are at debug level unless they fail with a server error.
	Quiet   bool
	Summary string
	Tag     string
	Status  int // success status; 200 if zero
	// Authorize, when set, is the route's own permission check (the group
	// a change belongs to). It runs after authentication and before the
	// request body is read or parsed, so nobody without the permission can
	// make the server parse anything.
	Authorize func(c *Call) error

	// In holds the path/query/header parameters (struct tags path, query,
	// header) and the JSON request body (field Body); Out is the JSON
	// response body. Raw routes leave Out nil and set the content types.
	In, Out     reflect.Type
	RawRequest  string
	RawResponse string

	serve func(c *Call)
}

// IsWrite reports whether the route changes something.
func (rt *Route) IsWrite() bool {
	return rt.Method != http.MethodGet && rt.Method != http.MethodHead
}

// Call is one request to a route.
type Call struct {
	W         http.ResponseWriter
	R         *http.Request
	Principal *auth.Principal // nil on public routes when signed out
	Route     *Route
	srv       *Server

	auditActor, auditResource, auditDetail string
	skipAudit                              bool
}

// SkipAudit leaves this call out of the audit log (a lock renewal, which
// repeats every few seconds and changes nothing anyone needs to trace).
func (c *Call) SkipAudit() { c.skipAudit = true }

// User returns the signed-in user, or nil.
func (c *Call) User() *switchyard.User {
	if c.Principal == nil {
		return nil
	}
	return c.Principal.User
}

// Audit names what the call acted on and, optionally, what changed (never
// secrets). Writes record it in the audit log.
func (c *Call) Audit(resource, detail string) {
	c.auditResource, c.auditDetail = resource, detail
}

// AuditActor names the actor of a call made without a principal (a login).
func (c *Call) AuditActor(name string) { c.auditActor = name }

// Op builds a JSON route from a typed handler. fn returns the response body
// or an error; the framework decodes In and encodes Out.
func Op[In, Out any](rt Route, fn func(c *Call, in *In) (*Out, error)) *Route {
	rt.In, rt.Out = reflect.TypeFor[In](), reflect.TypeFor[Out]()
	status := rt.Status
	if status == 0 {
		status = http.StatusOK
	}
	rt.serve = func(c *Call) {
		var in In
		if err := decode(c.R, &in); err != nil {
			c.fail(err)
			return
		}
		out, err := fn(c, &in)
		if err != nil {
			c.fail(err)
			return
		}
		if status == http.StatusNoContent {
			writeJSON(c.W, status, nil)
			return
		}
		writeJSON(c.W, status, out)
	}
	return &rt
}

// Raw builds a route whose handler writes its own response (text bodies,
// streams). In still describes the parameters for the OpenAPI document.
func Raw[In any](rt Route, fn func(c *Call, in *In) error) *Route {
	rt.In = reflect.TypeFor[In]()
	rt.serve = func(c *Call) {
		var in In
		if err := decode(c.R, &in); err != nil {
			c.fail(err)
			return
		}
		if err := fn(c, &in); err != nil {
			c.fail(err)
		}
	}
	return &rt
}

// groupParam authorizes a change of the config key named by the path
// (group, and dataId or serviceId; the group's own key without either)
// through the release service's one authorizer.
func groupParam(param string) func(c *Call) error {
	return func(c *Call) error {
		group := c.R.PathValue(param)
		c.Audit("config/"+group+"/"+cmp.Or(c.R.PathValue("dataId"), c.R.PathValue("serviceId"), group), "")
		return release.Authorize(c.User(), group)
	}
}

// authorize runs the route's own permission check, if any.
func (c *Call) authorize() error {
	if c.Route.Authorize == nil || c.Principal == nil {
		return nil
	}
	return c.Route.Authorize(c)
}

// fail writes err as the response.
func (c *Call) fail(err error) { writeError(c.W, c.R, err, c.srv.Logger) }

// NoBody is the In or Out of a route without parameters or response body.
type NoBody struct{}
