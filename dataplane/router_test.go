package dataplane_test

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/rule"
)

// The process under test and the provider it calls: svc 1.0 and 1.1.
var (
	gatewaySelf = switchyard.Instance{Service: "gw", Type: switchyard.TypeGateway, Group: "g", Version: "1.0", Host: "10.0.0.9", Port: 9}
	svc10       = switchyard.Instance{Service: "svc", Group: "g", Version: "1.0", Host: "10.0.0.1", Port: 1}
	svc11       = switchyard.Instance{Service: "svc", Group: "g", Version: "1.1", Host: "10.0.0.2", Port: 2}
)

// newRouter returns a router routing by text among instances.
func newRouter(t testing.TB, cfg dataplane.RouterConfig, text string, instances ...switchyard.Instance) *dataplane.Router {
	t.Helper()
	rules := dataplane.NewRules(nil, cfg.Self.Group, cfg.Self.Service, "", nil, quiet)
	if err := rules.SetPartial(text); err != nil {
		t.Fatal(err)
	}
	cache := dataplane.NewInstances(newFakeRegistry(instances...), quiet)
	t.Cleanup(cache.Close)
	return dataplane.NewRouter(cfg, rules, cache)
}

func entry(t *testing.T, sw rule.GatewaySwitches, text string) *dataplane.Router {
	return newRouter(t, dataplane.RouterConfig{Self: gatewaySelf, Entry: true, Gateway: sw}, text, svc10, svc11)
}

// enter routes one request entering the gateway; it returns the version
// picked and the forwarded request's headers.
func enter(t *testing.T, r *dataplane.Router, req *http.Request) (string, http.Header) {
	t.Helper()
	_, target, err := r.Route(&dataplane.Hop{Provider: "svc", Request: rule.HTTPRequest{R: req}, Out: req.Header})
	if err != nil {
		t.Fatal(err)
	}
	return target.Instance().Version, req.Header
}

const blueGreen = `<rule>
    <strategy><version>{"svc":"1.0"}</version></strategy>
    <strategy-release>
        <conditions type="blue-green">
            <condition id="green" expression="#H['a'] == '1'" version-id="v11"/>
        </conditions>
        <routes><route id="v11" type="version">{"svc":"1.1"}</route></routes>
    </strategy-release>
</rule>`

// TestRouterEntryBlueGreen: at the entry the condition reads the request's
// header, query parameter or cookie; the decided route is stamped for every
// later hop and picks the instance; header priority decides whether a
// client's own n-d-version survives.
func TestRouterEntryBlueGreen(t *testing.T) {
	for _, tt := range []struct {
		name   string
		sw     rule.GatewaySwitches
		url    string
		header map[string]string
		want   string
	}{
		{"header a=1 goes green", rule.DefaultGatewaySwitches(), "/x", map[string]string{"a": "1"}, "1.1"},
		{"query a=1 goes green", rule.DefaultGatewaySwitches(), "/x?a=1", nil, "1.1"},
		{"cookie a=1 goes green", rule.DefaultGatewaySwitches(), "/x", map[string]string{"Cookie": "a=1"}, "1.1"},
		{"no match takes the strategy", rule.DefaultGatewaySwitches(), "/x", map[string]string{"a": "2"}, "1.0"},
		{"with priority the gateway replaces a client's n-d-version", rule.DefaultGatewaySwitches(), "/x", map[string]string{"n-d-version": `{"svc":"1.1"}`}, "1.0"},
		{"without priority a client's n-d-version stays", rule.GatewaySwitches{OriginalHeaderIgnored: true, CoreTransmission: true}, "/x", map[string]string{"n-d-version": `{"svc":"1.1"}`}, "1.1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := entry(t, tt.sw, blueGreen)
			req := httptest.NewRequest("GET", tt.url, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			got, out := enter(t, r, req)
			if got != tt.want {
				t.Fatalf("picked %s, want %s", got, tt.want)
			}
			if v := out.Get("n-d-version"); v != `{"svc":"`+tt.want+`"}` {
				t.Errorf("n-d-version stamped %q, want the route to %s", v, tt.want)
			}
			if id := out.Get("n-d-service-id"); id != "gw" {
				t.Errorf("n-d-service-id = %q, want the gateway's own id", id)
			}
		})
	}
}

// countingRand counts the draws made from a seeded source.
type countingRand struct {
	r     *rand.Rand
	draws int
}

func (c *countingRand) IntN(n int) int { c.draws++; return c.r.IntN(n) }

const gray = `<rule>
    <strategy-release>
        <conditions type="gray">
            <condition id="basic" version-id="v10=90;v11=10"/>
        </conditions>
        <routes>
            <route id="v10" type="version">{"svc":"1.0"}</route>
            <route id="v11" type="version">{"svc":"1.1"}</route>
        </routes>
    </strategy-release>
</rule>`

