package e2e

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/demo"

	_ "modernc.org/sqlite" // writeBehindTheControlPlane
)

// cluster runs the control plane and each data-plane process separately, so
// a test can stop, kill and restart any of them.
type cluster struct {
	*topo
	offset   int
	dataDir  string
	server   *proc
	agent    string
	procs    map[string]*proc
	services map[string]demo.ServiceSpec
}

const clusterAdminPassword = "cluster-admin-pw"

func startCluster(t *testing.T, offset int, extra ...demo.ServiceSpec) *cluster {
	t.Helper()
	c := &cluster{offset: offset, dataDir: t.TempDir(), procs: map[string]*proc{}, services: map[string]demo.ServiceSpec{}}
	c.topo = &topo{t: t, http: &http.Client{Timeout: 10 * time.Second}, gateway: "http://" + addr(5001, offset)}
	c.startServer()
	c.admin = login(t, c.cpURL, clusterAdminPassword)
	if _, err := c.admin.CreateUser(ctx(t), switchyard.NewUser{Name: "dataplane", Role: switchyard.RoleAgent, Password: "dataplane-pw"}); err != nil {
		t.Fatal(err)
	}
	agent := client.New(c.cpURL, "")
	it, err := agent.LoginToken(ctx(t), switchyard.LoginRequest{Username: "dataplane", Password: "dataplane-pw"})
	if err != nil {
		t.Fatal(err)
	}
	c.agent = it.Secret
	specs := append(demo.Guide().Shift(offset).Services, extra...)
	for _, s := range specs {
		c.startService(s)
	}
	c.startGateway()
	return c
}

func (c *cluster) startServer() {
	t := c.t
	c.server = start(t, []string{"SWITCHYARD_ADMIN_PASSWORD=" + clusterAdminPassword}, "server", "--data-dir", c.dataDir, "--listen", addr(8080, c.offset))
	c.cpURL = c.server.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]
}

func (c *cluster) env() []string {
	return []string{"SWITCHYARD_TOKEN=" + c.agent, "SWITCHYARD_CONTROL_PLANE=" + c.cpURL}
}

func (c *cluster) startService(s demo.ServiceSpec) {
	args := []string{"demo-service", "--service", s.Service, "--group", group, "--listen", s.Listen, "--version", s.Version, "--region", s.Region,
		"--env", s.Env, "--zone", s.Zone, "--next", s.Next, "--cache-dir", filepath.Join(c.dataDir, "cache", s.Name)}
	p := start(c.t, c.env(), args...)
	p.waitLine(`^demo service .* listening on`, 30*time.Second)
	c.procs[s.Name], c.services[s.Name] = p, s
	c.others = append(c.others, "http://"+s.Listen)
}

func (c *cluster) startGateway() {
	p := start(c.t, c.env(), "gateway", "--service", gwID, "--group", group, "--listen", addr(5001, c.offset), "--version", "1.0",
		"--route", "/"+svcA+"/="+svcA, "--header-priority=false", "--cache-dir", filepath.Join(c.dataDir, "cache", "gateway"))
	p.waitLine(`^gateway .* listening on`, 30*time.Second)
	c.procs["gateway"] = p
	c.waitInstances(svcA, 2)
}

// waitInstances waits until the registry lists at least n instances of service.
func (c *cluster) waitInstances(service string, n int) {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		var list []switchyard.Instance
		if err := c.admin.Do(ctx(c.t), "GET", "/api/registry/instances?service="+service, nil, &list); err == nil && len(list) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("fewer than %d instances of %s registered", n, service)
}

// put publishes rule text through the API and waits until it applied (or
// was refused) where it must.
func (c *cluster) put(dataID, text string) time.Duration {
	if err := c.admin.Do(ctx(c.t), "PUT", "/api/config/"+group+"/"+dataID, map[string]any{"content": text, "format": "xml"}, nil); err != nil {
		c.t.Fatal(err)
	}
	return c.waitApplied(dataID)
}

