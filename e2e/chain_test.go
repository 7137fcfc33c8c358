package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

const (
	group = "discovery-guide-group"
	gwID  = "discovery-guide-gateway"
	svcA  = "discovery-guide-service-a"
	svcB  = "discovery-guide-service-b"
)

// topo is a running guide topology: where its parts listen.
type topo struct {
	t       *testing.T
	cpURL   string
	console string // Nepxion console endpoints ("" when not served)
	gateway string
	others  []string // every data-plane process's base URL, for rule waits
	admin   *client.Client
	http    *http.Client
}

func addr(port, offset int) string { return fmt.Sprintf("127.0.0.1:%d", port+offset) }

// startDemo runs `switchyard demo` with every port moved by offset.
func startDemo(t *testing.T, offset int) *topo {
	t.Helper()
	return startDemoEnv(t, offset, nil)
}

// startDemoEnv is startDemo with extra environment for the server.
func startDemoEnv(t *testing.T, offset int, env []string) *topo {
	t.Helper()
	p := start(t, env, "demo", "--no-traffic", "--data-dir", t.TempDir(), "--listen", addr(8080, offset), "--port-offset", fmt.Sprint(offset))
	cpURL := p.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]
	p.waitLine(`^demo: press Ctrl-C to stop$`, 60*time.Second)
	tp := &topo{t: t, cpURL: cpURL, console: "http://" + addr(6001, offset), gateway: "http://" + addr(5001, offset), http: &http.Client{Timeout: 10 * time.Second}}
	for _, port := range []int{3001, 3002, 4001, 4002} {
		tp.others = append(tp.others, "http://"+addr(port, offset))
	}
	tp.admin = login(t, cpURL, "switchyard-demo")
	t.Cleanup(func() {
		if err := p.stop(syscall.SIGINT, 20*time.Second); err != nil {
			t.Errorf("demo exit: %v", err)
		}
		for _, port := range []int{8080, 6001, 5001, 3001, 3002, 4001, 4002} {
			if listening(addr(port, offset)) {
				t.Errorf("port %d still open after the demo stopped", port+offset)
			}
		}
	})
	return tp
}

func login(t *testing.T, url, password string) *client.Client {
	t.Helper()
	c := client.New(url, "")
	it, err := c.LoginToken(ctx(t), switchyard.LoginRequest{Username: "admin", Password: password})
	if err != nil {
		t.Fatalf("admin login: %v", err)
	}
	c.Token = it.Secret
	return c
}

// pushNepxion stores a rule file through Nepxion's console endpoint, exactly
// as the guide's @DTestConfig does (including its double slash), and waits
// until every process that follows the key applied it.
func (tp *topo) pushNepxion(dataID, file string) {
	t := tp.t
	t.Helper()
	body := vectorText(t, file)
	resp, err := tp.http.Post(tp.console+"//config/remote/update/"+group+"/"+dataID+"/xml", "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "true" {
		t.Fatalf("push %s to %s: %d %s", file, dataID, resp.StatusCode, b)
	}
	tp.waitApplied(dataID)
}

