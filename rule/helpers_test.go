package rule

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestServiceValue(t *testing.T) {
	tests := []struct{ name, value, service, want string }{
		{"json entry", `{"a":"1.0;1.1", "b":"1.0"}`, "a", "1.0;1.1"},
		{"json missing key is no constraint", `{"a":"1.0"}`, "c", ""},
		{"json null is no constraint", `{"a":null}`, "a", ""},
		{"plain value applies to all", "1.0;1.1", "a", "1.0;1.1"},
		{"malformed json is taken raw", `{"a":"1.0"`, "a", `{"a":"1.0"`},
		{"non-string entry is taken raw", `{"a":1.0}`, "a", `{"a":1.0}`},
		{"non-string other entry is fine", `{"a":"1.0","b":1}`, "a", "1.0"},
		{"last duplicate wins", `{"a":"1.0","a":"2.0"}`, "a", "2.0"},
		{"escaped value", `{"a":"1.0\u003b1.1"}`, "a", "1.0;1.1"},
		{"trailing text ignored like Jackson", `{"a":"1.0"} x`, "a", "1.0"},
		{"array is taken raw", `["a"]`, "a", `["a"]`},
		{"empty", "", "a", ""},
	}
	for _, tt := range tests {
		if got := ServiceValue(tt.value, tt.service); got != tt.want {
			t.Errorf("%s: ServiceValue(%q, %q) = %q, want %q", tt.name, tt.value, tt.service, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ServiceValue(`{"svc-a":"1.0;1.1", "svc-b":"1.0"}`, "svc-b") }); n != 0 {
		t.Errorf("ServiceValue allocates %v times", n)
	}
}

func TestAntMatch(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"*0", "1.0", true}, {"?.0", "1.0", true}, {"?.0", "1.1", false}, {"d*", "dev", true}, {"?e?", "dev", true},
		{"3*2", "3002", true}, {"4??1", "4001", true}, {"4??1", "401", false}, {"*", "", false}, {"2022*", "20220920-1", true},
		{"a/**/c", "a/b/x/c", true}, {"a/*/c", "a/b/x/c", false}, {"/a/*", "a/b", false}, {"**", "a/b", true}, {"a?", "a\n", false},
	}
	for _, tt := range tests {
		if got := AntMatch(tt.pattern, tt.path); got != tt.want {
			t.Errorf("AntMatch(%q, %q) = %t, want %t", tt.pattern, tt.path, got, tt.want)
		}
	}
	if !MatchList("1.0;1.1", "1.1") || MatchList("1.0;;", "") || !MatchList("x;*1", "1.1") {
		t.Error("MatchList")
	}
	if !MatchAddress("127.0.0.1:3001", "127.0.0.1", 3001) || !MatchAddress("3001", "h", 3001) || !MatchAddress("*.1", "10.0.0.1", 9) || MatchAddress("4*1", "h", 3001) {
		t.Error("MatchAddress")
	}
	if n := testing.AllocsPerRun(100, func() { MatchAddress("3*2;4??1", "192.168.0.1", 4001) }); n != 0 {
		t.Errorf("MatchAddress allocates %v times", n)
	}
}

func TestHTTPRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/x?a=1&b=two+words&a=3&c=%41", nil)
	r.Header.Set("Cookie", "user=zhangsan; Path=/; theme=\"dark\"")
	r.Header["lower-case"] = []string{"v"}
	req := HTTPRequest{R: r}
	for _, c := range []struct{ got, want string }{
		{req.Param("a"), "1"}, {req.Param("b"), "two words"}, {req.Param("c"), "A"}, {req.Param("z"), ""},
		{req.Cookie("user"), "zhangsan"}, {req.Cookie("theme"), "dark"}, {req.Cookie("Path"), "/"},
		{req.Header("Cookie"), "user=zhangsan; Path=/; theme=\"dark\""}, {req.Header("Lower-Case"), "v"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { req.Param("a"); req.Cookie("theme"); req.Header("Cookie") }); n != 0 {
		t.Errorf("HTTPRequest allocates %v times", n)
	}
}

func TestGatewayStamping(t *testing.T) {
	c, err := Compile(mustRule(t, wrap(`<strategy><version>1.0</version></strategy><strategy-release><header>{"x":"1"}</header></strategy-release>`)))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Decide(nil, nil)
	incoming := func() http.Header {
		return http.Header{"N-D-Version": {"2.0"}, "N-D-Region": {"qa"}}
	}
	tests := []struct {
		name                        string
		sw                          GatewaySwitches
		version, region, innerValue string
	}{
		{"priority replaces, ignored removes", DefaultGatewaySwitches(), "1.0", "", "1"},
		{"priority keeps uncomputed when not ignored", GatewaySwitches{HeaderPriority: true, CoreTransmission: true}, "1.0", "qa", "1"},
		{"no priority keeps incoming", GatewaySwitches{OriginalHeaderIgnored: true, CoreTransmission: true}, "2.0", "qa", "1"},
		{"no transmission removes core headers", GatewaySwitches{HeaderPriority: true}, "", "", ""},
	}
	for _, tt := range tests {
		h := incoming()
		StampGateway(h, &d, c, &Instance{Service: "gw", Group: "g", Host: "h", Port: 1}, tt.sw)
		if h.Get("n-d-version") != tt.version || h.Get("n-d-region") != tt.region || h.Get("x") != tt.innerValue || h.Get("n-d-service-group") != "g" {
			t.Errorf("%s: headers %v", tt.name, h)
		}
	}
	out := http.Header{}
	Propagate(out, http.Header{"N-D-Version": {"2.0"}, "N-D-Service-Id": {"up"}, "User": {"z"}, "Other": {"o"}}, &Instance{Service: "a", Version: "1.1", Host: "h", Port: 2}, &d,
		PropagateSwitches{CoreTransmission: true, ContextHeaders: []string{"user"}})
	if out.Get("n-d-version") != "2.0" || out.Get("n-d-service-id") != "a" || out.Get("n-d-service-version") != "1.1" || out.Get("user") != "z" || out.Get("other") != "" {
		t.Errorf("propagated %v", out)
	}
}