// TestControlPlaneOutage: with the control plane gone, traffic keeps
// flowing on the last good rule — also through a gateway restarted during
// the outage, which starts from its disk cache; when the control plane
// returns, a new rule reaches the gateway again.
func TestControlPlaneOutage(t *testing.T) {
	c := startCluster(t, 31000)
	c.put(gwID, vectorText(t, "discovery-strategy-version-1.xml"))
	check := func(stage string) {
		for i := 0; i < 50; i++ {
			if a, b, body := c.call(req{}); a.version != "1.0" || b.version != "1.0" {
				t.Fatalf("%s: request %d left the pinned 1.0 lane: %s", stage, i, body)
			}
		}
	}
	check("before")
	if err := c.server.stop(syscall.SIGKILL, 5*time.Second); err == nil {
		t.Fatal("the server should have died of SIGKILL")
	}
	check("control plane killed")

	gw := c.procs["gateway"]
	gw.stop(syscall.SIGTERM, 10*time.Second)
	c.startGatewayWithoutControlPlane()
	check("gateway restarted during the outage (disk cache)")

	c.startServer()
	c.put(gwID, vectorText(t, "discovery-strategy-version-2.xml")) // same lane, new version
	st := ruleStatus(t, c.http, c.gateway)
	if !st.OK || st.Partial.Version != 2 {
		t.Fatalf("after recovery the gateway has %+v, want version 2 applied", st)
	}
	c.put(gwID, `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>1.1</version>
    </strategy>
</rule>`)
	for i := 0; i < 20; i++ {
		if a, b, body := c.call(req{}); a.version != "1.1" || b.version != "1.1" {
			t.Fatalf("after recovery: a new rule must apply: %s", body)
		}
	}
}

// startGatewayWithoutControlPlane starts the gateway while the control plane
// is down: it comes up on its cached rule and its cached instances.
func (c *cluster) startGatewayWithoutControlPlane() {
	p := start(c.t, c.env(), "gateway", "--service", gwID, "--group", group, "--listen", addr(5001, c.offset), "--version", "1.0",
		"--route", "/"+svcA+"/="+svcA, "--header-priority=false", "--cache-dir", filepath.Join(c.dataDir, "cache", "gateway"))
	p.waitLine(`^gateway .* listening on`, 30*time.Second)
	c.procs["gateway"] = p
	st := ruleStatus(c.t, c.http, c.gateway)
	if st.Partial.Version == 0 {
		c.t.Fatalf("the gateway started without its cached rule: %+v", st)
	}
}

// TestInvalidRuleIsRefused: a rule the data plane cannot apply is refused
// twice over. The control plane's publish path compiles it with the data
// plane's compiler and stores nothing; and when such a rule reaches the
// config center behind switchyard's back (written straight into its store,
// as someone could edit an external config center), the gateway refuses it,
// keeps routing on the last good rule and reports itself degraded.
func TestInvalidRuleIsRefused(t *testing.T) {
	c := startCluster(t, 32000)
	c.put(gwID, vectorText(t, "discovery-strategy-version-1.xml"))
	for _, bad := range []string{
		"<rule><strategy><version>1.1</version></strategy><strategy/></rule>",
		`<rule><strategy-release><conditions type="blue-green"><condition id="c" expression="T(java.lang.Runtime).getRuntime()" version-id="r"/></conditions><routes><route id="r" type="version">1.1</route></routes></strategy-release></rule>`,
		"<rule><strategy><version>1.1",
	} {
		before := c.version(gwID)
		err := c.admin.Do(ctx(t), "PUT", "/api/config/"+group+"/"+gwID, map[string]any{"content": bad, "format": "xml"}, nil)
		if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || e.Field != "content" || !strings.Contains(e.Message, "refused by the data plane") {
			t.Fatalf("the control plane accepted a rule the data plane refuses: %v", err)
		}
		if v := c.version(gwID); v != before {
			t.Fatalf("a refused rule was stored: version %d → %d", before, v)
		}
		writeBehindTheControlPlane(t, filepath.Join(c.dataDir, "switchyard.db"), gwID, bad)
		c.waitApplied(gwID)
		h := healthOf(t, c.http, c.gateway)
		if h.Status != "degraded" || !strings.Contains(h.Reason, "refused") || h.Rule.OK {
			t.Fatalf("health after an invalid rule: %+v", h)
		}
		for i := 0; i < 20; i++ {
			if a, b, body := c.call(req{}); a.version != "1.0" || b.version != "1.0" {
				t.Fatalf("the previous rule must stay: %s", body)
			}
		}
		t.Logf("refused: %s", h.Reason)
	}
	c.put(gwID, vectorText(t, "discovery-strategy-version-2.xml"))
	if h := healthOf(t, c.http, c.gateway); h.Status != "ok" || !h.Rule.OK {
		t.Fatalf("a good rule must clear the degraded state: %+v", h)
	}
}

// version is the config version at (group, dataID).
func (c *cluster) version(dataID string) int64 {
	var e switchyard.ConfigEntry
	if err := c.admin.Do(ctx(c.t), "GET", "/api/config/"+group+"/"+dataID, nil, &e); err != nil {
		c.t.Fatal(err)
	}
	return e.Version
}

