package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// The DiscoveryGuide's automated cases (test-cases.md §2.1 header-driven,
// §2.2 gateway-partial rules, §2.3 global-key rules) against the demo
// topology as real processes, rules pushed through the Nepxion-compatible
// console endpoint, four calls per case and 1,000 for the weighted ones.

// fourCalls are the cases asserted on each of four calls.
var fourCalls = []struct {
	name, key, file string
	r               req
	want            func(a, b hop) bool
	desc            string
}{
	{"testBlacklist2", "", "", hdr("n-d-address-blacklist", "3001;4001"), ports("3002", "4002"), "a :3002, b :4002"},
	{"testBlacklist3 wildcards", "", "", hdr("n-d-address-blacklist", "3*2;4??1"), ports("3001", "4002"), "a :3001, b :4002"},
	{"testEnv", "", "", hdr("n-d-env", "env1"), func(a, b hop) bool { return a.env == "env1" && b.env == "env1" }, "[E=env1] twice"},
	{"testVersionStrategyGray1", gwID, "discovery-strategy-version-1.xml", req{}, vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"testVersionStrategyGray2", gwID, "discovery-strategy-version-2.xml", req{}, vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"testVersionStrategyGray3 wildcards", gwID, "discovery-strategy-version-3.xml", req{}, vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"testRegionStrategyGray1", gwID, "discovery-strategy-region-1.xml", req{}, regions("dev", "dev"), "[R=dev] twice"},
	{"testRegionStrategyGray2", gwID, "discovery-strategy-region-2.xml", req{}, regions("dev", "dev"), "[R=dev] twice"},
	{"testRegionStrategyGray3 wildcards", gwID, "discovery-strategy-region-3.xml", req{}, regions("dev", "dev"), "[R=dev] twice"},
	{"testStrategyBlueGreen1", gwID, "discovery-strategy-blue-green.xml", req{}, vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"testStrategyBlueGreen2", gwID, "discovery-strategy-blue-green.xml", hdr("a", "1"), vers("1.0", "1.1"), "a=1.0 b=1.1"},
	{"testStrategyBlueGreen3", gwID, "discovery-strategy-blue-green.xml", hdr("a", "1", "b", "2"), vers("1.1", "1.1"), "a=1.1 b=1.1"},
	{"testStrategyBlueGreenHeader1", gwID, "discovery-strategy-blue-green-header-1.xml", req{}, vers("1.0", "1.1"), "a=1.0 b=1.1"},
	{"testStrategyBlueGreenHeader2", gwID, "discovery-strategy-blue-green-header-2.xml", req{}, vers("1.1", "1.1"), "a=1.1 b=1.1"},
	{"testStrategyBlueGreenHeader3", gwID, "discovery-strategy-blue-green-header-3.xml", req{}, vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"testStrategyBlueGreenHeaderParameterCookie", gwID, "discovery-strategy-blue-green-header-parameter-cookie.xml",
		req{params: map[string]string{"a": "1"}, cookies: map[string]string{"b": "2"}, headers: map[string]string{"c": "3"}}, vers("1.1", "1.1"), "a=1.1 b=1.1"},
	{"testStrategyAll1Test1", gwID, "discovery-strategy-all.xml", hdr("a", "0"), vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"testStrategyAll1Test2", gwID, "discovery-strategy-all.xml", hdr("a", "1"), vers("1.1", "1.1"), "a=1.1 b=1.1"},
	{"testStrategyGray2", gwID, "discovery-strategy-gray-2.xml", req{}, vers("1.0", "1.0"), "a=1.0 b=1.0"},
	{"global discovery-rule-version", group, "discovery-rule-version.xml", req{}, func(a, b hop) bool { return a.version == b.version }, "b's version follows a's"},
	{"global discovery-rule-region", group, "discovery-rule-region.xml", req{}, func(a, b hop) bool { return a.region == b.region }, "b's region follows a's"},
	{"global strategy-blacklist", group, "discovery-strategy-blacklist.xml", req{}, ports("3002", "4002"), "a :3002, b :4002"},
}

