package httpapi_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
	apiclient "github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

const (
	guideGroup = "discovery-guide-group"
	guideGW    = "discovery-guide-gateway"
	guideA     = "discovery-guide-service-a"
	guideB     = "discovery-guide-service-b"
)

// guideEnv is an API with the guide's instances registered and users.
func guideEnv(t *testing.T) (*apitest.Env, map[string]*apiclient.Client) {
	env := apitest.Start(t)
	for _, in := range []switchyard.Instance{
		{Service: guideA, Group: guideGroup, Version: "1.0", Host: "127.0.0.1", Port: 3001},
		{Service: guideA, Group: guideGroup, Version: "1.1", Host: "127.0.0.1", Port: 3002},
		{Service: guideB, Group: guideGroup, Version: "1.0", Host: "127.0.0.1", Port: 4001},
		{Service: guideB, Group: guideGroup, Version: "1.1", Host: "127.0.0.1", Port: 4002},
		{Service: guideGW, Type: "gateway", Group: guideGroup, Version: "1.0", Host: "127.0.0.1", Port: 5001},
	} {
		in := in
		if _, err := env.Registry.Register(t.Context(), &in); err != nil {
			t.Fatal(err)
		}
	}
	admin := apiclient.New(env.URL, env.AdminToken)
	if _, err := admin.CreateGroup(t.Context(), switchyard.NewGroup{Name: guideGroup}); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*apiclient.Client{"admin": admin}
	for _, u := range []struct {
		name  string
		role  switchyard.Role
		group []string
	}{{"alice", switchyard.RoleOperator, []string{guideGroup}}, {"bob", switchyard.RoleOperator, []string{guideGroup}}, {"vera", switchyard.RoleViewer, []string{guideGroup}}} {
		if _, err := admin.CreateUser(t.Context(), switchyard.NewUser{Name: u.name, Role: u.role, Groups: u.group, Password: u.name + "-password"}); err != nil {
			t.Fatal(err)
		}
		c := apiclient.New(env.URL, "")
		it, err := c.LoginToken(t.Context(), switchyard.LoginRequest{Username: u.name, Password: u.name + "-password"})
		if err != nil {
			t.Fatal(err)
		}
		c.Token = it.Secret
		clients[u.name] = c
	}
	return env, clients
}

