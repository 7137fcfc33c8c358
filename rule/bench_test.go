package rule

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

// benchRule has 10 blue-green conditions over 4 routes, the size the
// data-plane targets are set for.
func benchRule(tb testing.TB) *Compiled {
	tb.Helper()
	var b strings.Builder
	b.WriteString(xmlHead + "    <strategy>\n        <version>{\"svc-a\":\"1.0\",\"svc-b\":\"1.0\"}</version>\n    </strategy>\n    <strategy-release>\n        <conditions type=\"blue-green\">\n")
	for i := range 10 {
		fmt.Fprintf(&b, "            <condition id=\"c%d\" expression=\"#H['user'] == 'u%d' and #H['region'] != 'x'\" version-id=\"r%d\"/>\n", i, i, i%4)
	}
	b.WriteString("        </conditions>\n        <routes>\n")
	for i := range 4 {
		fmt.Fprintf(&b, "            <route id=\"r%d\" type=\"version\">{\"svc-a\":\"1.%d\", \"svc-b\":\"1.%d\"}</route>\n", i, i%2, i%2)
	}
	b.WriteString("        </routes>\n    </strategy-release>\n</rule>")
	r, err := ParseXML([]byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	c, err := Compile(r)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func benchRequest() *http.Request {
	req := httptest.NewRequest("GET", "/svc-a/invoke?region=dev&x=1", nil)
	req.Header.Set("User", "u9") // the last condition matches
	req.Header.Set("Cookie", "session=abc; theme=dark")
	return req
}

func BenchmarkDecide(b *testing.B) {
	c := benchRule(b)
	req := HTTPRequest{R: benchRequest()}
	rnd := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		d := c.Decide(req, rnd)
		if d.Routes[HeaderVersion] == "" {
			b.Fatal("no route")
		}
	}
}

func BenchmarkSelect(b *testing.B) {
	c := benchRule(b)
	d := c.Decide(HTTPRequest{R: benchRequest()}, nil)
	instances := []Instance{
		{Service: "svc-b", Version: "1.0", Host: "10.0.0.1", Port: 8080},
		{Service: "svc-b", Version: "1.1", Host: "10.0.0.2", Port: 8080},
		{Service: "svc-b", Version: "1.0", Host: "10.0.0.3", Port: 8080},
		{Service: "svc-b", Version: "1.1", Host: "10.0.0.4", Port: 8080},
	}
	self := &Instance{Service: "svc-a", Version: "1.1"}
	var rr atomic.Uint64
	buf := make([]int, 0, len(instances))
	h := &Hop{Rule: c, Routes: d.Routes, Self: self, Provider: "svc-b", RoundRobin: &rr, Rand: rand.New(rand.NewPCG(1, 2))}
	b.ReportAllocs()
	for b.Loop() {
		sel, err := Select(h, instances, buf)
		if err != nil || instances[sel.Index].Version != "1.1" {
			b.Fatal(err)
		}
	}
}

// BenchmarkRequest is one gateway request: the entry decision, the context
// routes and the selection of the first hop.
func BenchmarkRequest(b *testing.B) {
	c := benchRule(b)
	r := benchRequest()
	req := HTTPRequest{R: r}
	instances := []Instance{
		{Service: "svc-a", Version: "1.0", Host: "10.0.0.1", Port: 8080},
		{Service: "svc-a", Version: "1.1", Host: "10.0.0.2", Port: 8080},
	}
	self := &Instance{Service: "gateway", Type: "gateway"}
	rnd := rand.New(rand.NewPCG(1, 2))
	var rr atomic.Uint64
	buf := make([]int, 0, len(instances))
	b.ReportAllocs()
	for b.Loop() {
		d := c.Decide(req, rnd)
		routes := c.ContextRoutes(HTTPHeader(r.Header), &d, false)
		sel, err := Select(&Hop{Rule: c, Routes: routes, Self: self, Provider: "svc-a", RoundRobin: &rr, Rand: rnd}, instances, buf)
		if err != nil || instances[sel.Index].Version != "1.1" {
			b.Fatal(err)
		}
	}
}

// decisionRule has n blue-green conditions over 4 routes (as benchRule),
// then two gray conditions: one with an expression that no request of
// these benchmarks matches, and a basic 10/90 split.
func decisionRule(tb testing.TB, n int) *Compiled {
	tb.Helper()
	var b strings.Builder
	b.WriteString(xmlHead + "    <strategy>\n        <version>{\"svc-a\":\"1.0\",\"svc-b\":\"1.0\"}</version>\n    </strategy>\n    <strategy-release>\n        <conditions type=\"blue-green\">\n")
	for i := range n {
		fmt.Fprintf(&b, "            <condition id=\"c%d\" expression=\"#H['user'] == 'u%d' and #H['region'] != 'x'\" version-id=\"r%d\"/>\n", i, i, i%4)
	}
	b.WriteString("        </conditions>\n        <conditions type=\"gray\">\n")
	b.WriteString("            <condition id=\"g0\" expression=\"#H['a'] == '1' and #H['user'] != 'u0'\" version-id=\"r0=50;r1=50\"/>\n")
	b.WriteString("            <condition id=\"g1\" version-id=\"r0=10;r1=90\"/>\n")
	b.WriteString("        </conditions>\n        <routes>\n")
	for i := range 4 {
		fmt.Fprintf(&b, "            <route id=\"r%d\" type=\"version\">{\"svc-a\":\"1.%d\", \"svc-b\":\"1.%d\"}</route>\n", i, i%2, i%2)
	}
	b.WriteString("        </routes>\n    </strategy-release>\n</rule>")
	return compileBench(tb, b.String())
}

// gatewayRule is the rule of gateway.BenchmarkGateway: 10 blue-green
// conditions of every kind (and, or, ordering, matches, null tests), a
// 50/50 gray condition, 4 routes of service svc.
const gatewayRule = `<rule>
    <strategy><version>{"svc":"1.0"}</version></strategy>
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
            <route id="r1" type="version">{"svc":"1.1"}</route>
            <route id="r2" type="version">{"svc":"1.0"}</route>
            <route id="r3" type="version">{"svc":"1.1"}</route>
        </routes>
    </strategy-release>
</rule>`

func compileBench(tb testing.TB, text string) *Compiled {
	tb.Helper()
	r, err := ParseXML([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	c, err := Compile(r)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// decisionRequest is a browser-like request whose user header is user.
func decisionRequest(user string) *http.Request {
	req := httptest.NewRequest("GET", "/svc-a/invoke?region=dev&x=1&q=hello%20world", nil)
	req.Header.Set("User", user)
	req.Header.Set("Cookie", "session=abc; theme=dark")
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	req.Header.Set("X-Request-Id", "7f9c2ba4e88f827d")
	return req
}

// decision is one whole rule decision at the gateway: the entry decision,
// the context routes and the selection of an instance of the provider.
type decision struct {
	c         *Compiled
	r         *http.Request
	provider  string
	instances []Instance
	self      *Instance
	rnd       *rand.Rand
	rr        atomic.Uint64
	buf       []int
}

// decisionCase is a rule and a request of BenchmarkDecision.
type decisionCase struct {
	name     string
	c        *Compiled
	user     string // the request's user header
	provider string
	source   Source // where the version comes from
}

// decisionCases: the benchmark rule with 10 and 50 conditions and a
// request that matches none of them (every condition and the gray ones are
// evaluated) or the last one; the gateway benchmark's rule and a request
// that matches none.
func decisionCases(tb testing.TB) []decisionCase {
	var cases []decisionCase
	for _, n := range []int{10, 50} {
		c := decisionRule(tb, n)
		cases = append(cases,
			decisionCase{fmt.Sprintf("conditions=%d/match=none", n), c, "nobody", "svc-a", SourceGray},
			decisionCase{fmt.Sprintf("conditions=%d/match=last", n), c, fmt.Sprintf("u%d", n-1), "svc-a", SourceBlueGreen})
	}
	return append(cases, decisionCase{"rule=gateway/match=none", compileBench(tb, gatewayRule), "nobody", "svc", SourceGray})
}

func (tc *decisionCase) start() *decision {
	var instances []Instance
	for i := range 4 {
		instances = append(instances, Instance{Service: tc.provider, Version: fmt.Sprintf("1.%d", i%2), Host: fmt.Sprintf("10.0.0.%d", i+1), Port: 8080})
	}
	return &decision{c: tc.c, r: decisionRequest(tc.user), provider: tc.provider, instances: instances,
		self: &Instance{Service: "gateway", Type: "gateway"}, rnd: rand.New(rand.NewPCG(1, 2)), buf: make([]int, 0, len(instances))}
}

func (x *decision) run() (Decision, Selection, error) {
	d := x.c.Decide(HTTPRequest{R: x.r}, x.rnd)
	routes := x.c.ContextRoutes(HTTPHeader(x.r.Header), &d, false)
	sel, err := Select(&Hop{Rule: x.c, Routes: routes, Self: x.self, Provider: x.provider, RoundRobin: &x.rr, Rand: x.rnd}, x.instances, x.buf)
	return d, sel, err
}

// check runs x once and reports a decision other than tc's. It is not a
// test helper: testing.TB.Helper would cost more than the decision.
func (tc *decisionCase) check(tb testing.TB, x *decision) {
	d, sel, err := x.run()
	if err != nil || sel.Index < 0 || d.Steps[DimVersion].Source != tc.source || d.Routes[HeaderVersion] == "" {
		tb.Fatalf("%s: decided %+v, selected %d: %v", tc.name, d.Steps, sel.Index, err)
	}
}

// BenchmarkDecision is the whole rule decision of one gateway request
// (Decide, ContextRoutes, Select): the target is under 1 µs, 0 allocations.
func BenchmarkDecision(b *testing.B) {
	for _, tc := range decisionCases(b) {
		b.Run(tc.name, func(b *testing.B) {
			x := tc.start()
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				tc.check(b, x)
			}
		})
	}
}

// reportCPU pins the benchmark to its thread and returns the function that
// reports the thread's CPU time per iteration as cpu-ns/op: on a machine
// shared with other work, ns/op counts the time the benchmark waited for a
// core, cpu-ns/op only the time it ran.
func reportCPU(b *testing.B) func() {
	runtime.LockOSThread()
	start, ok := threadCPU()
	return func() {
		end, _ := threadCPU()
		runtime.UnlockOSThread()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// TestDecisionAllocs: the whole decision of a request does not allocate.
func TestDecisionAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, tc := range decisionCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.start()
			tc.check(t, x)
			if a := testing.AllocsPerRun(200, func() { x.run() }); a != 0 {
				t.Errorf("allocates %v times per decision", a)
			}
		})
	}
}

// BenchmarkStampGateway is the gateway route filter on the headers of a
// forwarded request: the identity headers and the decided core headers.
// What it allocates is http.Header.Set's one-value slices and the address.
func BenchmarkStampGateway(b *testing.B) {
	c := decisionRule(b, 10)
	in := decisionRequest("u3").Header
	d := c.Decide(HTTPRequest{R: &http.Request{Header: in, URL: &url.URL{}}}, nil)
	self := &Instance{Service: "gateway", Type: "gateway", Group: "g", Version: "1.0", Host: "10.0.0.9", Port: 8080}
	out := http.Header{}
	b.ReportAllocs()
	for b.Loop() {
		clear(out)
		for k, v := range in {
			out[k] = v
		}
		StampGateway(out, &d, c, self, DefaultGatewaySwitches())
	}
}