func vers(a, b string) func(hop, hop) bool {
	return func(x, y hop) bool { return x.version == a && y.version == b }
}
func regions(a, b string) func(hop, hop) bool {
	return func(x, y hop) bool { return x.region == a && y.region == b }
}
func ports(a, b string) func(hop, hop) bool {
	return func(x, y hop) bool { return x.port == a && y.port == b }
}

// weighted are the cases checked over 1,000 requests.
var weighted = []struct {
	name, key, file string
	r               req
	field           func(hop) string
	chain           bool
	// expected percentages of the first key: a and b.
	key1         string
	wantA, wantB float64
}{
	{"testVersionWeightStrategyGray", gwID, "discovery-strategy-version-weight.xml", req{}, version, false, "1.0", 90, 20},
	{"testRegionWeightStrategyGray", gwID, "discovery-strategy-region-weight.xml", req{}, region, false, "dev", 85, 85},
	{"testStrategyAll2Test1", gwID, "discovery-strategy-all.xml", hdr("a", "2"), version, true, "1.0", 10, 10},
	{"testStrategyAll2Test2", gwID, "discovery-strategy-all.xml", hdr("a", "3"), version, true, "1.0", 40, 40},
	{"testStrategyAll2Test3", gwID, "discovery-strategy-all.xml", req{}, version, true, "1.0", 0, 0},
	{"testStrategyGray1", gwID, "discovery-strategy-gray-1.xml", hdr("a", "3"), version, true, "1.0", 95, 95},
	{"testStrategyGray3", gwID, "discovery-strategy-gray-2.xml", hdr("a", "1"), version, true, "1.0", 10, 10},
	{"testStrategyGray4", gwID, "discovery-strategy-gray-2.xml", hdr("a", "1", "b", "2"), version, true, "1.0", 85, 85},
	{"global discovery-rule-version-weight", group, "discovery-rule-version-weight.xml", req{}, version, false, "1.0", 75, 35},
	{"global discovery-rule-region-weight", group, "discovery-rule-region-weight.xml", req{}, region, false, "dev", 95, 95},
	{"global discovery-rule-version-composite", group, "discovery-rule-version-composite.xml", req{}, version, true, "1.0", 40, 40},
}

