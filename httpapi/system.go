package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Info describes the server to the console before sign-in.
type Info struct {
	Version string `json:"version"`
	Demo    bool   `json:"demo" doc:"true when the server runs the all-in-one demo"`
}

// systemRoutes are the audit log and server info.
func (s *Server) systemRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "GET", Path: "/api/info", Access: Public, Tag: "system", Summary: "Server version and mode"}, s.info),
		Op(Route{Method: "GET", Path: "/api/audit", Access: Admin, Tag: "system", Summary: "The audit log, newest first, with filters and paging"}, s.listAudit),
	}
}

// Demo marks the server as the all-in-one demo in /api/info.
func (s *Server) SetDemo(demo bool) { s.demo = demo }

func (s *Server) info(*Call, *NoBody) (*Info, error) {
	return &Info{Version: s.Version, Demo: s.demo}, nil
}

type auditIn struct {
	Actor    string    `query:"actor"`
	Action   string    `query:"action" doc:"prefix, e.g. user. for all user changes"`
	Resource string    `query:"resource" doc:"prefix, e.g. user/alice"`
	Outcome  string    `query:"outcome" enum:"ok,refused,error"`
	Since    time.Time `query:"since" doc:"RFC 3339"`
	Until    time.Time `query:"until" doc:"RFC 3339"`
	Before   string    `query:"before" doc:"the next cursor of the previous page"`
	Limit    int       `query:"limit" doc:"1-500, default 50"`
}

func (s *Server) listAudit(c *Call, in *auditIn) (*switchyard.AuditPage, error) {
	if in.Limit < 0 || in.Limit > 500 {
		return nil, switchyard.FieldErrorf("limit", "param.range", "limit must be between 1 and 500")
	}
	if in.Limit == 0 {
		in.Limit = 50
	}
	entries, err := s.Store.FindAudit(c.R.Context(), switchyard.AuditFilter{
		Actor: in.Actor, Action: in.Action, Resource: in.Resource, Outcome: in.Outcome,
		Since: in.Since, Until: in.Until, Before: in.Before, Limit: in.Limit,
	})
	if err != nil {
		return nil, err
	}
	page := &switchyard.AuditPage{Entries: entries}
	if len(entries) == in.Limit {
		page.Next = entries[len(entries)-1].ID
	}
	return page, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, switchyard.Health{Status: "ok", Version: s.Version, Time: s.Now().UTC()})
}

// readyz answers 200 when the store and every registered check answer. It
// is public, so a failing check says only "unavailable"; why goes to the
// log.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	h := switchyard.Health{Status: "ok", Version: s.Version, Time: s.Now().UTC(), Checks: map[string]string{}}
	checks := map[string]func(context.Context) error{"store": s.Store.Ping}
	for k, f := range s.Checks {
		checks[k] = f
	}
	for name, check := range checks {
		if err := check(ctx); err != nil {
			h.Status, h.Checks[name] = "unavailable", "unavailable"
			s.Logger.WarnContext(ctx, "readiness check failed", "check", name, "err", err)
		} else {
			h.Checks[name] = "ok"
		}
	}
	status := http.StatusOK
	if h.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, h)
}
