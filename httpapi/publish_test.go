package httpapi_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	apiclient "github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
)

// writePath is one way to change the rule at a key.
type writePath struct {
	name   string
	method string
	path   string // the key's group and app are appended by url()
	// good and bad are bodies: a change the data plane applies, and one it
	// would refuse ("" when the path takes no body). bad == "" skips the
	// compile check (the path writes no new rule text of its own).
	good, bad string
	// refusal is what the answer to bad says (default: the data plane's
	// compile check).
	refusal   string
	json      bool // good and bad are JSON API bodies (else raw text)
	nepxion   bool // failures answer 500 + text, as Nepxion does
	versioned bool // the path names the version it is based on
}

// hostileExpression makes a rule that parses but that every data-plane process
// refuses (a type reference in a gray condition): stored, it would turn
// every gateway following the key "degraded".
const hostileExpression = "T(java.lang.Runtime).getRuntime().exec('id') != null"

func hostileDocYAML() string {
	return "service:\n  - " + guideA + "\n  - " + guideB + "\ngray:\n  - expression: \"" + hostileExpression + "\"\n    weight: [90, 10]\nsort: version\n"
}

func goodDocYAML() string {
	return "service:\n  - " + guideA + "\n  - " + guideB + "\ngray:\n  - expression: \"#H['a'] == '1'\"\n    weight: [90, 10]\nsort: version\n"
}

// ruleTexts turns a release document into the rule XML and its RuleEntity
// JSON, for the paths that take rule text.
func ruleTexts(t *testing.T, instances func(svc []string) []rule.Instance, doc string) (xml, entity string) {
	t.Helper()
	d, err := releasedoc.ParseYAML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	r, err := releasedoc.ParseRelease(d, instances(d.Service))
	if err != nil {
		t.Fatal(err)
	}
	return string(r.XML()), string(r.JSON())
}