// TestRouterGrayDraw: the entry draws once per request from the router's
// one source, in the rule's proportions, for a gray condition (the entry
// decision) and for a version weight (the pick); the same seed gives the
// same lanes. A service that routes by the entry's decision draws nothing.
func TestRouterGrayDraw(t *testing.T) {
	const weight = `<rule><strategy><version-weight>{"svc":"1.0=90;1.1=10"}</version-weight></strategy></rule>`
	for _, tt := range []struct{ name, text string }{{"gray condition 90/10", gray}, {"version weight 90/10", weight}} {
		t.Run(tt.name, func(t *testing.T) {
			lanes := func(seed uint64, n int) ([]string, int) {
				src := &countingRand{r: rand.New(rand.NewPCG(seed, 7))}
				r := newRouter(t, dataplane.RouterConfig{Self: gatewaySelf, Entry: true, Gateway: rule.DefaultGatewaySwitches(), Rand: src}, tt.text, svc10, svc11)
				out := make([]string, n)
				for i := range out {
					out[i], _ = enter(t, r, httptest.NewRequest("GET", "/x", nil))
				}
				return out, src.draws
			}
			const n = 10000
			got, draws := lanes(1, n)
			if draws != n {
				t.Fatalf("%d draws for %d requests, want one each", draws, n)
			}
			count := map[string]int{}
			for _, v := range got {
				count[v]++
			}
			// 10 % of 10,000: the binomial's standard deviation is 30.
			if c := count["1.1"]; c < 850 || c > 1150 {
				t.Fatalf("90/10 drew %v", count)
			}
			again, _ := lanes(1, n)
			other, _ := lanes(2, n)
			same, differ := true, false
			for i := range got {
				same = same && got[i] == again[i]
				differ = differ || got[i] != other[i]
			}
			if !same || !differ {
				t.Fatalf("the draws do not come from the router's source (same seed alike: %v, other seed differs: %v)", same, differ)
			}
		})
	}

	// A service decides once per request it serves, in its route filter
	// (its own rule has a gray condition here: one draw); the calls made
	// while serving it draw nothing and follow the served request's lane.
	src := &countingRand{r: rand.New(rand.NewPCG(1, 7))}
	self := switchyard.Instance{Service: "a", Group: "g", Version: "1.0", Host: "10.0.0.5", Port: 5}
	svc := newRouter(t, dataplane.RouterConfig{Self: self, Rand: src, Propagate: rule.PropagateSwitches{CoreTransmission: true}}, gray, svc10, svc11)
	in := httptest.NewRequest("GET", "/x", nil)
	in.Header.Set("n-d-version", `{"svc":"1.1"}`)
	header := in.Header.Clone()
	d := svc.Filter(rule.HTTPRequest{R: in}, header)
	if src.draws != 1 {
		t.Fatalf("the service's route filter drew %d times; its own rule has one gray dimension", src.draws)
	}
	for range 10 {
		_, target, err := svc.Route(&dataplane.Hop{Provider: "svc", Decision: &d, In: header, Out: http.Header{}})
		if err != nil || target.Instance().Version != "1.1" {
			t.Fatalf("the call ignored the lane of the header: %v %v", target, err)
		}
	}
	if src.draws != 1 {
		t.Fatalf("calls made while serving a request drew again (%d draws)", src.draws)
	}
}

// TestRouterServiceContextRoutes: a service's route filter stamps its own
// rule onto the served request's n-d-* headers (replacing them with service
// header priority, else only filling what is missing); its calls pick by
// those headers, else by its own decision, and propagate what they picked by.
func TestRouterServiceContextRoutes(t *testing.T) {
	const strategy = `<rule><strategy><version>{"svc":"1.0"}</version></strategy></rule>`
	const inner = `<rule><strategy-release><header>{"n-d-version":"1.1"}</header></strategy-release></rule>`
	self := switchyard.Instance{Service: "a", Group: "g", Version: "1.0", Host: "10.0.0.5", Port: 5}
	for _, tt := range []struct {
		name       string
		text       string
		priority   bool
		incoming   string // n-d-version of the served request
		want       string
		propagated string
	}{
		{"the served request's header wins without priority", strategy, false, `{"svc":"1.1"}`, "1.1", `{"svc":"1.1"}`},
		{"the own rule replaces it with priority", strategy, true, `{"svc":"1.1"}`, "1.0", `{"svc":"1.0"}`},
		{"no header: the own decision", strategy, false, "", "1.0", `{"svc":"1.0"}`},
		{"service header priority: the inner header first", inner, true, "1.0", "1.1", "1.1"},
		{"no priority: the header before the inner header", inner, false, "1.0", "1.0", "1.0"},
		{"no rule, no header: round robin from the first", "", false, "", "1.0", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRouter(t, dataplane.RouterConfig{Self: self, ServiceHeaderPriority: tt.priority, Propagate: rule.PropagateSwitches{CoreTransmission: true}}, tt.text, svc10, svc11)
			served := httptest.NewRequest("GET", "/x", nil)
			if tt.incoming != "" {
				served.Header.Set("n-d-version", tt.incoming)
			}
			in := served.Header.Clone()
			d := r.Filter(rule.HTTPRequest{R: served}, in)
			out := http.Header{}
			routes, target, err := r.Route(&dataplane.Hop{Provider: "svc", Decision: &d, In: in, Out: out})
			if err != nil {
				t.Fatalf("context n-d-version %q: %v", routes.Get(rule.HeaderVersion), err)
			}
			if v := target.Instance().Version; v != tt.want {
				t.Fatalf("picked %s (context n-d-version %q), want %s", v, routes.Get(rule.HeaderVersion), tt.want)
			}
			if v := out.Get("n-d-version"); v != tt.propagated {
				t.Errorf("propagated n-d-version %q, want %q", v, tt.propagated)
			}
			if v := out.Get("n-d-service-id"); v != "a" {
				t.Errorf("n-d-service-id = %q, want the caller's own id", v)
			}
		})
	}
}