// writeBehindTheControlPlane appends a config version straight into the
// control plane's SQLite store, bypassing its API, as a person editing an
// external config center by hand would; the control plane's change feed
// delivers it to the watchers.
func writeBehindTheControlPlane(t *testing.T, dbPath, dataID, content string) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var seq, version int64
	if err := tx.QueryRowContext(ctx(t), `UPDATE config_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
		t.Fatal(err)
	}
	if err := tx.QueryRowContext(ctx(t), `SELECT COALESCE(MAX(version), 0) FROM config_versions WHERE group_name = $1 AND data_id = $2`, group, dataID).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx(t), `INSERT INTO config_versions (group_name, data_id, version, seq, content, format, deleted, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, 'xml', 0, $6, 'someone')`,
		group, dataID, version+1, seq, content, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestKillDashNine: with the rule pinning 1.0 and two 1.0 instances of
// service-a, one is killed with SIGKILL in the middle of 5,000 requests: no
// request fails, none reaches the excluded 1.1, and the dead instance
// leaves the registry within the heartbeat TTL.
func TestKillDashNine(t *testing.T) {
	a3 := demo.ServiceSpec{Name: "A3", Service: svcA, Listen: addr(3003, 33000), Version: "1.0", Region: "dev", Env: "env1", Zone: "zone1", Next: svcB}
	c := startCluster(t, 33000, a3)
	c.waitInstances(svcA, 3)
	c.put(gwID, vectorText(t, "discovery-strategy-version-1.xml"))

	const n = 5000
	killed := make(chan time.Time, 1)
	ports := map[string]int{}
	go func() {
		time.Sleep(300 * time.Millisecond)
		c.procs["A3"].stop(syscall.SIGKILL, 5*time.Second)
		killed <- time.Now()
	}()
	for i := 0; i < n; i++ {
		a, b, body := c.call(req{})
		if a.version != "1.0" || b.version != "1.0" {
			t.Fatalf("request %d reached an excluded version: %s", i, body)
		}
		ports[a.port]++
	}
	at := <-killed
	gone := time.Duration(0)
	for {
		var list []switchyard.Instance
		if err := c.admin.Do(ctx(t), "GET", "/api/registry/instances?service="+svcA, nil, &list); err != nil {
			t.Fatal(err)
		}
		if len(list) == 2 {
			gone = time.Since(at)
			break
		}
		if time.Since(at) > 25*time.Second {
			t.Fatalf("the killed instance is still registered after %s", time.Since(at))
		}
		time.Sleep(100 * time.Millisecond)
	}
	refused := refusedAttempts(t, c)
	t.Logf("5,000 requests, all 1.0, none failed; a1/a3 split %v; the gateway tried the dead instance %d time(s) (each retried on a live one); it left the registry %s after the kill (TTL 15s)",
		ports, refused, gone.Round(time.Millisecond))
	if refused > 3 {
		t.Errorf("the gateway kept trying the dead instance: %d refused connections", refused)
	}
	if gone > 16*time.Second {
		t.Fatalf("the dead instance stayed %s, longer than the TTL plus one sweep", gone)
	}
	// After the registry dropped it, the gateway sends nothing its way.
	before := ports[fmt.Sprint(3003+33000)]
	for i := 0; i < 200; i++ {
		a, _, _ := c.call(req{})
		ports[a.port]++
	}
	if ports[fmt.Sprint(3003+33000)] != before {
		t.Fatal("requests still reach the dead instance")
	}
}

// TestPublishLatency measures publish → applied at the gateway over 50
// publishes on loopback; the target is p99 ≤ 200 ms.
func TestPublishLatency(t *testing.T) {
	c := startCluster(t, 34000)
	var ds []time.Duration
	for i := 0; i < 50; i++ {
		file := []string{"discovery-strategy-version-1.xml", "discovery-strategy-version-2.xml"}[i%2]
		start := time.Now()
		c.put(gwID, vectorText(t, file))
		ds = append(ds, time.Since(start))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	p50, p99 := ds[len(ds)/2], ds[len(ds)*99/100]
	t.Logf("publish → applied at the gateway over %d publishes: p50 %s, p99 %s, max %s", len(ds), p50.Round(time.Microsecond), p99.Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond))
	if p99 > 200*time.Millisecond {
		t.Fatalf("p99 %s exceeds the 200 ms target", p99)
	}
}

// refusedAttempts reads the gateway's count of calls to service-a that got
// no response (the dead instance refusing connections).
func refusedAttempts(t *testing.T, c *cluster) int {
	resp, err := c.http.Get(c.gateway + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "switchyard_outbound_requests_total{") && strings.Contains(line, `code="error"`) && strings.Contains(line, `upstream="`+svcA+`"`) {
			var v float64
			fmt.Sscanf(line[strings.LastIndexByte(line, ' ')+1:], "%g", &v)
			n += int(v)
		}
	}
	return n
}
