package rule

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
)

const (
	svcA = "discovery-guide-service-a"
	svcB = "discovery-guide-service-b"
	gwID = "discovery-guide-gateway"
)

// guide simulates the DiscoveryGuide chain gateway → service-a → service-b
// (test-cases.md §1) with the library: the gateway decides and stamps, each
// hop reads its context routes and selects, as the data plane will.
type guide struct {
	t         *testing.T
	gw        *Compiled // the gateway's assembled rule
	svc       *Compiled // the services' assembled rule
	gwSelf    Instance
	instances []Instance
	rrGateway atomic.Uint64
	rrA       map[int]*atomic.Uint64 // per service-a instance (port)
	rnd       *rand.Rand
}

func newGuide(t *testing.T, partialXML, globalXML string) *guide {
	t.Helper()
	parse := func(s string) *Rule {
		if s == "" {
			return nil
		}
		return mustRule(t, s)
	}
	partial, global := parse(partialXML), parse(globalXML)
	gw, err := Compile(Assemble(partial, global))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := Compile(Assemble(nil, global))
	if err != nil {
		t.Fatal(err)
	}
	return &guide{t: t, gw: gw, svc: svc, instances: guideInstances(), rrA: map[int]*atomic.Uint64{},
		gwSelf: Instance{Service: gwID, Version: "1.0", Group: "discovery-guide-group", Type: "gateway", Host: "127.0.0.1", Port: 5001},
		rnd:    rand.New(rand.NewPCG(1, 2))}
}

func (g *guide) of(service string) []Instance {
	var out []Instance
	for _, in := range g.instances {
		if in.Service == service {
			out = append(out, in)
		}
	}
	return out
}

// call sends one request through the chain and returns the a and b instances.
func (g *guide) call(req MapRequest) (a, b Instance) {
	g.t.Helper()
	in := http.Header{}
	for k, v := range req.Headers {
		in.Set(k, v)
	}
	// Gateway (guide: header.priority=false, original ignored and core transmission default true).
	d := g.gw.Decide(req, g.rnd)
	out := in.Clone()
	StampGateway(out, &d, g.gw, &g.gwSelf, GatewaySwitches{OriginalHeaderIgnored: true, CoreTransmission: true})
	routes := g.gw.ContextRoutes(out, &d, false)
	as := g.of(svcA)
	sel, err := Select(&Hop{Rule: g.gw, Routes: routes, Self: &g.gwSelf, Provider: svcA, RoundRobin: &g.rrGateway, Rand: g.rnd}, as, nil)
	if err != nil {
		g.t.Fatalf("gateway → a: %v", err)
	}
	a = as[sel.Index]
	// service-a: its own rule (the global key), its route filter, then selection of b.
	areq := MapRequest{Headers: map[string]string{}}
	for k, v := range out {
		areq.Headers[k] = v[0]
	}
	ad := g.svc.Decide(areq, g.rnd)
	aout := out.Clone()
	StampService(aout, &ad, g.svc, true)
	aroutes := g.svc.ContextRoutes(aout, &ad, true)
	rr := g.rrA[a.Port]
	if rr == nil {
		rr = &atomic.Uint64{}
		g.rrA[a.Port] = rr
	}
	bs := g.of(svcB)
	sel, err = Select(&Hop{Rule: g.svc, Routes: aroutes, Self: &a, Provider: svcB, RoundRobin: rr, Rand: g.rnd}, bs, nil)
	if err != nil {
		g.t.Fatalf("a → b: %v", err)
	}
	return a, bs[sel.Index]
}

func vector(t *testing.T, name string) string {
	return string(readFile(t, "testdata/nepxion/"+name))
}

func headers(kv ...string) MapRequest {
	r := MapRequest{Headers: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Headers[kv[i]] = kv[i+1]
	}
	return r
}