func TestGuideCasesThroughTheDemo(t *testing.T) {
	// The guide's own ports: its blacklists name them (3001, 4??1).
	tp := startDemo(t, 0)

	t.Run("testNoGray", func(t *testing.T) {
		tp.t = t
		for _, key := range []string{gwID, group} {
			tp.pushNepxion(key, "discovery-default.xml")
		}
		counts := map[string]int{}
		for i := 0; i < 4; i++ {
			a, b, _ := tp.call(req{})
			counts["a"+a.version]++
			counts["b"+b.version]++
		}
		for _, k := range []string{"a1.0", "a1.1", "b1.0", "b1.1"} {
			if counts[k] != 2 {
				t.Fatalf("round robin over 4 calls: %v, want 2 each", counts)
			}
		}
	})

	t.Run("test2DynamicRouteHeader", func(t *testing.T) {
		tp.t = t
		for loop := 0; loop < 5; loop++ {
			for _, v := range [][2]string{{"1.0", "1.0"}, {"1.1", "1.1"}, {"1.0", "1.1"}, {"1.1", "1.0"}} {
				h := hdr("n-d-version", `{"`+svcA+`":"`+v[0]+`", "`+svcB+`":"`+v[1]+`"}`)
				for i := 0; i < 4; i++ {
					if a, b, body := tp.call(h); a.version != v[0] || b.version != v[1] {
						t.Fatalf("n-d-version %v: got a=%s b=%s: %s", v, a.version, b.version, body)
					}
				}
			}
		}
	})

	for _, tc := range fourCalls {
		t.Run(tc.name, func(t *testing.T) {
			tp.t = t
			if tc.file != "" {
				tp.pushNepxion(tc.key, tc.file)
				defer tp.pushNepxion(tc.key, "discovery-default.xml")
			}
			for i := 0; i < 4; i++ {
				if a, b, body := tp.call(tc.r); !tc.want(a, b) {
					t.Fatalf("call %d: want %s, got a=%+v b=%+v: %s", i+1, tc.desc, a, b, body)
				}
			}
		})
	}

	for _, name := range []string{"discovery-strategy-blue-green-header-1.xml", "discovery-strategy-blue-green-header-2.xml", "discovery-strategy-blue-green-header-3.xml"} {
		want := map[string][2]string{"discovery-strategy-blue-green-header-1.xml": {"1.0", "1.1"}, "discovery-strategy-blue-green-header-2.xml": {"1.1", "1.1"}, "discovery-strategy-blue-green-header-3.xml": {"1.0", "1.0"}}[name]
		t.Run("testInspect "+name, func(t *testing.T) {
			tp.t = t
			tp.pushNepxion(gwID, name)
			defer tp.pushNepxion(gwID, "discovery-default.xml")
			for i := 0; i < 4; i++ {
				body, _ := json.Marshal(map[string]any{"serviceIdList": []string{svcB}})
				resp, err := tp.http.Post(tp.gateway+"/"+svcA+"/inspector/inspect", "application/json", bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var out struct {
					Result string `json:"result"`
				}
				if resp.StatusCode != 200 || json.Unmarshal(b, &out) != nil {
					t.Fatalf("inspect: %d %s", resp.StatusCode, b)
				}
				a, bb := segments(out.Result)
				if a.version != want[0] || bb.version != want[1] || !startsWith(out.Result, "[ID="+gwID+"]") {
					t.Fatalf("inspect result %q: want a=%s b=%s, starting with the gateway", out.Result, want[0], want[1])
				}
			}
		})
	}

	t.Run("batch push to every instance (Nepxion /config/update-sync, /config/view, /config/clear-sync)", func(t *testing.T) {
		tp.t = t
		rule := vectorText(t, "discovery-strategy-version-1.xml")
		var results []struct {
			ServiceID string `json:"serviceId"`
			Port      int    `json:"port"`
			URL       string `json:"url"`
			Result    string `json:"result"`
		}
		post := func(path, body string) {
			resp, err := tp.http.Post(tp.console+path, "text/plain", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			results = nil
			if err := json.NewDecoder(resp.Body).Decode(&results); err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
			}
		}
		post("/config/update-sync/"+gwID, rule)
		if len(results) != 1 || results[0].Result != "true" || results[0].Port != 5001 {
			t.Fatalf("update-sync results: %+v", results)
		}
		for i := 0; i < 4; i++ {
			if a, b, body := tp.call(req{}); a.version != "1.0" || b.version != "1.0" {
				t.Fatalf("after the in-memory push: %s", body)
			}
		}
		resp, err := tp.http.Get(tp.console + "/config/view/" + gwID)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&results)
		resp.Body.Close()
		var sources []string
		if len(results) != 1 || json.Unmarshal([]byte(results[0].Result), &sources) != nil || len(sources) != 3 || sources[2] != rule {
			t.Fatalf("view: %+v", results)
		}
		post("/config/clear-sync/"+gwID, "")
		if results[0].Result != "true" {
			t.Fatalf("clear-sync: %+v", results)
		}
		counts := map[string]int{}
		for i := 0; i < 4; i++ {
			a, _, _ := tp.call(req{})
			counts[a.version]++
		}
		if counts["1.1"] == 0 {
			t.Fatalf("after clear-sync the pin must be gone: %v", counts)
		}
	})

	const n = 1000
	for _, tc := range weighted {
		t.Run(tc.name, func(t *testing.T) {
			tp.t = t
			tp.pushNepxion(tc.key, tc.file)
			defer tp.pushNepxion(tc.key, "discovery-default.xml")
			a, b := tp.many(n, tc.r, tc.field, tc.chain)
			pa := within(t, "a", a, tc.key1, n, tc.wantA)
			pb := within(t, "b", b, tc.key1, n, tc.wantB)
			if tc.chain && pa != pb {
				t.Errorf("chain consistency: a %.2f%% vs b %.2f%% must be equal", pa, pb)
			}
			t.Logf("a %v, b %v", a, b)
		})
	}
}

func startsWith(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