// waitApplied waits until the gateway (and, for the global key, every
// service) reports the config center's current version of dataID.
func (tp *topo) waitApplied(dataID string) time.Duration {
	t := tp.t
	t.Helper()
	var e switchyard.ConfigEntry
	if err := tp.admin.Do(ctx(t), "GET", "/api/config/"+group+"/"+dataID, nil, &e); err != nil {
		t.Fatal(err)
	}
	targets := []string{tp.gateway}
	if dataID == group {
		targets = append(targets, tp.others...)
	}
	start := time.Now()
	for _, base := range targets {
		for {
			st := ruleStatus(t, tp.http, base)
			k := st.Partial
			if st.Global.Key.DataID == dataID {
				k = st.Global
			}
			if k.Version >= e.Version || k.ErrorVersion >= e.Version {
				break
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("%s did not apply version %d of %s: %+v", base, e.Version, dataID, st)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	return time.Since(start)
}

type keyStatus struct {
	Key          switchyard.ConfigKey `json:"key"`
	Version      int64                `json:"version"`
	Error        string               `json:"error"`
	ErrorVersion int64                `json:"errorVersion"`
}

type health struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	Rule   struct {
		OK      bool      `json:"ok"`
		Partial keyStatus `json:"partial"`
		Global  keyStatus `json:"global"`
	} `json:"rule"`
}

func healthOf(t *testing.T, c *http.Client, base string) health {
	t.Helper()
	resp, err := c.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatalf("%s/healthz: %v", base, err)
	}
	return h
}

func ruleStatus(t *testing.T, c *http.Client, base string) struct {
	OK      bool      `json:"ok"`
	Partial keyStatus `json:"partial"`
	Global  keyStatus `json:"global"`
} {
	return healthOf(t, c, base).Rule
}

func vectorText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "rule", "testdata", "nepxion", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// req is one business request's inputs.
type req struct {
	headers, params, cookies map[string]string
}

func hdr(kv ...string) req {
	r := req{headers: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.headers[kv[i]] = kv[i+1]
	}
	return r
}

// hop is one service's segment of a chain body.
type hop struct{ version, region, env, port string }

// call sends GET {gateway}/discovery-guide-service-a/invoke/gateway and
// returns the a and b segments.
func (tp *topo) call(r req) (a, b hop, body string) {
	t := tp.t
	q := url.Values{}
	for k, v := range r.params {
		q.Set(k, v)
	}
	u := tp.gateway + "/" + svcA + "/invoke/gateway"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	hr, _ := http.NewRequest("GET", u, nil)
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	for k, v := range r.cookies {
		// The guide sends cookie attributes along; they must not disturb the lookup.
		hr.Header.Add("Cookie", k+"="+v+"; Path=/; Domain=nepxion; Expires=Fri, 07 Oct 2050 15:00:00 GMT")
	}
	resp, err := tp.http.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	bb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body = string(bb)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	a, b = segments(body)
	return a, b, body
}

// segments parses a chain body (or an inspector result).
func segments(body string) (a, b hop) {
	for _, seg := range strings.Split(body, " -> ") {
		h := hop{version: tag(seg, "V"), region: tag(seg, "R"), env: tag(seg, "E")}
		if host := tag(seg, "H"); host != "" {
			h.port = host[strings.LastIndexByte(host, ':')+1:]
		}
		switch tag(seg, "ID") {
		case svcA:
			a = h
		case svcB:
			b = h
		}
	}
	return a, b
}

func tag(seg, k string) string {
	i := strings.Index(seg, "["+k+"=")
	if i < 0 {
		return ""
	}
	s := seg[i+len(k)+2:]
	return s[:strings.IndexByte(s, ']')]
}

// many sends n requests with 4 workers and counts a's and b's versions (or
// regions), checking chain consistency when chain is set.
func (tp *topo) many(n int, r req, field func(hop) string, chain bool) (a, b map[string]int) {
	a, b = map[string]int{}, map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	per := n / 4
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				ha, hb, body := tp.call(r)
				if chain && ha.version != hb.version {
					tp.t.Errorf("chain broken: a=%s b=%s: %s", ha.version, hb.version, body)
				}
				mu.Lock()
				a[field(ha)]++
				b[field(hb)]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return a, b
}

// within checks the guide's strict tolerance: expected-5 < pct < expected+5.
func within(t *testing.T, what string, counts map[string]int, key string, n int, expected float64) float64 {
	t.Helper()
	pct := 100 * float64(counts[key]) / float64(n)
	if !(pct > expected-5 && pct < expected+5) {
		t.Errorf("%s: %s = %.1f%% over %d requests, want %.0f±5 (counts %v)", what, key, pct, n, expected, counts)
	}
	return pct
}

func version(h hop) string { return h.version }
func region(h hop) string  { return h.region }
