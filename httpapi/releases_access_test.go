package httpapi_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/switchyard-io/switchyard"
	apiclient "github.com/switchyard-io/switchyard/client"
)

// TestReleaseViewSaysWhatTheCallerMay: GET /api/releases and
// GET /api/releases/{name} carry, per caller, what that caller may do; and
// what they refuse is what the API answers the attempt with (the viewer's
// refusal is the route's role check, the others the service's).
func TestReleaseViewSaysWhatTheCallerMay(t *testing.T) {
	env, c := guideEnv(t)
	ctx := t.Context()
	admin := c["admin"]
	if _, err := admin.CreateUser(ctx, switchyard.NewUser{Name: "carol", Role: switchyard.RoleOperator, Password: "carol-password"}); err != nil {
		t.Fatal(err)
	}
	carol := apiclient.New(env.URL, "")
	it, err := carol.LoginToken(ctx, switchyard.LoginRequest{Username: "carol", Password: "carol-password"})
	if err != nil {
		t.Fatal(err)
	}
	carol.Token = it.Secret
	c["carol"] = carol

	spec := switchyard.ReleaseSpec{Services: []string{guideA, guideB}, Sort: "version"}
	if _, err := c["alice"].CreateRelease(ctx, switchyard.NewRelease{Name: "R1", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW, Spec: spec}); err != nil {
		t.Fatal(err)
	}
	if _, err := c["alice"].LockRelease(ctx, "R1"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user       string
		allowed    []switchyard.Operation
		mayEdit    bool
		editReason string
	}{
		{"alice", []switchyard.Operation{"fallback", "release"}, true, ""},
		{"bob", []switchyard.Operation{}, false, "release.locked"},
		{"carol", []switchyard.Operation{}, false, "auth.group"},
		{"vera", []switchyard.Operation{}, false, "auth.role"},
		{"admin", []switchyard.Operation{}, false, "release.locked"},
	} {
		t.Run(tc.user, func(t *testing.T) {
			v, err := c[tc.user].Release(ctx, "R1")
			if err != nil {
				t.Fatal(err)
			}
			list, err := c[tc.user].Releases(ctx, "")
			if err != nil || len(list) != 1 {
				t.Fatalf("list: %v %v", list, err)
			}
			for where, a := range map[string]switchyard.ReleaseAccess{"get": v.ReleaseAccess, "list": list[0].ReleaseAccess} {
				if !slices.Equal(a.StateOperations, []switchyard.Operation{"fallback", "release"}) || !slices.Equal(a.AllowedOperations, tc.allowed) ||
					a.MayEdit != tc.mayEdit || a.Refusals["edit"].Reason != tc.editReason || a.MayBreakLock != (tc.user == "admin") {
					t.Errorf("%s: %+v", where, a)
				}
			}
			// The refusals are the API's answers.
			_, opErr := c[tc.user].Operate(ctx, "R1", switchyard.OperationRequest{Operation: switchyard.OpEnd})
			_, editErr := c[tc.user].UpdateRelease(ctx, "R1", switchyard.ReleaseUpdate{Revision: v.Revision})
			_, breakErr := c[tc.user].BreakReleaseLock(ctx, "R1")
			if _, err := c["alice"].LockRelease(ctx, "R1"); err != nil { // after admin broke it
				t.Fatal(err)
			}
			for action, err := range map[string]error{"end": opErr, "edit": editErr, "breakLock": breakErr} {
				r, refused := v.Refusals[action]
				if !refused {
					if err != nil {
						t.Errorf("%s offered, the API says %v", action, err)
					}
					continue
				}
				e := switchyard.AsError(err)
				if e == nil || !refused || e.Code != r.Code || e.Reason != r.Reason || !maps.Equal(e.Params, r.Params) {
					t.Errorf("%s: refusal %+v, the API says %v", action, r, err)
				}
			}
		})
	}
}
