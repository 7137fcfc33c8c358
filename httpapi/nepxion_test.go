package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

func rawDo(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const blueGreenRule = `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>{"discovery-guide-service-a":"1.0","discovery-guide-service-b":"1.0"}</version>
    </strategy>
</rule>`

func TestNepxionConfigEndpoints(t *testing.T) {
	env := apitest.Start(t)
	base := env.URL + httpapi.NepxionPrefix
	code, body := rawDo(t, "POST", base+"/config/remote/update/discovery-guide-group/discovery-guide-gateway", env.AdminToken, blueGreenRule)
	if code != 200 || body != "true" {
		t.Fatalf("update: %d %q", code, body)
	}
	if code, body = rawDo(t, "GET", base+"/config/remote/view/discovery-guide-group/discovery-guide-gateway", env.AdminToken, ""); code != 200 || body != blueGreenRule {
		t.Fatalf("view: %d %q", code, body)
	}
	code, body = rawDo(t, "GET", base+"/config/remote/view-rule-entity/discovery-guide-group/discovery-guide-gateway", env.AdminToken, "")
	if code != 200 || !strings.Contains(body, `"strategyEntity"`) || !strings.Contains(body, `discovery-guide-service-a`) {
		t.Fatalf("view-rule-entity: %d %s", code, body)
	}
	entity := body
	if code, body = rawDo(t, "POST", base+"/config/deparse", env.AdminToken, entity); code != 200 || body != blueGreenRule {
		t.Fatalf("deparse(view-rule-entity) must give the rule back: %d %q", code, body)
	}
	if code, body = rawDo(t, "POST", base+"/config/remote/update-rule-entity/discovery-guide-group/discovery-guide-group", env.AdminToken, entity); code != 200 || body != "true" {
		t.Fatalf("update-rule-entity: %d %q", code, body)
	}
	if e, _ := env.Config.Get(t.Context(), switchyard.ConfigKey{Group: "discovery-guide-group", DataID: "discovery-guide-group"}); e.Content != blueGreenRule || e.Format != "xml" {
		t.Fatalf("global key = %+v", e)
	}
	if code, body = rawDo(t, "POST", base+"/config/remote/update/g/s/docx", env.AdminToken, "x"); code != 500 || body != "No matched type with value=docx" {
		t.Fatalf("bad format: %d %q", code, body)
	}
	if code, body = rawDo(t, "POST", base+"/config/parse", env.AdminToken, "<rule><strategy/><strategy/></rule>"); code != 500 || !strings.Contains(body, "Allow only one element[strategy]") {
		t.Fatalf("parse error: %d %q", code, body)
	}
	if code, body = rawDo(t, "POST", base+"/config/remote/clear/discovery-guide-group/discovery-guide-gateway", env.AdminToken, ""); code != 200 || body != "true" {
		t.Fatalf("clear: %d %q", code, body)
	}
	if code, body = rawDo(t, "GET", base+"/config/remote/view/discovery-guide-group/discovery-guide-gateway", env.AdminToken, ""); code != 200 || body != "" {
		t.Fatalf("view after clear: %d %q", code, body)
	}
	if code, _ = rawDo(t, "GET", base+"/config/config-type", "", ""); code != 401 {
		t.Fatalf("no token: %d, want 401", code)
	}
	if code, _ = rawDo(t, "POST", base+"/config/remote/update/g/s", env.AgentToken, "x"); code != 403 {
		t.Fatalf("agent write: %d, want 403", code)
	}
}

func TestNepxionServiceEndpoints(t *testing.T) {
	env := apitest.Start(t)
	for _, in := range []switchyard.Instance{
		{Service: "discovery-guide-gateway", Type: "gateway", Group: "discovery-guide-group", Version: "1.0", Host: "127.0.0.1", Port: 5001},
		{Service: "discovery-guide-service-a", Group: "discovery-guide-group", Version: "1.1", Region: "qa", Host: "127.0.0.1", Port: 3002},
		{Service: "discovery-guide-service-a", Group: "discovery-guide-group", Version: "1.0", Region: "dev", Host: "127.0.0.1", Port: 3001, Metadata: map[string]string{"active": "true"}},
		{Service: "other", Group: "other-group", Host: "10.0.0.1", Port: 80},
	} {
		in := in
		if _, err := env.Registry.Register(t.Context(), &in); err != nil {
			t.Fatal(err)
		}
	}
	base := env.URL + httpapi.NepxionPrefix
	tests := []struct {
		method, path, body string
		want               []string
		code               int
	}{
		{"GET", "/service/groups", "", []string{`["discovery-guide-group","other-group"]`}, 200},
		{"GET", "/service/group/discovery-guide-service-a", "", []string{"discovery-guide-group"}, 200},
		{"GET", "/service/services", "", []string{`["discovery-guide-gateway","discovery-guide-service-a","other"]`}, 200},
		{"POST", "/service/service-list/discovery-guide-group", `["service","gateway"]`, []string{`["discovery-guide-gateway","discovery-guide-service-a"]`}, 200},
		{"POST", "/service/service-list/discovery-guide-group", `["gateway"]`, []string{`["discovery-guide-gateway"]`}, 200},
		{"POST", "/service/service-list", `["SERVICE"]`, []string{`["discovery-guide-service-a","other"]`}, 200},
		{"POST", "/service/service-list", `["database"]`, []string{"No matched type with value=database"}, 500},
		{"GET", "/service/gateways", "", []string{`["discovery-guide-gateway"]`}, 200},
		{"GET", "/service/instance-list/discovery-guide-service-a", "", []string{`"port":3001`, `"version":"1.0"`, `"environment":"default"`, `"active":true`, `"formatContextPath":"/"`, `"serviceType":"service"`}, 200},
		{"POST", "/service/instance-map", `["other-group"]`, []string{`{"other":[`}, 200},
		{"POST", "/service/metadata-map/version", `["discovery-guide-service-a"]`, []string{`{"discovery-guide-service-a":["1.0","1.1"]}`}, 200},
		{"POST", "/service/metadata-map", `{"metadataKeys":["version","host:port"],"serviceIds":["discovery-guide-service-a"]}`, []string{`"1.0 | 127.0.0.1:3001"`}, 200},
	}
	for _, tt := range tests {
		code, body := rawDo(t, tt.method, base+tt.path, env.AgentToken, tt.body)
		if code != tt.code {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, code, body)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s %s = %s; want %s", tt.method, tt.path, body, w)
			}
		}
	}
}

