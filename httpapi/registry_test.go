package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

// newToken makes a user with role (and groups) and returns an API token.
func newToken(t *testing.T, env *apitest.Env, name string, role switchyard.Role, groups ...string) string {
	t.Helper()
	for _, g := range groups {
		if err := env.Store.CreateGroup(t.Context(), &switchyard.Group{Name: g}); err != nil && !switchyard.IsCode(err, switchyard.CodeConflict) {
			t.Fatal(err)
		}
	}
	u, err := env.Server.Auth.CreateUser(t.Context(), switchyard.NewUser{Name: name, Role: role, Password: name + "-password", Groups: groups})
	if err != nil {
		t.Fatal(err)
	}
	it, err := env.Server.Auth.IssueToken(t.Context(), u, switchyard.TokenRequest{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return it.Secret
}

func registerJSON(t *testing.T, env *apitest.Env, token string, in any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(in)
	return rawDo(t, "POST", env.URL+"/api/registry/instances", token, string(b))
}

// secretServer is what an attacker wants the control plane to fetch: it
// counts every request it gets.
func secretServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`["TOP-SECRET","TOP-SECRET","TOP-SECRET"]`))
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

// TestRegistrationCannotAimTheFanOutElsewhere is finding 5: an agent
// registers an instance whose host (or context path, protocol, admin port)
// smuggles another URL; a viewer's config view must not fetch it.
func TestRegistrationCannotAimTheFanOutElsewhere(t *testing.T) {
	env := apitest.Start(t)
	secret, hits := secretServer(t)
	hostPort := strings.TrimPrefix(secret.URL, "http://")
	viewer := newToken(t, env, "vera", switchyard.RoleViewer)
	md := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	long := strings.Repeat("a", 300)
	tests := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"host with a path and fragment", map[string]any{"host": hostPort + "/secret#", "port": 1}, "host"},
		{"host with user info", map[string]any{"host": "x@" + hostPort, "port": 1}, "host"},
		{"host with a query", map[string]any{"host": "127.0.0.1?", "port": 1}, "host"},
		{"host with a port", map[string]any{"host": "127.0.0.1:80", "port": 1}, "host"},
		{"host with a slash", map[string]any{"host": "a/b", "port": 1}, "host"},
		{"host with spaces", map[string]any{"host": "127.0.0.1 x", "port": 1}, "host"},
		{"host IPv6 bracketed", map[string]any{"host": "[::1]", "port": 1}, "host"},
		{"host unspecified", map[string]any{"host": "0.0.0.0", "port": 1}, "host"},
		{"host link-local (cloud metadata)", map[string]any{"host": "169.254.169.254", "port": 80}, "host"},
		{"host numeric but not an IP", map[string]any{"host": "2130706433", "port": 80}, "host"},
		{"host too long", map[string]any{"host": long + ".example", "port": 1}, "host"},
		{"host label starting with '-'", map[string]any{"host": "-a.example", "port": 1}, "host"},
		{"port out of range", map[string]any{"host": "127.0.0.1", "port": 65536}, "port"},
		{"context path with a fragment", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("spring_application_context-path", "/secret#")}, "metadata"},
		{"context path escaping", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("spring_application_context-path", "/../secret")}, "metadata"},
		{"context path with an authority", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("spring_application_context-path", "//"+hostPort+"/x")}, "metadata"},
		{"context path with a query", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("spring_application_context-path", "/x?y=1")}, "metadata"},
		{"context path with percent", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("spring_application_context-path", "/%2e%2e/x")}, "metadata"},
		{"protocol not http", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("spring_application_protocol", "gopher")}, "metadata"},
		{"admin port not a port", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("switchyard_admin_port", "80/secret#")}, "metadata"},
		{"admin port zero", map[string]any{"host": "127.0.0.1", "port": 1, "metadata": md("switchyard_admin_port", "0")}, "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]any{"service": "svc", "group": "g"}
			for k, v := range tt.in {
				in[k] = v
			}
			code, body := registerJSON(t, env, env.AgentToken, in)
			if code != 400 || errorOf(t, []byte(body)).Field != tt.field {
				t.Fatalf("register %v: %d %s; want 400 naming %s", tt.in, code, body, tt.field)
			}
			code, body = rawDo(t, "GET", env.URL+httpapi.NepxionPrefix+"/config/view/svc", viewer, "")
			if strings.Contains(body, "TOP-SECRET") || hits.Load() != 0 {
				t.Fatalf("the view fetched the smuggled URL: %d %s (%d hits)", code, body, hits.Load())
			}
		})
	}
}