// TestGuideCases reproduces the expected outcomes of test-cases.md §2.1
// (header-driven) and §2.2 (gateway-partial rules), plus the global-key
// rules of §2.3, each over four calls.
func TestGuideCases(t *testing.T) {
	tests := []struct {
		name, partial, global string
		req                   MapRequest
		check                 func(a, b Instance) bool
		want                  string
	}{
		{name: "testDynamicRouteHeader 1.0/1.1", req: headers("n-d-version", `{"discovery-guide-service-a":"1.0", "discovery-guide-service-b":"1.1"}`), want: "a=1.0 b=1.1"},
		{name: "testDynamicRouteHeader 1.1/1.0", req: headers("n-d-version", `{"discovery-guide-service-a":"1.1", "discovery-guide-service-b":"1.0"}`), want: "a=1.1 b=1.0"},
		{name: "testDynamicRouteHeader 1.1/1.1", req: headers("n-d-version", `{"discovery-guide-service-a":"1.1", "discovery-guide-service-b":"1.1"}`), want: "a=1.1 b=1.1"},
		{name: "testBlacklist2", req: headers("n-d-address-blacklist", "3001;4001"), want: "a=:3002 b=:4002"},
		{name: "testBlacklist3 wildcards", req: headers("n-d-address-blacklist", "3*2;4??1"), want: "a=:3001 b=:4002"},
		{name: "testEnv", req: headers("n-d-env", "env1"), want: "a=env1 b=env1"},
		{name: "testVersionStrategyGray1", partial: vector(t, "discovery-strategy-version-1.xml"), want: "a=1.0 b=1.0"},
		{name: "testVersionStrategyGray2", partial: vector(t, "discovery-strategy-version-2.xml"), want: "a=1.0 b=1.0"},
		{name: "testVersionStrategyGray3 wildcards", partial: vector(t, "discovery-strategy-version-3.xml"), want: "a=1.0 b=1.0"},
		{name: "testRegionStrategyGray1", partial: vector(t, "discovery-strategy-region-1.xml"), want: "a=dev b=dev"},
		{name: "testRegionStrategyGray2", partial: vector(t, "discovery-strategy-region-2.xml"), want: "a=dev b=dev"},
		{name: "testRegionStrategyGray3 wildcards", partial: vector(t, "discovery-strategy-region-3.xml"), want: "a=dev b=dev"},
		{name: "testStrategyBlueGreen1", partial: vector(t, "discovery-strategy-blue-green.xml"), want: "a=1.0 b=1.0"},
		{name: "testStrategyBlueGreen2", partial: vector(t, "discovery-strategy-blue-green.xml"), req: headers("a", "1"), want: "a=1.0 b=1.1"},
		{name: "testStrategyBlueGreen3 sorted by terms", partial: vector(t, "discovery-strategy-blue-green.xml"), req: headers("a", "1", "b", "2"), want: "a=1.1 b=1.1"},
		{name: "testStrategyBlueGreenHeader1", partial: vector(t, "discovery-strategy-blue-green-header-1.xml"), want: "a=1.0 b=1.1"},
		{name: "testStrategyBlueGreenHeader2", partial: vector(t, "discovery-strategy-blue-green-header-2.xml"), want: "a=1.1 b=1.1"},
		{name: "testStrategyBlueGreenHeader3 basic", partial: vector(t, "discovery-strategy-blue-green-header-3.xml"), want: "a=1.0 b=1.0"},
		{name: "testStrategyBlueGreenHeaderParameterCookie", partial: vector(t, "discovery-strategy-blue-green-header-parameter-cookie.xml"),
			req: MapRequest{Params: map[string]string{"a": "1"}, Cookies: map[string]string{"b": "2"}, Headers: map[string]string{"c": "3"}}, want: "a=1.1 b=1.1"},
		{name: "testStrategyAll1Test1", partial: vector(t, "discovery-strategy-all.xml"), req: headers("a", "0"), want: "a=1.0 b=1.0"},
		{name: "testStrategyAll1Test2", partial: vector(t, "discovery-strategy-all.xml"), req: headers("a", "1"), want: "a=1.1 b=1.1"},
		{name: "testStrategyAll2Test3 gray basic 0/100", partial: vector(t, "discovery-strategy-all.xml"), want: "a=1.1 b=1.1"},
		{name: "testStrategyGray2 no match, no basic", partial: vector(t, "discovery-strategy-gray-2.xml"), want: "a=1.0 b=1.0"},
		{name: "global discovery-rule-version (a 1.0 → b 1.0, a 1.1 → b 1.1)", global: vector(t, "discovery-rule-version.xml"), want: "chain"},
		{name: "global discovery-rule-region (same region)", global: vector(t, "discovery-rule-region.xml"), want: "same-region"},
		{name: "global strategy-blacklist", global: vector(t, "discovery-strategy-blacklist.xml"), want: "a=:3002 b=:4002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuide(t, tt.partial, tt.global)
			for range 4 {
				a, b := g.call(tt.req)
				if !outcome(tt.want, a, b) {
					t.Fatalf("a=%s(%s,%s,:%d) b=%s(%s,%s,:%d), want %s", a.Version, a.Region, a.Env, a.Port, b.Version, b.Region, b.Env, b.Port, tt.want)
				}
			}
		})
	}
}

func outcome(want string, a, b Instance) bool {
	switch want {
	case "chain":
		return a.Version == b.Version
	case "same-region":
		return a.Region == b.Region
	}
	for _, f := range []func(*Instance) string{(*Instance).VersionOr, (*Instance).RegionOr, (*Instance).EnvOr, func(in *Instance) string { return ":" + strconv.Itoa(in.Port) }} {
		if want == "a="+f(&a)+" b="+f(&b) {
			return true
		}
	}
	return false
}