func TestReleaseAPI(t *testing.T) {
	env, c := guideEnv(t)
	ctx := t.Context()
	spec := switchyard.ReleaseSpec{Services: []string{guideA, guideB}, Sort: "version", BlueGreenEnabled: true,
		GreenExpression: "#H['user-type'] == 'normal'", BlueExpression: "#H['user-type'] == 'vip'", GrayEnabled: true,
		GrayConditions: []switchyard.GrayCondition{{Weight: 20}}}
	if _, err := c["vera"].CreateRelease(ctx, switchyard.NewRelease{Name: "V2.1.0", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW, Spec: spec}); switchyard.ErrorCode(err) != switchyard.CodeForbidden {
		t.Fatalf("viewer create: %v", err)
	}
	r, err := c["alice"].CreateRelease(ctx, switchyard.NewRelease{Name: "V2.1.0", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW, Spec: spec})
	if err != nil || r.Type != switchyard.Mixed || r.State != switchyard.StateNew {
		t.Fatalf("create: %+v, %v", r, err)
	}
	if list, err := c["vera"].Releases(ctx, ""); err != nil || len(list) != 1 || list[0].Lock != nil {
		t.Fatalf("list: %+v, %v", list, err)
	}
	code, body := rawDo(t, "GET", env.URL+"/api/registry/services?types=gateway&types=service", env.AgentToken, "")
	if code != 200 || !strings.Contains(body, guideGW) || !strings.Contains(body, guideA) {
		t.Fatalf("repeated list parameter: %d %s", code, body)
	}
	vs, err := c["vera"].Versions(ctx, []string{guideA, guideB}, "version")
	if err != nil || len(vs) != 2 || vs[0].Old != "1.0" || vs[0].New != "1.1" {
		t.Fatalf("versions: %+v, %v", vs, err)
	}
	p, err := c["vera"].PreviewRelease(ctx, "V2.1.0", switchyard.OperationRequest{Operation: switchyard.OpRelease})
	if err != nil || !strings.Contains(p.YAML, "blueGreen:") || !strings.Contains(p.XML, `version-id="route-0=80;route-1=20"`) || len(p.Routes) != 2 || p.Routes[1].Value != `{"`+guideA+`":"1.1","`+guideB+`":"1.1"}` {
		t.Fatalf("preview: %+v, %v", p, err)
	}
	if _, err := c["alice"].LockRelease(ctx, "V2.1.0"); err != nil {
		t.Fatal(err)
	}
	if list, _ := c["vera"].Releases(ctx, ""); list[0].Lock == nil || list[0].Lock.Holder != "alice" {
		t.Fatalf("the table must show the lock holder: %+v", list[0])
	}
	_, err = c["bob"].Operate(ctx, "V2.1.0", switchyard.OperationRequest{Operation: switchyard.OpFallback})
	if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeConflict || e.Reason != "release.locked" || e.Params["holder"] != "alice" || !strings.Contains(e.Message, "alice") {
		t.Fatalf("bob without the lock: %v", err)
	}
	res, err := c["alice"].Operate(ctx, "V2.1.0", switchyard.OperationRequest{Operation: switchyard.OpFallback, Revision: r.Revision})
	if err != nil || res.Release.State != switchyard.StateFallback {
		t.Fatalf("fallback: %+v, %v", res, err)
	}
	view, err := c["vera"].ReleaseRule(ctx, "V2.1.0")
	if err != nil || view.Entry.Content != res.XML || view.Topology.Default[guideA] != "1.0" {
		t.Fatalf("rule view: %+v, %v", view, err)
	}
	bad := spec
	bad.BlueExpression = bad.GreenExpression
	bad.GrayConditions = []switchyard.GrayCondition{{Weight: 120}}
	_, err = c["alice"].Operate(ctx, "V2.1.0", switchyard.OperationRequest{Operation: switchyard.OpRelease, Spec: &bad})
	if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || e.Field != "spec.blueExpression" {
		t.Fatalf("invalid form: %v", err)
	}
	res, err = c["alice"].Operate(ctx, "V2.1.0", switchyard.OperationRequest{Operation: switchyard.OpRelease})
	if err != nil || res.Release.State != switchyard.StateReleased {
		t.Fatalf("release: %v", err)
	}
	broken, err := c["admin"].BreakReleaseLock(ctx, "V2.1.0")
	if err != nil || broken.Holder != "alice" {
		t.Fatalf("break: %+v, %v", broken, err)
	}
	page, _ := env.Store.FindAudit(ctx, switchyard.AuditFilter{Action: "release.lock.break"})
	if len(page) != 1 || page[0].Actor != "admin" || !strings.Contains(page[0].Detail, "held by alice") {
		t.Fatalf("the break is not audited: %+v", page)
	}
	if _, err := c["bob"].Operate(ctx, "V2.1.0", switchyard.OperationRequest{Operation: switchyard.OpRollback}); err != nil {
		t.Fatalf("bob after the break: %v", err)
	}
	if err := c["bob"].DeleteRelease(ctx, "V2.1.0", 0); switchyard.ErrorCode(err) != switchyard.CodeConflict {
		t.Fatalf("deleting a live release: %v", err)
	}
	hist, _ := c["vera"].ReleaseHistory(ctx, "V2.1.0")
	if len(hist) != 3 || hist[0].By != "bob" || hist[2].By != "alice" {
		t.Fatalf("history: %d", len(hist))
	}
}

// TestReleaseValidationErrorsReachTheClient: every field error arrives in
// one answer with its field and reason key.
func TestReleaseValidationErrorsReachTheClient(t *testing.T) {
	env, c := guideEnv(t)
	if _, err := c["admin"].CreateRelease(t.Context(), switchyard.NewRelease{Name: "r", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW,
		Spec: switchyard.ReleaseSpec{Services: []string{guideA}, BlueGreenEnabled: true}}); err != nil {
		t.Fatal(err)
	}
	code, body := rawDo(t, "POST", env.URL+"/api/releases/r/operations", env.AdminToken, `{"operation":"release"}`)
	d := errorOf(t, []byte(body))
	if code != 400 || len(d.Details) != 2 || d.Details[0].Field != "spec.greenExpression" || d.Details[1].Field != "spec.blueExpression" || d.Details[1].Reason != "bluegreen.expression.empty" {
		t.Fatalf("%d %+v", code, d)
	}
}