// TestNepxionRootPathsOnLoopback is the demo's console address: Nepxion's
// paths at the root, a double slash tolerated, no token from this machine.
func TestNepxionRootPathsOnLoopback(t *testing.T) {
	env := apitest.Start(t)
	env.Server.NepxionOpenOnLoopback = true
	console := httptest.NewServer(env.Server.NepxionConsole())
	defer console.Close()
	code, body := rawDo(t, "POST", console.URL+"//config/remote/update/discovery-guide-group/discovery-guide-group/xml", "", blueGreenRule)
	if code != 200 || body != "true" {
		t.Fatalf("loopback update: %d %q", code, body)
	}
	if code, body = rawDo(t, "GET", console.URL+"/config/remote/view/discovery-guide-group/discovery-guide-group", "", ""); code != 200 || body != blueGreenRule {
		t.Fatalf("loopback view: %d %q", code, body)
	}
	page, err := env.Store.FindAudit(t.Context(), switchyard.AuditFilter{Action: "config.put"})
	if err != nil || len(page) != 1 || page[0].Actor != "nepxion-loopback" || page[0].Via != "loopback" {
		t.Fatalf("audit = %+v, %v", page, err)
	}
	env.Server.NepxionOpenOnLoopback = false
	if code, _ = rawDo(t, "GET", console.URL+"/config/remote/view/g/s", "", ""); code != 401 {
		t.Fatalf("without the demo switch: %d, want 401", code)
	}
}

// brokenConfig is a config center whose reads fail with a driver's raw text.
type brokenConfig struct{ switchyard.ConfigCenter }

func (brokenConfig) Get(context.Context, switchyard.ConfigKey) (*switchyard.ConfigEntry, error) {
	return nil, errors.New("sqlite: open /var/lib/switchyard/secret.db: disk I/O error")
}

// TestNepxionErrorsHideInternals: a raw store or driver error reaches the
// log with the request id, never the answer.
func TestNepxionErrorsHideInternals(t *testing.T) {
	env := apitest.Start(t)
	env.Server.Config = brokenConfig{env.Config}
	code, body := rawDo(t, "GET", env.URL+httpapi.NepxionPrefix+"/config/remote/view/g/svc", env.AdminToken, "")
	if code != 500 || strings.Contains(body, "sqlite") || strings.Contains(body, "/var/lib") || !strings.Contains(body, "request id") {
		t.Fatalf("internal error answer: %d %q", code, body)
	}
}