// TestEveryWritePathIsTheOnePublishPath: every way to change a rule — the
// config API, Nepxion's config and strategy endpoints, release operations —
// refuses a rule the data plane cannot compile with the located reason and
// leaves the stored version unchanged; refuses a stale version as a
// conflict; reads a permitted write back and audits it; refuses and audits a
// forbidden one without parsing its body.
func TestEveryWritePathIsTheOnePublishPath(t *testing.T) {
	env, clients := guideEnv(t)
	admin := clients["admin"]
	if _, err := admin.CreateGroup(t.Context(), switchyard.NewGroup{Name: "other-group"}); err != nil {
		t.Fatal(err)
	}
	mallory := operatorOf(t, env.URL, admin, "mallory", "other-group")
	alice := clients["alice"]
	inst := func(svc []string) []rule.Instance {
		out, err := env.Releases.Instances(t.Context(), svc)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	goodXML, goodEntity := ruleTexts(t, inst, goodDocYAML())
	badXML, badEntity := ruleTexts(t, inst, hostileDocYAML())
	jsonBody := func(content string) string {
		b, _ := json.Marshal(map[string]any{"content": content, "format": "xml"})
		return string(b)
	}
	recreate := func(cond string) string {
		return "service:\n  - " + guideA + "\n  - " + guideB + "\ncondition: \"" + cond + "\"\nsort: version\n"
	}
	paths := []writePath{
		{name: "PUT /api/config", method: "PUT", path: "/api/config", good: jsonBody(goodXML), bad: jsonBody(badXML), json: true, versioned: true},
		{name: "DELETE /api/config", method: "DELETE", path: "/api/config", versioned: true},
		{name: "nepxion update", method: "POST", path: httpapi.NepxionPrefix + "/config/remote/update", good: goodXML, bad: badXML, nepxion: true},
		{name: "nepxion update-rule-entity", method: "POST", path: httpapi.NepxionPrefix + "/config/remote/update-rule-entity", good: goodEntity, bad: badEntity, nepxion: true},
		{name: "nepxion clear", method: "POST", path: httpapi.NepxionPrefix + "/config/remote/clear", nepxion: true},
		{name: "strategy create yaml", method: "POST", path: httpapi.NepxionPrefix + "/strategy/create-version-release-yaml", good: goodDocYAML(), bad: hostileDocYAML(), nepxion: true},
		{name: "strategy create json", method: "POST", path: httpapi.NepxionPrefix + "/strategy/create-version-release-json", good: yamlToJSON(t, goodDocYAML()), bad: yamlToJSON(t, hostileDocYAML()), nepxion: true},
		{name: "strategy recreate yaml", method: "POST", path: httpapi.NepxionPrefix + "/strategy/recreate-version-release-yaml", good: recreate("true"), bad: recreate(hostileExpression), refusal: "condition must be true or false", nepxion: true},
		{name: "strategy reset", method: "POST", path: httpapi.NepxionPrefix + "/strategy/reset-release", nepxion: true},
		{name: "strategy clear", method: "POST", path: httpapi.NepxionPrefix + "/strategy/clear-release", nepxion: true},
	}
	key := switchyard.ConfigKey{Group: guideGroup, DataID: guideGW}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			// Every path starts from a rule with conditions, so reset and
			// clear have something to change.
			seed(t, env.URL, env.AdminToken, key, goodXML)
			url := env.URL + p.path + "/" + key.Group + "/" + key.DataID
			before := version(t, env, key)

			// Forbidden: an operator of another group, with a body that would
			// cost the server dearly to parse, is refused at once.
			start := time.Now()
			code, body := call(t, p.method, url, mallory.Token, yamlBomb(), p.json)
			if code != http.StatusForbidden || time.Since(start) > time.Second {
				t.Fatalf("forbidden caller: %d in %s: %s", code, time.Since(start), body)
			}
			if v := version(t, env, key); v != before {
				t.Fatalf("a forbidden write changed version %d → %d", before, v)
			}
			mustAudit(t, env.Store, "mallory", "refused")

			// A rule the data plane cannot compile is refused, located.
			if p.bad != "" {
				code, body = call(t, p.method, url, alice.Token, p.bad, p.json)
				want := cmp.Or(p.refusal, "refused by the data plane")
				if code < 400 || !strings.Contains(body, want) || p.refusal == "" && !strings.Contains(body, "expression") {
					t.Fatalf("hostile rule: %d %s", code, body)
				}
				if v := version(t, env, key); v != before {
					t.Fatalf("a refused rule changed version %d → %d", before, v)
				}
			}

			// A stale version is a conflict.
			if p.versioned {
				stale := url + "?ifVersion=" + fmt.Sprint(before-1)
				sbody := p.good
				if p.json {
					sbody = strings.Replace(p.good, `"format":"xml"`, `"format":"xml","ifVersion":`+fmt.Sprint(before-1), 1)
					stale = url
				}
				if code, body = call(t, p.method, stale, alice.Token, sbody, p.json); code != http.StatusConflict {
					t.Fatalf("stale version: %d %s", code, body)
				}
				if v := version(t, env, key); v != before {
					t.Fatalf("a stale write changed version %d → %d", before, v)
				}
			}

			// A permitted write lands, reads back, and is audited.
			code, body = call(t, p.method, url, alice.Token, p.good, p.json)
			if code != http.StatusOK {
				t.Fatalf("permitted write: %d %s", code, body)
			}
			if v := version(t, env, key); v != before+1 {
				t.Fatalf("permitted write: version %d → %d, want one new version", before, v)
			}
			mustAudit(t, env.Store, "alice", "ok")
			if list, _ := env.Store.PublishIntents(t.Context(), time.Now().Add(time.Hour)); len(list) != 0 {
				t.Fatalf("%d publish intents left after completed writes", len(list))
			}
		})
	}
}