func urlq(s string) string { return url.QueryEscape(s) }

// TestNepxionStrategyEndpoints: Discovery's /strategy endpoints give
// Nepxion's exact answers, through the release publish path.
func TestNepxionStrategyEndpoints(t *testing.T) {
	env, _ := guideEnv(t)
	base := env.URL + httpapi.NepxionPrefix + "/strategy"
	sample, err := os.ReadFile(filepath.Join("..", "rule", "releasedoc", "testdata", "nepxion", "sample.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	expected, _ := os.ReadFile(filepath.Join("..", "rule", "releasedoc", "testdata", "nepxion", "derived", "sample.yaml.expected.xml"))
	code, body := rawDo(t, "POST", base+"/parse-version-release-yaml", env.AdminToken, string(sample))
	if code != 200 || body != string(expected) {
		t.Fatalf("parse: %d\n%s", code, body)
	}
	code, body = rawDo(t, "POST", base+"/create-version-release-yaml/"+guideGroup+"/"+guideGW, env.AdminToken, string(sample))
	if code != 200 || body != string(expected) {
		t.Fatalf("create: %d\n%s", code, body)
	}
	if e, _ := env.Config.Get(t.Context(), switchyard.ConfigKey{Group: guideGroup, DataID: guideGW}); e.Content != string(expected) {
		t.Fatalf("stored: %s", e.Content)
	}
	code, body = rawDo(t, "GET", base+"/get-version-release/"+guideGroup+"/"+guideGW, env.AdminToken, "")
	if code != 200 || !strings.Contains(body, `"blueGreen":[{"expression":"#H['xyz'] == '1'","route":"green"}`) {
		t.Fatalf("get: %d %s", code, body)
	}
	code, body = rawDo(t, "POST", base+"/reset-release/"+guideGroup+"/"+guideGW, env.AdminToken, "")
	if code != 200 || strings.Contains(body, "<strategy>") || strings.Contains(body, "<routes>") || !strings.Contains(body, "condition-0") {
		t.Fatalf("reset keeps conditions, drops routes and strategy: %d\n%s", code, body)
	}
	code, body = rawDo(t, "POST", base+"/recreate-version-release-yaml/"+guideGroup+"/"+guideGW, env.AdminToken, "service:\n  - "+guideA+"\n  - "+guideB+"\ncondition: true\nsort: version\n")
	if code != 200 || !strings.Contains(body, `<route id="route-1" type="version">`) {
		t.Fatalf("recreate: %d\n%s", code, body)
	}
	code, body = rawDo(t, "POST", base+"/clear-release/"+guideGroup+"/"+guideGW, env.AdminToken, "")
	if code != 200 || strings.Contains(body, "strategy") {
		t.Fatalf("clear: %d\n%s", code, body)
	}
	code, body = rawDo(t, "POST", base+"/create-version-release-yaml/"+guideGroup, env.AdminToken, "service: []\n")
	if code != 500 || body != "Services are empty" {
		t.Fatalf("Nepxion's error: %d %q", code, body)
	}
	code, body = rawDo(t, "GET", base+"/validate-expression?expression="+urlq("#H['a'] == '1' and #H['b'] != '2'")+"&validation="+urlq("a=1;b=3"), env.AgentToken, "")
	if code != 200 || body != "true" {
		t.Fatalf("validate-expression: %d %q", code, body)
	}
	code, body = rawDo(t, "POST", base+"/deparse-version-release-yaml", env.AgentToken, string(sample))
	if code != 200 || !strings.Contains(body, `"header":{"xyz":"1"}`) {
		t.Fatalf("deparse yaml: %d %s", code, body)
	}
	if code, _ = rawDo(t, "POST", base+"/reset-release/"+guideGroup, env.AgentToken, ""); code != 403 {
		t.Fatalf("agent write: %d", code)
	}
}
