package rule

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// scanNames are variable names for the scan tests: plain, escaped forms,
// the empty name and enough of them to use the map of varIndex too.
var scanNames = []string{"a", "b", "a b", "a=", "", "x", "é", "a+b", "user", "Region", strings.Repeat("k", 130)}

// scanned runs scan over a Wanted for names (distinct, as a rule's
// symbols are) and returns what it kept.
func scanned(names []string, scan func(*Wanted)) []string {
	x := newVarIndex(names)
	var w Wanted
	w.reset(&x)
	scan(&w)
	out := make([]string, len(names))
	for i := range names {
		out[i] = w.get(i)
	}
	return out
}

func checkParams(t *testing.T, names []string, rawQuery string) {
	t.Helper()
	req := HTTPRequest{R: httptest.NewRequest("GET", "/", nil)}
	req.R.URL.RawQuery = rawQuery
	got := scanned(names, req.ScanParams)
	for i, n := range names {
		if want := req.Param(n); got[i] != want {
			t.Errorf("query %q: ScanParams gives %q = %q, Param %q", rawQuery, n, got[i], want)
		}
	}
}

func TestScanParamsIsParam(t *testing.T) {
	long := strings.Repeat("k", 130)
	queries := []string{
		"", "a", "a=", "=x", "a=1&a=2", "a=&a=2", "a%3D=1", "a+b=1", "a%20b=1", "a%2Bb=2", "a%zz=1&a=3", "b=%zz", "b=%41+c",
		"&&a=1", "a=1&", "x=1;a=2", "a==1", "a=1=2", "%C3%A9=e", "é=raw", "%=1&a=4", "a%=1", "b=%4", "b=%",
		long + "=1", strings.Repeat("%6B", 130) + "=2", "user=u1&Region=north&user=u2", "A=1&a=2",
	}
	for _, names := range [][]string{scanNames, scanNames[:4]} {
		for _, q := range queries {
			checkParams(t, names, q)
		}
	}
}

func checkCookies(t *testing.T, names []string, lines ...string) {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header["Cookie"] = lines
	req := HTTPRequest{R: r}
	got := scanned(names, req.ScanCookies)
	for i, n := range names {
		if want := req.Cookie(n); got[i] != want {
			t.Errorf("cookies %q: ScanCookies gives %q = %q, Cookie %q", lines, n, got[i], want)
		}
	}
}

func TestScanCookiesIsCookie(t *testing.T) {
	cases := [][]string{
		nil, {""}, {"a=1"}, {"a=1; a=2"}, {" a = 1 ; b=2"}, {`a="x"`}, {`a="`}, {`a=""`}, {"a"}, {"a; a=3"},
		{"a=1", "a=2; b=3"}, {"\u00a0a=1"}, {"a=\u00a0v\u00a0"}, {"=x; a b=sp"}, {"user=u; Region=r; user=v"},
		{";;a=1;"}, {"b=1; x=2", "a=3"}, {"é=1"},
	}
	for _, names := range [][]string{scanNames, scanNames[:4]} {
		for _, lines := range cases {
			checkCookies(t, names, lines...)
		}
	}
}

func FuzzScanParams(f *testing.F) {
	f.Add("a=1&b=%41&a=2", "a")
	f.Add("a+b=1&a%20b=2", "a b")
	f.Fuzz(func(t *testing.T, q, name string) {
		checkParams(t, distinct(name, "a", "b"), q)
		checkParams(t, distinct(append([]string{name}, scanNames...)...), q)
	})
}

func FuzzScanCookies(f *testing.F) {
	f.Add("a=1; b=\"2\"; a=3", "a")
	f.Fuzz(func(t *testing.T, line, name string) {
		checkCookies(t, distinct(name, "a", "b"), line)
		checkCookies(t, distinct(append([]string{name}, scanNames...)...), line, line)
	})
}