// TestRouterNoAllowedInstance: no instance registered, or none the rule
// allows, is an unavailable error with the reason the console shows — never
// a fallback to an excluded instance.
func TestRouterNoAllowedInstance(t *testing.T) {
	const pin = `<rule><strategy><version>{"svc":"9.9"}</version></strategy></rule>`
	for _, tt := range []struct {
		name, text, provider, reason string
	}{
		{"nothing registered", "", "nobody", "instance.none"},
		{"the rule allows none", pin, "svc", "instance.filtered"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := entry(t, rule.DefaultGatewaySwitches(), tt.text)
			req := httptest.NewRequest("GET", "/x", nil)
			_, target, err := r.Route(&dataplane.Hop{Provider: tt.provider, Request: rule.HTTPRequest{R: req}, Out: req.Header})
			var e *switchyard.Error
			if !errors.As(err, &e) || e.Code != switchyard.CodeUnavailable || e.Reason != tt.reason {
				t.Fatalf("target %v, err %v; want unavailable with reason %s", target, err, tt.reason)
			}
		})
	}
}

// TestRouterOwnInstance: a service calling its own service id may be picked
// itself (its instance is a candidate like any other), and consumer
// isolation keeps calls in its own group; its identity is stamped from the
// instance it was built with.
func TestRouterOwnInstance(t *testing.T) {
	self := svc10
	other := switchyard.Instance{Service: "svc", Group: "other", Version: "1.0", Host: "10.0.0.3", Port: 3}
	for _, tt := range []struct {
		name      string
		opts      rule.Options
		wantHosts map[string]bool
	}{
		{"the own instance is a candidate", rule.Options{}, map[string]bool{"10.0.0.1": true, "10.0.0.2": true, "10.0.0.3": true}},
		{"consumer isolation keeps the own group", rule.Options{ConsumerIsolation: true}, map[string]bool{"10.0.0.1": true, "10.0.0.2": true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRouter(t, dataplane.RouterConfig{Self: self, Options: tt.opts, Propagate: rule.PropagateSwitches{CoreTransmission: true}}, "", self, svc11, other)
			seen := map[string]bool{}
			for range 9 {
				out := http.Header{}
				_, target, err := r.Route(&dataplane.Hop{Provider: "svc", Request: rule.MapRequest{}, Out: out})
				if err != nil {
					t.Fatal(err)
				}
				seen[target.Instance().Host] = true
				if got := out.Get("n-d-service-address"); got != "10.0.0.1:1" {
					t.Fatalf("n-d-service-address = %q, want the own instance's", got)
				}
			}
			if len(seen) != len(tt.wantHosts) {
				t.Fatalf("picked %v, want %v", seen, tt.wantHosts)
			}
			for h := range seen {
				if !tt.wantHosts[h] {
					t.Fatalf("picked %v, want %v", seen, tt.wantHosts)
				}
			}
		})
	}
}

// BenchmarkRouterEntry is the gateway's hop without the network: decide,
// stamp, context routes, pick.
func BenchmarkRouterEntry(b *testing.B) {
	r := newRouter(b, dataplane.RouterConfig{Self: gatewaySelf, Entry: true, Gateway: rule.DefaultGatewaySwitches()}, blueGreen, svc10, svc11)
	req := httptest.NewRequest("GET", "/x", nil)
	req.Header.Set("a", "1")
	b.ReportAllocs()
	for b.Loop() {
		h := req.Header.Clone()
		if _, _, err := r.Route(&dataplane.Hop{Provider: "svc", Request: rule.HTTPRequest{R: req}, Out: h}); err != nil {
			b.Fatal(err)
		}
	}
}
