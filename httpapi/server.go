package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/internal/localcall"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/verify"
	"github.com/switchyard-io/switchyard/workflow"
)

// SessionCookie is the name of the console session cookie.
const SessionCookie = "switchyard_session"

// CSRFHeader carries the session's CSRF token on cookie-authenticated writes.
const CSRFHeader = "X-CSRF-Token"

// Deps are the services the API serves.
type Deps struct {
	Store    switchyard.Store
	Auth     *auth.Service
	Config   switchyard.ConfigCenter
	Registry switchyard.Registry
	// Metrics answers per-version questions; Collector takes data-plane
	// reports (the built-in provider is both).
	Metrics   switchyard.MetricsProvider
	Collector switchyard.MetricsCollector
	Releases  *release.Service
	// Workflows is the workflow engine's service (nil: the workflow and
	// execution routes answer unavailable).
	Workflows *workflow.Service
	Logger    *slog.Logger
	// Verify runs the verification tests (nil: their routes answer
	// unavailable).
	Verify *verify.Service
}

// Server is the control plane's HTTP API.
type Server struct {
	Store     switchyard.Store
	Auth      *auth.Service
	Config    switchyard.ConfigCenter
	Registry  switchyard.Registry
	Metrics   switchyard.MetricsProvider
	Collector switchyard.MetricsCollector
	Releases  *release.Service
	Workflows *workflow.Service
	Verify    *verify.Service
	Logger    *slog.Logger
	Now       func() time.Time
	// Version is reported by /healthz and the OpenAPI document.
	Version string
	// SecureCookies marks the session cookie Secure (serve over HTTPS).
	SecureCookies bool
	// UI serves the console for every path outside /api; nil serves nothing.
	UI http.Handler
	// NepxionOpenOnLoopback lets calls from this machine use the
	// Nepxion-compatible endpoints of NepxionConsole without a token, as the
	// guide's scripts expect (never those under /nepxion/ of Handler). Only
	// the demo sets it, and says so in its log.
	NepxionOpenOnLoopback bool
	// Checks are the readiness checks of /readyz besides the store.
	Checks map[string]func(ctx context.Context) error

	routes []*Route
	mux    *http.ServeMux
	demo   bool
}

// New returns a server with every route registered. Deps may be zero to
// only describe the API (the openapi command).
func New(d Deps) *Server {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &Server{Store: d.Store, Auth: d.Auth, Config: d.Config, Registry: d.Registry, Metrics: d.Metrics, Collector: d.Collector, Releases: d.Releases, Workflows: d.Workflows, Verify: d.Verify, Logger: d.Logger,
		Now: time.Now, Version: "dev", Checks: map[string]func(context.Context) error{}}
	s.Handle(s.identityRoutes()...)
	s.Handle(s.systemRoutes()...)
	s.Handle(s.configRoutes()...)
	s.Handle(s.registryRoutes()...)
	s.Handle(s.metricsRoutes()...)
	s.Handle(s.releaseRoutes()...)
	s.Handle(s.workflowRoutes()...)
	s.Handle(s.executionRoutes()...)
	s.Handle(s.nepxionRoutes()...)
	s.Handle(s.verifyRoutes()...)
	s.Handle(s.nepxionAutomationRoutes()...)
	return s
}

// Handle adds routes to the table.
func (s *Server) Handle(routes ...*Route) { s.routes = append(s.routes, routes...) }

// Routes returns the route table, for tests and the OpenAPI document.
func (s *Server) Routes() []*Route { return s.routes }

// Handler builds the HTTP handler: every route wrapped in authentication,
// authorization, CSRF and audit, plus health, OpenAPI and the console.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, switchyard.Errorf(switchyard.CodeNotFound, "no API operation %s %s", r.Method, r.URL.Path).WithReason("route.not_found", nil), s.Logger)
	})
	if s.UI != nil {
		mux.Handle("/", s.UI)
	}
	s.mux = mux
	return s.middleware(mux)
}