// distinct drops repeated names.
func distinct(names ...string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// TestDecideScansLikeLookups: deciding through the scans of HTTPRequest
// gives what deciding through Param, Cookie and Header name by name gives.
func TestDecideScansLikeLookups(t *testing.T) {
	c := decisionRule(t, 10)
	rnd := rand.New(rand.NewPCG(3, 4))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	for i := range 2000 {
		q := fmt.Sprintf("%s=%s&%s=%s", pick("region", "user", "a", "x", "re%67ion"), pick("x", "dev", " ", "u3", "%75%33", "1"),
			pick("user", "a", "q", "region"), pick("u1", "", "1", "x"))
		r := httptest.NewRequest("GET", "/", nil)
		r.URL.RawQuery = q
		r.Header["Cookie"] = []string{fmt.Sprintf("%s=%s; %s=%s", pick("user", "a", "s"), pick("u2", " ", "1"), pick("region", "a"), pick("x", "north", ""))}
		for _, k := range []string{pick("User", "user", "USER", "X"), pick("Region", "region", "A", "a", "Y")} {
			r.Header[k] = append(r.Header[k], pick("u5", "x", "1", "", " "))
		}
		fast := c.Decide(HTTPRequest{R: r}, rand.New(rand.NewPCG(uint64(i), 1)))
		slow := c.Decide(plainRequest{HTTPRequest{R: r}}, rand.New(rand.NewPCG(uint64(i), 1)))
		if fast != slow {
			t.Fatalf("query %q, headers %q: scans decide %+v, lookups %+v", q, r.Header, fast.Steps, slow.Steps)
		}
	}
}

// plainRequest hides the Scanner of a request and that it is an
// HTTPRequest, so that Decide looks every name up on its own.
type plainRequest struct{ r Request }

func (p plainRequest) Param(name string) string  { return p.r.Param(name) }
func (p plainRequest) Cookie(name string) string { return p.r.Cookie(name) }
func (p plainRequest) Header(name string) string { return p.r.Header(name) }

// TestHeaderIsHTTPRequestHeader: the evaluator's header lookups (the
// canonical name until one misses, then one walk of the map for all) give
// what HTTPRequest.Header gives, in any order.
func TestHeaderIsHTTPRequestHeader(t *testing.T) {
	names := []string{"user", "Region", "a b", "x_y", "n-d-version", "é", "long-" + strings.Repeat("z", 70)}
	many := http.Header{}
	for i := range 12 {
		many[fmt.Sprintf("region%c", 'a'+i)] = []string{"v"}
	}
	many["rEGION"] = []string{"many"}
	tests := []struct {
		name   string
		header http.Header
	}{
		{"empty", http.Header{}},
		{"canonical", http.Header{"User": {"u"}, "Region": {"r"}, "N-D-Version": {"1.0"}}},
		{"other spellings", http.Header{"user": {"u"}, "REGION": {"r"}, "n-d-version": {"1.0"}, "A B": {"sp"}, "X_y": {"under"}}},
		{"canonical wins", http.Header{"User": {"canonical"}, "user": {"other"}, "USER": {"other"}, "uSER": {"other"}, "usER": {"other"}}},
		{"empty values", http.Header{"User": {}, "uSer": {"other"}, "Region": nil}},
		{"non-ASCII", http.Header{"é": {"e"}, "É": {"E"}}},
		{"long", http.Header{"LONG-" + strings.Repeat("Z", 70): {"l"}}},
		{"many spellings", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header = tt.header
			c := &Compiled{vars: newVarIndex(names)}
			for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {1, 0, 3, 2, 5, 4, 6}} {
				e := &evaluator{}
				e.reset(c, HTTPRequest{R: r})
				for _, slot := range order {
					n := c.vars.canon[slot]
					if got, want := e.header(slot), (HTTPRequest{R: r}).Header(n); got != want {
						t.Errorf("%s (order %v): evaluator %q, HTTPRequest %q", n, order, got, want)
					}
				}
			}
		})
	}
}

