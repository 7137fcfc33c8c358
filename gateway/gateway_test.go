package gateway_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/demo"
	"github.com/switchyard-io/switchyard/gateway"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/sdk"
)

const (
	group = "discovery-guide-group"
	gwID  = "discovery-guide-gateway"
	svcA  = "discovery-guide-service-a"
	svcB  = "discovery-guide-service-b"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// chain runs the guide topology in this process: the API's built-in config
// center and registry, four SDK demo services and the gateway.
type chain struct {
	env   *apitest.Env
	gwURL string
	rules *dataplane.Rules
}

func startChain(t *testing.T, sw rule.GatewaySwitches) *chain {
	t.Helper()
	env := apitest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, s := range demo.Guide().Services {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		self := switchyard.Instance{Service: s.Service, Group: group, Version: s.Version, Region: s.Region, Env: s.Env, Zone: s.Zone,
			Host: "127.0.0.1", Port: port, Metadata: map[string]string{"active": map[bool]string{true: "true", false: "false"}[s.Active], "demo_name": s.Name}}
		cfg := sdk.DefaultConfig(self)
		cfg.HeartbeatInterval = time.Second
		svc := sdk.New(cfg, env.Registry, env.Config, nil, quiet)
		if err := svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: demo.NewApp(svc, s.Next, demo.Fault{}).Handler()}
		go srv.Serve(ln)
		t.Cleanup(func() { srv.Close() })
	}
	gwSelf := switchyard.Instance{Service: gwID, Type: switchyard.TypeGateway, Group: group, Version: "1.0", Host: "127.0.0.1", Port: 5001}
	metrics := dataplane.NewMetrics(gwID, "1.0")
	rules := dataplane.NewRules(env.Config, group, gwID, t.TempDir(), metrics, quiet)
	rules.Start(ctx, 3*time.Second)
	instances := dataplane.NewInstances(env.Registry, quiet)
	t.Cleanup(instances.Close)
	gw := gateway.New(gateway.Config{Routes: []gateway.Route{{Prefix: "/" + svcA + "/", Service: svcA, StripPrefix: true}}, Switches: sw},
		func() switchyard.Instance { return gwSelf }, rules, instances, metrics, quiet)
	return &chain{env: env, gwURL: serve(t, gw), rules: rules}
}

func (c *chain) push(t *testing.T, dataID, text string) {
	t.Helper()
	e, err := c.env.Config.Put(t.Context(), switchyard.ConfigKey{Group: group, DataID: dataID}, text, "xml", "test", -1)
	if err != nil {
		t.Fatal(err)
	}
	key := switchyard.ConfigKey{Group: group, DataID: dataID}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		st := c.rules.Status()
		k := st.Partial
		if key == st.Global.Key {
			k = st.Global
		}
		if k.Version == e.Version || k.ErrorVersion == e.Version {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the gateway did not take version %d of %s", e.Version, key)
}

func (c *chain) get(t *testing.T, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", c.gwURL+"/"+svcA+"/invoke/gateway", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// versions extracts a's and b's [V=…] from a chain body.
func versions(body string) (a, b string) {
	for _, seg := range strings.Split(body, " -> ") {
		v := between(seg, "[V=", "]")
		switch {
		case strings.Contains(seg, "[ID="+svcA+"]"):
			a = v
		case strings.Contains(seg, "[ID="+svcB+"]"):
			b = v
		}
	}
	return a, b
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return ""
}

func vector(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("..", "rule", "testdata", "nepxion", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestChainInProcess(t *testing.T) {
	c := startChain(t, rule.GatewaySwitches{OriginalHeaderIgnored: true, CoreTransmission: true})
	code, body := c.get(t)
	if code != 200 || !strings.HasPrefix(body, "gateway -> [ID="+svcA+"]") {
		t.Fatalf("no rule: %d %q", code, body)
	}
	c.push(t, gwID, vector(t, "discovery-strategy-blue-green.xml"))
	for i := 0; i < 4; i++ {
		if _, body := c.get(t, "a", "1"); !strings.Contains(body, "[V=1.0]") {
			t.Fatalf("blue-green a=1: %s", body)
		}
		_, body = c.get(t, "a", "1", "b", "2")
		if a, b := versions(body); a != "1.1" || b != "1.1" {
			t.Fatalf("blue-green a=1,b=2 → %s/%s: %s", a, b, body)
		}
		_, body = c.get(t, "a", "1")
		if a, b := versions(body); a != "1.0" || b != "1.1" {
			t.Fatalf("blue-green a=1 → %s/%s", a, b)
		}
	}
	c.push(t, gwID, vector(t, "discovery-strategy-gray-1.xml"))
	counts := map[string]int{}
	const n = 400
	for i := 0; i < n; i++ {
		_, body := c.get(t, "a", "3")
		a, b := versions(body)
		if a != b {
			t.Fatalf("gray draw not chain-consistent: a=%s b=%s", a, b)
		}
		counts[a]++
	}
	if p := 100 * counts["1.0"] / n; p < 88 {
		t.Fatalf("gray basic 95/5: got %v", counts)
	}
	c.push(t, gwID, "<rule><strategy><bogus")
	if st := c.rules.Status(); st.OK || st.Partial.Error == "" {
		t.Fatalf("an invalid rule must be refused and reported: %+v", st)
	}
	if _, body := c.get(t, "a", "3"); !strings.Contains(body, "[V=") {
		t.Fatalf("after an invalid push: %s", body)
	}
}