// TestReleaseOperationIsTheOnePublishPath: the same four checks for the
// release operations (执行兜底/发布/回滚/结束), whose rule is built from the
// release page's form.
func TestReleaseOperationIsTheOnePublishPath(t *testing.T) {
	env, clients := guideEnv(t)
	admin, alice := clients["admin"], clients["alice"]
	if _, err := admin.CreateGroup(t.Context(), switchyard.NewGroup{Name: "other-group"}); err != nil {
		t.Fatal(err)
	}
	mallory := operatorOf(t, env.URL, admin, "mallory", "other-group")
	spec := switchyard.ReleaseSpec{Services: []string{guideA, guideB}, Sort: "version", GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Expression: "#H['a'] == '1'", Weight: 10}}}
	r, err := alice.CreateRelease(t.Context(), switchyard.NewRelease{Name: "V2.1.0", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW, Spec: spec})
	if err != nil {
		t.Fatal(err)
	}
	key := r.Key()
	url := env.URL + "/api/releases/V2.1.0/operations"
	body := func(s switchyard.ReleaseSpec, revision int64) string {
		b, _ := json.Marshal(switchyard.OperationRequest{Operation: switchyard.OpRelease, Revision: revision, Spec: &s})
		return string(b)
	}
	if code, b := call(t, "POST", url, mallory.Token, body(spec, 0), true); code != http.StatusForbidden {
		t.Fatalf("forbidden caller: %d %s", code, b)
	}
	mustAudit(t, env.Store, "mallory", "refused", "release/")
	hostile := spec
	hostile.GrayConditions = []switchyard.GrayCondition{{Expression: hostileExpression, Weight: 10}}
	if code, b := call(t, "POST", url, alice.Token, body(hostile, 0), true); code != http.StatusBadRequest || !strings.Contains(b, "grayConditions[0]") {
		t.Fatalf("hostile condition: %d %s", code, b)
	}
	if code, b := call(t, "POST", url, alice.Token, body(spec, r.Revision+5), true); code != http.StatusConflict {
		t.Fatalf("stale revision: %d %s", code, b)
	}
	if v := version(t, env, key); v != 0 {
		t.Fatalf("refused operations wrote version %d", v)
	}
	if code, b := call(t, "POST", url, alice.Token, body(spec, r.Revision), true); code != http.StatusOK {
		t.Fatalf("permitted operation: %d %s", code, b)
	}
	mustAudit(t, env.Store, "alice", "ok", "release/")
	got, _ := alice.Release(t.Context(), "V2.1.0")
	if v := version(t, env, key); v != 1 || got.ConfigVersion != 1 || got.State != switchyard.StateReleased {
		t.Fatalf("after the operation: key at %d, release %s at %d", v, got.State, got.ConfigVersion)
	}
}

// operatorOf creates an operator of group and returns a client with a token.
func operatorOf(t *testing.T, url string, admin *apiclient.Client, name, group string) *apiclient.Client {
	t.Helper()
	if _, err := admin.CreateUser(t.Context(), switchyard.NewUser{Name: name, Role: switchyard.RoleOperator, Groups: []string{group}, Password: name + "-password"}); err != nil {
		t.Fatal(err)
	}
	c := apiclient.New(url, "")
	it, err := c.LoginToken(t.Context(), switchyard.LoginRequest{Username: name, Password: name + "-password"})
	if err != nil {
		t.Fatal(err)
	}
	c.Token = it.Secret
	return c
}

func seed(t *testing.T, url, token string, key switchyard.ConfigKey, text string) {
	t.Helper()
	if code, body := rawDo(t, "POST", url+httpapi.NepxionPrefix+"/config/remote/update/"+key.Group+"/"+key.DataID, token, text); code != 200 {
		t.Fatalf("seed: %d %s", code, body)
	}
}

func version(t *testing.T, env *apitest.Env, key switchyard.ConfigKey) int64 {
	t.Helper()
	e, err := env.Config.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	return e.Version
}

func call(t *testing.T, method, url, token, body string, isJSON bool) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "text/plain")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 64<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

func mustAudit(t *testing.T, s switchyard.Store, actor, outcome string, resource ...string) {
	t.Helper()
	prefix := "config/"
	if len(resource) > 0 {
		prefix = resource[0]
	}
	list, err := s.FindAudit(t.Context(), switchyard.AuditFilter{Actor: actor, Limit: 1})
	if err != nil || len(list) != 1 || list[0].Outcome != outcome || !strings.HasPrefix(list[0].Resource, prefix) {
		t.Fatalf("last audit entry of %s = %+v, %v; want outcome %s on a %s resource", actor, list, err, outcome, prefix)
	}
}

// yamlBomb is a small document of nested aliases that expands to billions
// of nodes: a server that parses it before checking permission dies.
func yamlBomb() string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	return b.String()
}

func yamlToJSON(t *testing.T, doc string) string {
	t.Helper()
	d, err := releasedoc.ParseYAML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return string(d.JSON())
}