// TestContextRoutesWalkIsLookup: walking a small HTTPHeader reads the same
// route headers as looking each up.
func TestContextRoutesWalkIsLookup(t *testing.T) {
	c := decisionRule(t, 1)
	d := c.Decide(nil, nil)
	small := http.Header{"N-D-Version": {"2.0"}, "n-d-region": {"lower"}, "N-D-Env": {"qa"}, "N-D-Zone-Failover": {}, "N-D-Versionx": {"no"}, "X": {"y"}}
	large := small.Clone()
	for i := range walkHeaders {
		large[fmt.Sprintf("X-%d", i)] = []string{"v"}
	}
	large["N-D-Address-Blacklist"] = []string{"1.2.3.4"}
	for _, h := range []http.Header{small, large, {}, nil} {
		for _, innerFirst := range []bool{false, true} {
			got := c.ContextRoutes(HTTPHeader(h), &d, innerFirst)
			want := c.ContextRoutes(lookupHeader(h), &d, innerFirst)
			if got != want {
				t.Errorf("headers %v: walk %q, lookups %q", h, got, want)
			}
		}
	}
	for rh := range numRouteHeaders {
		if routeHeaderOf(rh.CanonicalName()) != rh {
			t.Errorf("routeHeaderOf(%q) = %v", rh.CanonicalName(), routeHeaderOf(rh.CanonicalName()))
		}
	}
}

// lookupHeader is an HTTPHeader that ContextRoutes can only look into.
type lookupHeader http.Header

func (h lookupHeader) Get(name string) string { return HTTPHeader(h).Get(name) }

func TestLiteralListIsMatchList(t *testing.T) {
	lists := []string{"1.0", "1.0;1.1", ";1.0;;", "a\nb", "1.0/", "v1", "é", "1.*", "1.?", "a/b", "**", ""}
	values := []string{"1.0", "1.1", "", "1.0/", "/1.0", "1.0//", "a\nb", "a/b", "\xff", "é", "1.x", "v1", "V1"}
	for _, l := range lists {
		s := selector{}
		s.vals[HeaderVersion], s.kind[HeaderVersion] = l, listKindOf(l)
		for _, v := range values {
			if literalList(l) && InList(l, v) != MatchList(l, v) {
				t.Errorf("%q is literal, but InList(%q) = %v and MatchList = %v", l, v, InList(l, v), MatchList(l, v))
			}
			if got, want := s.match(HeaderVersion, v), MatchList(l, v); got != want {
				t.Errorf("%q (kind %d) matches %q: %v, MatchList %v", l, s.kind[HeaderVersion], v, got, want)
			}
		}
	}
}

func FuzzLiteralList(f *testing.F) {
	f.Add("1.0;1.1", "1.0/")
	f.Fuzz(func(t *testing.T, list, value string) {
		s := selector{}
		s.vals[HeaderVersion], s.kind[HeaderVersion] = list, listKindOf(list)
		if got, want := s.match(HeaderVersion, value), MatchList(list, value); got != want {
			t.Errorf("%q (kind %d) matches %q: %v, MatchList %v", list, s.kind[HeaderVersion], value, got, want)
		}
	})
}

// TestResolvedIsServiceValue: the route values a rule resolves once give
// every service what ServiceValue gives it.
func TestResolvedIsServiceValue(t *testing.T) {
	values := []string{
		`{"svc-a":"1.0", "svc-b":"1.1"}`, `{"a":"1","a":"2"}`, `{"a":null}`, `{"a":1}`, `{"a":"1","a":2}`, `{}`, ` { "a" : "x\"y" } `,
		`{"a":"1",`, `{"a":"1"} trailing`, `{"a"}`, `{"a":[1,{"b":"c"}],"b":"d"}`, `1.0;1.1`, `plain`, `{"a\u0062":"esc"}`, `[1]`, `{"":"empty"}`,
	}
	services := []string{"svc-a", "svc-b", "a", "b", "ab", "", "c", "x"}
	for n := range []int{0, 1} {
		var x resolvedValues
		for _, v := range values {
			x.add(v)
		}
		for i := range 2 * manyValues * n { // past manyValues, values are found through the map
			x.add(fmt.Sprintf(`{"k%d":"v"}`, i))
		}
		c := &Compiled{resolved: x}
		for _, v := range values {
			if r := x.find(v); r == nil && !strings.Contains(v, `\u`) {
				t.Errorf("%s is not resolved", v)
			}
			if r := x.find(strings.Clone(v)); r != nil {
				t.Errorf("a copy of %s is found", v)
			}
			for _, s := range append(services, strings.Repeat("\x00", len(v)+1)) {
				if got, want := c.serviceValue(v, s), ServiceValue(v, s); got != want {
					t.Errorf("%s for %q: resolved %q, ServiceValue %q", v, s, got, want)
				}
			}
		}
	}
}