// TestRegistryInputIsBounded: ids, labels and metadata have limits, and
// each refusal names the field.
func TestRegistryInputIsBounded(t *testing.T) {
	env := apitest.Start(t)
	many := map[string]string{}
	for i := 0; i < switchyard.MaxMetadataEntries+1; i++ {
		many["k"+strings.Repeat("x", i%5)+string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	big := map[string]string{}
	for i := 0; i < 20; i++ {
		big["k"+string(rune('a'+i))] = strings.Repeat("v", switchyard.MaxMetadataValue)
	}
	tests := []struct {
		name  string
		in    map[string]any
		field string
	}{
		{"id too long", map[string]any{"id": strings.Repeat("1", switchyard.MaxInstanceID+1)}, "id"},
		{"id with a slash", map[string]any{"id": "a/b"}, "id"},
		{"id with a control character", map[string]any{"id": "a\x1b[31m"}, "id"},
		{"service too long", map[string]any{"service": strings.Repeat("s", switchyard.MaxServiceID+1)}, "service"},
		{"service with a slash", map[string]any{"service": "a/b"}, "service"},
		{"group with a space", map[string]any{"group": "a b"}, "group"},
		{"version too long", map[string]any{"version": strings.Repeat("1", switchyard.MaxLabel+1)}, "version"},
		{"version with a semicolon", map[string]any{"version": "1.0;1.1"}, "version"},
		{"zone with a newline", map[string]any{"zone": "z\n"}, "zone"},
		{"too many metadata entries", map[string]any{"metadata": many}, "metadata"},
		{"metadata too large", map[string]any{"metadata": big}, "metadata"},
		{"metadata key too long", map[string]any{"metadata": map[string]string{strings.Repeat("k", switchyard.MaxMetadataKey+1): "v"}}, "metadata"},
		{"metadata key with a space", map[string]any{"metadata": map[string]string{"a b": "v"}}, "metadata"},
		{"metadata value too long", map[string]any{"metadata": map[string]string{"k": strings.Repeat("v", switchyard.MaxMetadataValue+1)}}, "metadata"},
		{"metadata value with a control character", map[string]any{"metadata": map[string]string{"k": "\x1b[31mred"}}, "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]any{"service": "svc", "group": "g", "host": "127.0.0.1", "port": 1}
			for k, v := range tt.in {
				in[k] = v
			}
			code, body := registerJSON(t, env, env.AgentToken, in)
			if code != 400 || errorOf(t, []byte(body)).Field != tt.field {
				t.Fatalf("%d %s; want 400 naming %s", code, body, tt.field)
			}
		})
	}
	code, body := registerJSON(t, env, env.AgentToken, map[string]any{"service": "svc", "group": "g", "host": "svc-1.internal_zone.example", "port": 8080,
		"metadata": map[string]string{"spring_application_context-path": "/app/", "spring_application_protocol": "HTTPS", "switchyard_admin_port": "9000", "app.kubernetes.io/name": "svc"}})
	if code != 201 {
		t.Fatalf("a valid registration: %d %s", code, body)
	}
}

// TestAgentsCannotTakeOverInstances is finding 8: another token's
// registration can be neither replaced nor removed; the same token
// registering again (a restart of its heartbeat) works.
func TestAgentsCannotTakeOverInstances(t *testing.T) {
	env := apitest.Start(t)
	other := newToken(t, env, "intruder", switchyard.RoleAgent)
	in := map[string]any{"service": "svc", "group": "g", "host": "127.0.0.1", "port": 1}
	code, body := registerJSON(t, env, env.AgentToken, in)
	if code != 201 {
		t.Fatalf("register: %d %s", code, body)
	}
	var got switchyard.Instance
	json.Unmarshal([]byte(body), &got)
	in["id"], in["port"] = got.ID, 2
	code, body = registerJSON(t, env, other, in)
	if e := errorOf(t, []byte(body)); code != 409 || e.Code != switchyard.CodeConflict || !strings.Contains(e.Message, got.ID) {
		t.Fatalf("take-over by another token: %d %s; want 409 naming %s", code, body, got.ID)
	}
	if code, body = rawDo(t, "DELETE", env.URL+"/api/registry/instances/"+got.ID, other, ""); code != 409 {
		t.Fatalf("deregister by another token: %d %s; want 409", code, body)
	}
	if code, body = rawDo(t, "PUT", env.URL+"/api/registry/instances/"+got.ID+"/heartbeat", other, ""); code != 409 {
		t.Fatalf("heartbeat by another token: %d %s; want 409", code, body)
	}
	if list, _ := env.Registry.Instances(t.Context(), "svc"); len(list) != 1 || list[0].Port != 1 {
		t.Fatalf("the registration changed: %+v", list)
	}
	if code, body = registerJSON(t, env, env.AgentToken, in); code != 201 {
		t.Fatalf("the owner registering again: %d %s", code, body)
	}
	if code, body = rawDo(t, "PUT", env.URL+"/api/registry/instances/"+got.ID+"/heartbeat", env.AgentToken, ""); code != 204 {
		t.Fatalf("the owner's heartbeat: %d %s", code, body)
	}
	if code, body = rawDo(t, "DELETE", env.URL+"/api/registry/instances/"+got.ID, env.AdminToken, ""); code != 204 {
		t.Fatalf("an admin removing it: %d %s", code, body)
	}
	if code, body = registerJSON(t, env, other, in); code != 201 {
		t.Fatalf("a free id: %d %s", code, body)
	}
}

// TestAgentGroups: an agent that belongs to groups registers only
// instances of those groups; an agent without groups registers any.
func TestAgentGroups(t *testing.T) {
	env := apitest.Start(t)
	shop := newToken(t, env, "shop-agent", switchyard.RoleAgent, "shop")
	if code, body := registerJSON(t, env, shop, map[string]any{"service": "svc", "group": "billing", "host": "127.0.0.1", "port": 1}); code != 403 || !strings.Contains(body, "billing") {
		t.Fatalf("agent of shop registering in billing: %d %s; want 403", code, body)
	}
	if code, body := registerJSON(t, env, shop, map[string]any{"service": "svc", "group": "shop", "host": "127.0.0.1", "port": 1}); code != 201 {
		t.Fatalf("agent of shop registering in shop: %d %s", code, body)
	}
	if code, body := registerJSON(t, env, env.AgentToken, map[string]any{"service": "svc", "group": "billing", "host": "127.0.0.1", "port": 2}); code != 201 {
		t.Fatalf("agent without groups: %d %s", code, body)
	}
}
