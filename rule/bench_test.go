package rule

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
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