func FuzzResolved(f *testing.F) {
	f.Add(`{"svc-a":"1.0","svc-b":null,"svc-a":2}`, "svc-a")
	f.Fuzz(func(t *testing.T, value, service string) {
		var x resolvedValues
		x.add(value)
		c := &Compiled{resolved: x}
		if got, want := c.serviceValue(value, service), ServiceValue(value, service); got != want {
			t.Errorf("%q for %q: resolved %q, ServiceValue %q", value, service, got, want)
		}
	})
}

// TestGuardIndexIsLinear: deciding through the guards and their index
// gives what evaluating every condition in order gives.
func TestGuardIndexIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rule><strategy-release><conditions type="blue-green">`)
	exprs := []string{
		"#H['user'] == 'u%d' and #H['region'] != 'x'", "#H['user'] == 'u%d'", "'u%d' == #H['user'] and #H['a'] == '1'",
		"#H['region'] == 'r%d'", "#H['user'] != 'u%d' and #H['a'] == '2'", "#H['a'] matches '%d'", "#H['user'] == 'u1' or #H['a'] == '%d'",
	}
	for i := range 60 {
		expr := fmt.Sprintf(exprs[i%len(exprs)], i%4)
		fmt.Fprintf(&b, `<condition id="c%d" expression="%s" version-id="r%d" region-id="g%d"/>`, i, expr, i%3, i%2)
		if i == 40 {
			b.WriteString(`<condition id="basic" region-id="g1"/>`)
		}
	}
	b.WriteString(`</conditions><conditions type="gray">`)
	for i := range 20 {
		fmt.Fprintf(&b, `<condition id="h%d" expression="#H['user'] == 'u%d'" version-id="r0=50;r1=50"/>`, i, i%5)
	}
	b.WriteString(`</conditions><routes>`)
	for i := range 3 {
		fmt.Fprintf(&b, `<route id="r%d" type="version">1.%d</route><route id="g%d" type="region">z%d</route>`, i, i, i, i)
	}
	b.WriteString(`</routes></strategy-release></rule>`)
	c, err := Compile(mustRule(t, b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if c.byDim[DimVersion].index == nil || c.grayConds.index == nil {
		t.Fatal("the rule is not indexed")
	}
	linear := *c // every condition tested in order, without guards
	plain := func(cs candidates) candidates {
		cs.index, cs.list = nil, slices.Clone(cs.list)
		for i := range cs.list {
			cs.list[i].guard = guard{}
		}
		return cs
	}
	for d := range linear.byDim {
		linear.byDim[d] = plain(linear.byDim[d])
	}
	linear.grayConds = plain(linear.grayConds)
	rnd := rand.New(rand.NewPCG(5, 6))
	pick := func(s ...string) string { return s[rnd.IntN(len(s))] }
	for range 3000 {
		req := MapRequest{Headers: map[string]string{}}
		for _, k := range []string{"user", "region", "a"} {
			if v := pick("", "u0", "u1", "u3", "u6", "r2", "x", "1", "2", "3"); v != "" {
				req.Headers[k] = v
			}
		}
		seed := rnd.Uint64()
		got, want := c.Decide(req, rand.New(rand.NewPCG(seed, 0))), linear.Decide(req, rand.New(rand.NewPCG(seed, 0)))
		if got != want {
			t.Fatalf("%v: indexed %+v, linear %+v", req.Headers, got.Steps, want.Steps)
		}
	}
}

// TestDecideConcurrent: one compiled rule decides for many goroutines at
// once (pooled evaluators, shared indexes) as it does for one.
func TestDecideConcurrent(t *testing.T) {
	c := decisionRule(t, 50)
	users := []string{"u1", "u17", "u49", "nobody"}
	want := make([]Decision, len(users))
	for i, u := range users {
		want[i] = c.Decide(HTTPRequest{R: decisionRequest(u)}, nil)
	}
	done := make(chan error)
	for g := range 8 {
		go func() {
			var err error
			for k := range 200 {
				i := (g + k) % len(users)
				if got := c.Decide(HTTPRequest{R: decisionRequest(users[i])}, nil); got != want[i] && err == nil {
					err = fmt.Errorf("%s: decided %+v, alone %+v", users[i], got.Steps, want[i].Steps)
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
