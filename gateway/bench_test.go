package gateway_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/gateway"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/rule"
)

// benchRule is a realistic release rule: 10 blue-green conditions, gray
// conditions, 4 routes; requests carry no matching header, so every
// condition is evaluated before the gray draw.
const benchRule = `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>{"svc":"1.0"}</version>
    </strategy>
    <strategy-release>
        <conditions type="blue-green">
            <condition id="c0" expression="#H['a'] == '0'" version-id="r0"/>
            <condition id="c1" expression="#H['a'] == '1'" version-id="r1"/>
            <condition id="c2" expression="#H['a'] == '2' and #H['b'] == '2'" version-id="r2"/>
            <condition id="c3" expression="#H['a'] == '3' or #H['b'] == '3'" version-id="r3"/>
            <condition id="c4" expression="#H['user'] == 'vip'" version-id="r1"/>
            <condition id="c5" expression="#H['region'] == 'north'" version-id="r2"/>
            <condition id="c6" expression="#H['age'] &gt;= '99'" version-id="r3"/>
            <condition id="c7" expression="#H['x'] matches '^z[0-9]+$'" version-id="r0"/>
            <condition id="c8" expression="#H['y'] != null and #H['y'] == 'q'" version-id="r1"/>
            <condition id="c9" expression="#H['c'] == '9'" version-id="r2"/>
        </conditions>
        <conditions type="gray">
            <condition id="g0" version-id="r0=50;r1=50"/>
        </conditions>
        <routes>
            <route id="r0" type="version">{"svc":"1.0"}</route>
            <route id="r1" type="version">{"svc":"1.0"}</route>
            <route id="r2" type="version">{"svc":"1.0"}</route>
            <route id="r3" type="version">{"svc":"1.0"}</route>
        </routes>
    </strategy-release>
</rule>`

// backend is the upstream service: a small fixed answer.
func backend(b *testing.B) *httptest.Server {
	body := strings.Repeat("x", 256)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }))
}

// benchGateway runs a gateway in front of up with benchRule applied.
func benchGateway(b *testing.B, up *httptest.Server) string {
	return benchGatewayAt(b, up.URL) + "/svc/hello"
}

// benchGatewayAt runs a gateway in front of the backend at url with
// benchRule applied and returns its URL.
func benchGatewayAt(b *testing.B, url string) string {
	env := apitest.Start(b)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	registerAt(b, env.Registry, switchyard.Instance{Service: "svc", Group: "g", Version: "1.0"}, url)
	if _, err := env.Config.Put(ctx, switchyard.ConfigKey{Group: "g", DataID: "gw"}, benchRule, "xml", "bench", -1); err != nil {
		b.Fatal(err)
	}
	self := switchyard.Instance{Service: "gw", Type: "gateway", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 1}
	rules := dataplane.NewRules(env.Config, "g", "gw", "", nil, quiet)
	rules.Start(ctx, 3*time.Second)
	if st := rules.Status(); st.Partial.Version != 1 {
		b.Fatalf("rule not applied: %+v", st)
	}
	instances := dataplane.NewInstances(env.Registry, quiet)
	b.Cleanup(instances.Close)
	gw := gateway.New(gateway.Config{Routes: []gateway.Route{{Prefix: "/svc/", Service: "svc", StripPrefix: true}}, Switches: rule.DefaultGatewaySwitches()},
		func() switchyard.Instance { return self }, rules, instances, dataplane.NewMetrics("gw", "1.0"), quiet)
	return serve(b, gw)
}

// registerAt registers in at the address of the test server url.
func registerAt(tb testing.TB, reg switchyard.Registry, in switchyard.Instance, url string) {
	tb.Helper()
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	in.Host = host
	in.Port, _ = strconv.Atoi(port)
	if _, err := reg.Register(context.Background(), &in); err != nil {
		tb.Fatal(err)
	}
}

// load runs b.N GETs of url from parallel clients and reports the latency
// percentiles and the throughput.
func load(b *testing.B, url string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256}}
	get := func() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	for i := 0; i < 200; i++ {
		get() // warm the connection pools
	}
	var mu sync.Mutex
	var all []time.Duration
	b.SetParallelism(4)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			t0 := time.Now()
			get()
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		all = append(all, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	}
}

// BenchmarkDirect calls the backend directly: the baseline.
func BenchmarkDirect(b *testing.B) {
	up := backend(b)
	defer up.Close()
	load(b, up.URL+"/hello")
}

// BenchmarkGateway calls the same backend through the gateway with a
// 10-condition release rule; compare with BenchmarkDirect for the latency
// the gateway adds and its throughput.
func BenchmarkGateway(b *testing.B) {
	up := backend(b)
	defer up.Close()
	load(b, benchGateway(b, up))
}
