package httpapi

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
)

// audit records a write: who, when, what, from where and how it ended,
// whether it succeeded or was refused.
func (s *Server) audit(c *Call) {
	sw, _ := c.W.(*statusWriter)
	status := http.StatusOK
	if sw != nil && sw.status != 0 {
		status = sw.status
	}
	e := &switchyard.AuditEntry{
		Time:       s.Now(),
		Via:        "anonymous",
		Actor:      c.auditActor,
		Action:     c.Route.Action,
		Resource:   c.auditResource,
		Method:     c.R.Method,
		Path:       c.R.URL.Path,
		Status:     status,
		Outcome:    outcome(status),
		RemoteAddr: remoteAddr(c.R),
		RequestID:  requestID(c.R.Context()),
		Detail:     c.auditDetail,
	}
	if c.Principal != nil {
		e.Actor, e.Via = c.Principal.User.Name, c.Principal.Via
	}
	if sw != nil && e.Detail == "" && sw.errMessage != "" {
		e.Detail = sw.errMessage
	}
	// The call's context may be cancelled by a client that went away; the
	// record must still be written.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.R.Context()), 5*time.Second)
	defer cancel()
	if err := s.Store.AppendAudit(ctx, e); err != nil {
		s.Logger.ErrorContext(ctx, "append audit", "err", err, "action", e.Action)
	}
}

func outcome(status int) string {
	switch {
	case status >= 500:
		return "error"
	case status >= 400:
		return "refused"
	}
	return "ok"
}

// remoteAddr is the client's address: the connection's peer. Proxies are not
// trusted for audit purposes.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