// wrap runs one route: who is calling, may they, is it a forged write, then
// the handler, then the audit record.
func (s *Server) wrap(rt *Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sw, ok := w.(*statusWriter); ok && rt.Quiet {
			sw.quiet = true
		}
		c := &Call{W: w, R: r, Route: rt, srv: s}
		if err := s.admit(c); err != nil {
			c.fail(err)
		} else if err := c.authorize(); err != nil {
			c.fail(err)
		} else {
			rt.serve(c)
		}
		if rt.IsWrite() && rt.NoAudit == "" && !c.skipAudit {
			s.audit(c)
		}
	})
}

// admit authenticates the caller and checks the route's access level and,
// for writes made with the session cookie, the CSRF token.
func (s *Server) admit(c *Call) error {
	p, err := s.principal(c.R)
	if err != nil && c.Route.Access != Public {
		if switchyard.IsCode(err, switchyard.CodeUnauthenticated) {
			s.clearCookie(c.W)
		}
		return err
	}
	if p == nil && c.Route.Tag == "nepxion" && s.NepxionOpenOnLoopback && onNepxionConsole(c.R) && isLoopback(c.R) {
		// Open to programs on this machine, not to the pages its browser
		// shows (cross-site requests, DNS rebinding).
		if err := localcall.CheckLoopback(c.R); err != nil {
			return err
		}
		p = &auth.Principal{User: &switchyard.User{Name: "nepxion-loopback", Role: switchyard.RoleAdmin}, Via: "loopback"}
	}
	c.Principal = p
	c.R = c.R.WithContext(release.WithSession(c.R.Context(), lockSession(p)))
	if c.Route.Access == Public {
		return nil
	}
	if p == nil {
		return switchyard.Errorf(switchyard.CodeUnauthenticated, "sign in first: this operation needs a session or an API token").WithReason("auth.required", nil)
	}
	if c.Route.Access == Agent {
		if r := p.User.Role; r != switchyard.RoleAgent && r != switchyard.RoleAdmin {
			return switchyard.Errorf(switchyard.CodeForbidden, "%s %s is for data-plane processes (role agent); you are %s", c.Route.Method, c.Route.Path, r).
				WithReason("auth.role", map[string]string{"role": string(switchyard.RoleAgent)})
		}
	}
	need := map[Access]switchyard.Role{SignedIn: switchyard.RoleViewer, Agent: switchyard.RoleViewer, Operator: switchyard.RoleOperator, Admin: switchyard.RoleAdmin}[c.Route.Access]
	if !p.User.Role.AtLeast(need) {
		return switchyard.Errorf(switchyard.CodeForbidden, "%s %s needs the %s role; you are %s", c.Route.Method, c.Route.Path, need, p.User.Role).
			WithReason("auth.role", map[string]string{"role": string(need)})
	}
	if c.Route.IsWrite() && !p.CheckCSRF(c.R.Header.Get(CSRFHeader)) {
		return switchyard.Errorf(switchyard.CodeForbidden, "missing or wrong %s header: writes made with the session cookie must echo the CSRF token", CSRFHeader).
			WithReason("auth.csrf", nil)
	}
	return nil
}

// principal resolves the caller from a bearer token or the session cookie.
// No credentials at all is (nil, nil).
func (s *Server) principal(r *http.Request) (*auth.Principal, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, secret, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || secret == "" {
			return nil, switchyard.Errorf(switchyard.CodeUnauthenticated, "the Authorization header must be \"Bearer <token>\"").WithReason("token.invalid", nil)
		}
		return s.Auth.TokenPrincipal(r.Context(), strings.TrimSpace(secret))
	}
	if ck, err := r.Cookie(SessionCookie); err == nil && ck.Value != "" {
		return s.Auth.SessionPrincipal(r.Context(), ck.Value)
	}
	return nil, nil
}

// setCookie sets the session cookie: HttpOnly, SameSite=Strict, Secure when
// configured.
func (s *Server) setCookie(w http.ResponseWriter, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearCookie(w http.ResponseWriter) { s.setCookie(w, "", -1) }