func TestAssemble(t *testing.T) {
	partial := &Rule{Strategy: &Strategy{Version: "1.1"}}
	global := &Rule{Strategy: &Strategy{Version: "1.0"}, StrategyBlacklist: &StrategyBlacklist{Address: "3001"}}
	r := Assemble(partial, global)
	if r.Strategy.Version != "1.1" || r.StrategyBlacklist.Address != "3001" || Assemble(nil, nil).Strategy != nil {
		t.Errorf("assembled %+v", r)
	}
}

// TestSelectSwitches covers the failover and prefer switches of §4.3.
func TestSelectSwitches(t *testing.T) {
	insts := []Instance{
		{Service: "b", Version: "1.0", Region: "dev", Env: "env1", Zone: "z1", Host: "10.0.0.1", Port: 1},
		{Service: "b", Version: "1.1", Region: "qa", Env: "common", Zone: "z2", Host: "10.0.0.2", Port: 2, Active: true},
	}
	routes := func(kv ...any) Routes {
		var r Routes
		for i := 0; i < len(kv); i += 2 {
			r[kv[i].(RouteHeader)] = kv[i+1].(string)
		}
		return r
	}
	tests := []struct {
		name    string
		routes  Routes
		opts    Options
		self    Instance
		want    []int
		wantErr error
	}{
		{"version none matches", routes(HeaderVersion, "2.0"), Options{}, Instance{}, nil, ErrNoInstance},
		{"version failover to listed", routes(HeaderVersion, "2.0", HeaderVersionFailover, "1.1"), Options{VersionFailover: true}, Instance{}, []int{1}, nil},
		{"version failover to stable", routes(HeaderVersion, "2.0"), Options{VersionFailover: true, VersionFailoverStable: true}, Instance{}, []int{0}, nil},
		{"version failover to all", routes(HeaderVersion, "2.0"), Options{VersionFailover: true}, Instance{}, []int{0, 1}, nil},
		{"version prefer oldest", Routes{}, Options{VersionPrefer: true}, Instance{}, []int{0}, nil},
		{"version prefer listed", routes(HeaderVersionPrefer, `{"b":"1.1"}`), Options{VersionPrefer: true}, Instance{}, []int{1}, nil},
		{"region failover skips active", routes(HeaderRegion, "eu", HeaderRegionFailover, "qa;dev"), Options{RegionFailover: true}, Instance{}, []int{0}, nil},
		{"region transfer", routes(HeaderRegionTransfer, "qa"), Options{RegionTransfer: true}, Instance{}, []int{1}, nil},
		{"region transfer missing", Routes{}, Options{RegionTransfer: true}, Instance{}, nil, ErrRegionTransferMissing},
		{"env found", routes(HeaderEnv, "env1"), Options{}, Instance{}, []int{0}, nil},
		{"env failover to common", routes(HeaderEnv, "env9"), Options{EnvFailover: true}, Instance{}, []int{1}, nil},
		{"zone affinity", Routes{}, Options{ZoneAffinity: true}, Instance{Zone: "z2"}, []int{1}, nil},
		{"zone failover", routes(HeaderZoneFailover, "z1"), Options{ZoneAffinity: true, ZoneFailover: true}, Instance{Zone: "z9"}, []int{0}, nil},
		{"address failover", routes(HeaderAddress, "9999", HeaderAddressFailover, "*.2"), Options{AddressFailover: true}, Instance{}, []int{1}, nil},
		{"id blacklist wildcard", routes(HeaderIDBlacklist, "2022*"), Options{}, Instance{}, []int{1}, nil},
		{"group isolation", Routes{}, Options{ConsumerIsolation: true}, Instance{Group: "other"}, nil, ErrNoInstance},
	}
	insts[0].ID = "20220920-1"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			self := tt.self
			sel, err := Select(&Hop{Routes: tt.routes, Self: &self, Provider: "b", Options: tt.opts}, insts, nil)
			if !errors.Is(err, tt.wantErr) || (err == nil && !slices.Equal(sel.Eligible, tt.want)) {
				t.Fatalf("eligible %v, err %v; want %v, %v", sel.Eligible, err, tt.want, tt.wantErr)
			}
		})
	}
}