// testNoGray: an empty rule gives plain round robin on both hops.
func TestGuideNoGrayRoundRobin(t *testing.T) {
	g := newGuide(t, vector(t, "discovery-default.xml"), vector(t, "discovery-default.xml"))
	counts := map[string]int{}
	for range 4 {
		a, b := g.call(MapRequest{})
		counts["a"+a.Version]++
		counts["b"+b.Version]++
	}
	for _, k := range []string{"a1.0", "a1.1", "b1.0", "b1.1"} {
		if counts[k] != 2 {
			t.Fatalf("counts = %v, want 2 each", counts)
		}
	}
}

// TestGuideWeights checks the weighted cases over 10,000 requests, within
// ±2 percentage points. Gray (strategy-release) draws happen once at the
// entry, so the chain stays consistent; version weights and <discovery>
// weights are drawn per hop.
func TestGuideWeights(t *testing.T) {
	tests := []struct {
		name, partial, global string
		req                   MapRequest
		aKey, bKey            func(*Instance) string
		aWant, bWant          map[string]float64
		consistent            bool
	}{
		{name: "testVersionWeightStrategyGray", partial: vector(t, "discovery-strategy-version-weight.xml"),
			aWant: map[string]float64{"1.0": 90, "1.1": 10}, bWant: map[string]float64{"1.0": 20, "1.1": 80}},
		{name: "testRegionWeightStrategyGray", partial: vector(t, "discovery-strategy-region-weight.xml"), aKey: (*Instance).RegionOr, bKey: (*Instance).RegionOr,
			aWant: map[string]float64{"dev": 85, "qa": 15}, bWant: map[string]float64{"dev": 85, "qa": 15}},
		{name: "testStrategyAll2Test1", partial: vector(t, "discovery-strategy-all.xml"), req: headers("a", "2"),
			aWant: map[string]float64{"1.0": 10, "1.1": 90}, bWant: map[string]float64{"1.0": 10, "1.1": 90}, consistent: true},
		{name: "testStrategyAll2Test2", partial: vector(t, "discovery-strategy-all.xml"), req: headers("a", "3"),
			aWant: map[string]float64{"1.0": 40, "1.1": 60}, bWant: map[string]float64{"1.0": 40, "1.1": 60}, consistent: true},
		{name: "testStrategyGray1 basic", partial: vector(t, "discovery-strategy-gray-1.xml"), req: headers("a", "3"),
			aWant: map[string]float64{"1.0": 95, "1.1": 5}, bWant: map[string]float64{"1.0": 95, "1.1": 5}, consistent: true},
		{name: "testStrategyGray3", partial: vector(t, "discovery-strategy-gray-2.xml"), req: headers("a", "1"),
			aWant: map[string]float64{"1.0": 10, "1.1": 90}, bWant: map[string]float64{"1.0": 10, "1.1": 90}, consistent: true},
		{name: "testStrategyGray4 two terms first", partial: vector(t, "discovery-strategy-gray-2.xml"), req: headers("a", "1", "b", "2"),
			aWant: map[string]float64{"1.0": 85, "1.1": 15}, bWant: map[string]float64{"1.0": 85, "1.1": 15}, consistent: true},
		{name: "global discovery-rule-version-weight", global: vector(t, "discovery-rule-version-weight.xml"),
			aWant: map[string]float64{"1.0": 75, "1.1": 25}, bWant: map[string]float64{"1.0": 35, "1.1": 65}},
		{name: "global discovery-rule-region-weight", global: vector(t, "discovery-rule-region-weight.xml"), aKey: (*Instance).RegionOr, bKey: (*Instance).RegionOr,
			aWant: map[string]float64{"dev": 95, "qa": 5}, bWant: map[string]float64{"dev": 95, "qa": 5}},
		{name: "global discovery-rule-version-composite", global: vector(t, "discovery-rule-version-composite.xml"),
			aWant: map[string]float64{"1.0": 40, "1.1": 60}, bWant: map[string]float64{"1.0": 40, "1.1": 60}, consistent: true},
	}
	const n = 10000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGuide(t, tt.partial, tt.global)
			aKey, bKey := tt.aKey, tt.bKey
			if aKey == nil {
				aKey, bKey = (*Instance).VersionOr, (*Instance).VersionOr
			}
			aCount, bCount := map[string]int{}, map[string]int{}
			for range n {
				a, b := g.call(tt.req)
				aCount[aKey(&a)]++
				bCount[bKey(&b)]++
				if tt.consistent && a.Version != b.Version {
					t.Fatalf("chain not consistent: a=%s b=%s", a.Version, b.Version)
				}
			}
			within(t, "a", aCount, tt.aWant, n)
			within(t, "b", bCount, tt.bWant, n)
		})
	}
}

func within(t *testing.T, hop string, got map[string]int, want map[string]float64, n int) {
	t.Helper()
	for k, pct := range want {
		p := float64(got[k]) * 100 / float64(n)
		if math.Abs(p-pct) > 2 {
			t.Errorf("%s %s = %.2f%%, want %.0f%% ± 2", hop, k, p, pct)
		}
	}
}
