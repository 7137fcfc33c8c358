package release

import (
	"context"

	"github.com/switchyard-io/switchyard"
)

// systemID marks actors that are not people: the reconciler and workflow
// executions. Their changes go through the same publish path, permission
// check and lock as a person's, and are audited by the release service
// itself (no HTTP request carries them).
const systemID = "system"

// SystemActor is an actor that is not a person, named in history and audit
// (e.g. "workflow/EXE-001"). groups are the groups it may change; none
// means every group (the reconciler).
func SystemActor(name string, groups ...string) *switchyard.User {
	if len(groups) == 0 {
		return &switchyard.User{ID: systemID, Name: name, Role: switchyard.RoleAdmin}
	}
	return &switchyard.User{ID: systemID, Name: name, Role: switchyard.RoleOperator, Groups: groups}
}

// IsSystem reports whether u is a system actor.
func IsSystem(u *switchyard.User) bool { return u != nil && u.ID == systemID }

func viaOf(u *switchyard.User) string {
	if IsSystem(u) {
		return "system"
	}
	return "user"
}

// auditSystem records a change made by a system actor.
func (s *Service) auditSystem(ctx context.Context, actor *switchyard.User, action, resource, detail string, err error) {
	if !IsSystem(actor) {
		return
	}
	outcome, status := "ok", 200
	if err != nil {
		outcome, status, detail = "error", 500, detail+": "+err.Error()
		switch switchyard.ErrorCode(err) {
		case switchyard.CodeInvalid, switchyard.CodeConflict, switchyard.CodeForbidden, switchyard.CodeNotFound:
			outcome, status = "refused", 409
		}
	}
	now := s.Now()
	e := &switchyard.AuditEntry{ID: switchyard.NewID(now), Time: now, Actor: actor.Name, Via: "system", Action: action, Resource: resource,
		Status: status, Outcome: outcome, Detail: truncateDetail(detail)}
	if aerr := s.Store.AppendAudit(context.WithoutCancel(ctx), e); aerr != nil {
		s.Logger.ErrorContext(ctx, "audit a system change", "actor", actor.Name, "action", action, "err", aerr)
	}
}

func truncateDetail(s string) string {
	const max = 1000
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
