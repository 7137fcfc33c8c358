package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi"
)

// TestEveryRouteIsGuarded walks the whole route table, so a new route is
// covered without editing this test: signed out → 401 (unless public);
// viewer on an operator or admin route → 403; a write made with the session
// cookie but without the CSRF token → 403.
func TestEveryRouteIsGuarded(t *testing.T) {
	e := newEnv(t)
	viewer := e.user("vera", switchyard.RoleViewer)
	admin := e.login("admin", adminPassword)
	routes := e.srv.Routes()
	if len(routes) < 15 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, rt := range routes {
		path := concrete(rt.Path)
		name := fmt.Sprintf("%s %s", rt.Method, rt.Path)
		t.Run(name, func(t *testing.T) {
			if rt.IsWrite() && rt.Action == "" && rt.NoAudit == "" {
				t.Errorf("write route without an audit action")
			}
			if rt.Access == httpapi.Public {
				return
			}
			resp, b := e.anonymous().do(rt.Method, path, nil)
			if resp.StatusCode != 401 || errorOf(t, b).Code != switchyard.CodeUnauthenticated {
				t.Errorf("signed out: %d %s, want 401", resp.StatusCode, b)
			}
			bad := &client{e: e, bearer: "sy_not-a-real-token"}
			if resp, _ := bad.do(rt.Method, path, nil); resp.StatusCode != 401 {
				t.Errorf("bad token: %d, want 401", resp.StatusCode)
			}
			if rt.Access > httpapi.SignedIn {
				resp, b := viewer.do(rt.Method, path, nil)
				if resp.StatusCode != 403 || errorOf(t, b).Reason != "auth.role" {
					t.Errorf("viewer: %d %s, want 403 auth.role", resp.StatusCode, b)
				}
			}
			if rt.IsWrite() {
				resp, b := admin.withoutCSRF().do(rt.Method, path, nil)
				if resp.StatusCode != 403 || errorOf(t, b).Reason != "auth.csrf" {
					t.Errorf("cookie write without CSRF: %d %s, want 403 auth.csrf", resp.StatusCode, b)
				}
				wrong := *admin
				wrong.csrf = "forged"
				if resp, _ := wrong.do(rt.Method, path, nil); resp.StatusCode != 403 {
					t.Errorf("cookie write with a wrong CSRF token: %d, want 403", resp.StatusCode)
				}
			}
		})
	}
}

// TestRefusalsAreAudited checks that refused writes leave a record too.
func TestRefusalsAreAudited(t *testing.T) {
	e := newEnv(t)
	viewer := e.user("vera", switchyard.RoleViewer)
	viewer.do("POST", "/api/users", map[string]any{"name": "x", "role": "admin", "password": "12345678"})
	var page switchyard.AuditPage
	e.login("admin", adminPassword).must("GET", "/api/audit?actor=vera&action=user.create", nil, 200, &page)
	if len(page.Entries) != 1 || page.Entries[0].Outcome != "refused" || page.Entries[0].Status != 403 || page.Entries[0].Detail == "" {
		t.Fatalf("audit = %+v", page.Entries)
	}
}
