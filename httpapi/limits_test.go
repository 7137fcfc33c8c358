package httpapi_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi"
)

// auditSize is the sum of an entry's column lengths: what one row costs.
func auditSize(e *switchyard.AuditEntry) int {
	return len(e.ID) + len(e.Actor) + len(e.Via) + len(e.Action) + len(e.Resource) + len(e.Method) + len(e.Path) +
		len(e.Outcome) + len(e.RemoteAddr) + len(e.RequestID) + len(e.Detail) + 16
}

// dataDirSize is the bytes the test store occupies on disk (database and WAL).
func dataDirSize(t *testing.T, e *env) int64 {
	t.Helper()
	var n int64
	_ = filepath.Walk(e.dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// TestHugeLoginNameIsRefusedBeforeThrottleAndAudit is the review's attack:
// 20 anonymous logins with a 900 KB name added 55 MB to the data dir. The
// name is refused at the edge (400 naming username and the limit) and the
// audit rows stay a few hundred bytes.
func TestHugeLoginNameIsRefusedBeforeThrottleAndAudit(t *testing.T) {
	e := newEnv(t)
	before := dataDirSize(t, e)
	huge := strings.Repeat("a", 900_000)
	for i := 0; i < 20; i++ {
		for _, path := range []string{"/api/auth/login", "/api/auth/token"} {
			resp, b := e.anonymous().do("POST", path, map[string]string{"username": huge, "password": "whatever-pw"})
			d := errorOf(t, b)
			if resp.StatusCode != 400 || d.Field != "username" || !strings.Contains(d.Message, "63") || d.Params["max"] != "63" {
				t.Fatalf("%s with a 900 KB name: %d %.300s; want 400 on username naming the limit 63", path, resp.StatusCode, b)
			}
			if len(b) > 2000 {
				t.Fatalf("the refusal echoes the name: %d bytes", len(b))
			}
		}
	}
	// The throttle never saw the name: the real admin still signs in from here.
	e.login("admin", adminPassword)
	var page switchyard.AuditPage
	e.login("admin", adminPassword).must("GET", "/api/audit?limit=500", nil, 200, &page)
	total := 0
	for _, en := range page.Entries {
		if n := auditSize(en); n > 1000 {
			t.Errorf("audit row of %d bytes: %.200v", n, en)
		}
		total += auditSize(en)
	}
	if len(page.Entries) < 40 || total > 40*600 {
		t.Fatalf("%d audit rows of %d bytes in all; want the 40 refusals recorded, a few hundred bytes each", len(page.Entries), total)
	}
	grown := dataDirSize(t, e) - before
	t.Logf("40 refusals of a 900 KB name: %d audit rows, %d bytes of columns, data dir +%d bytes", len(page.Entries), total, grown)
	if grown > 2<<20 {
		t.Fatalf("the data dir grew by %d bytes", grown)
	}
}

// TestLoginNameCharacters: control characters and other shapes a stored
// name cannot have are refused before anything is recorded.
func TestLoginNameCharacters(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"\x1b[31madmin", "ad\nmin", "Admin", "", "a\x00b", "名字"} {
		resp, b := e.anonymous().do("POST", "/api/auth/login", map[string]string{"username": name, "password": "whatever-pw"})
		if d := errorOf(t, b); resp.StatusCode != 400 || d.Field != "username" {
			t.Errorf("login as %q: %d %s; want 400 on username", name, resp.StatusCode, b)
		}
	}
	resp, b := e.anonymous().do("POST", "/api/auth/token", map[string]string{"username": "admin", "password": adminPassword, "tokenName": "ci\x1b[2J"})
	if d := errorOf(t, b); resp.StatusCode != 400 || d.Field != "tokenName" {
		t.Errorf("token name with an escape: %d %s; want 400 on tokenName", resp.StatusCode, b)
	}
	resp, b = e.anonymous().do("POST", "/api/auth/login", map[string]string{"username": "admin", "password": strings.Repeat("p", 100_000)})
	if d := errorOf(t, b); resp.StatusCode != 400 || d.Field != "password" || len(b) > 2000 {
		t.Errorf("100 KB password: %d %.300s; want 400 on password", resp.StatusCode, b)
	}
}

// TestThrottledLoginsAreAuditedOncePerWindow: a guesser past the throttle
// leaves one record per window, not one per refused attempt.
func TestThrottledLoginsAreAuditedOncePerWindow(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	for i := 0; i < 5; i++ {
		c.do("POST", "/api/auth/login", map[string]string{"username": "admin", "password": "wrong"})
	}
	for i := 0; i < 50; i++ {
		if resp, _ := c.do("POST", "/api/auth/login", map[string]string{"username": "admin", "password": "wrong"}); resp.StatusCode != 429 {
			t.Fatalf("attempt %d past the throttle: %d", i, resp.StatusCode)
		}
	}
	// Another name from the same address is its own key: one more record.
	for i := 0; i < 10; i++ {
		c.do("POST", "/api/auth/token", map[string]string{"username": "nobody", "password": "wrong"})
	}
	var page switchyard.AuditPage
	admin := &client{e: e, bearer: issueAdminToken(t, e)}
	admin.must("GET", "/api/audit?limit=500&outcome=refused", nil, 200, &page)
	var throttled, failed int
	for _, en := range page.Entries {
		switch en.Status {
		case 429:
			throttled++
		case 401:
			failed++
		}
	}
	if failed != 10 || throttled != 2 {
		t.Fatalf("%d failed and %d throttled records; want the 10 failures and one throttle record per name", failed, throttled)
	}
}

func issueAdminToken(t *testing.T, e *env) string {
	t.Helper()
	it, err := e.auth.IssueToken(t.Context(), mustUser(t, e, "admin"), switchyard.TokenRequest{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return it.Secret
}

func mustUser(t *testing.T, e *env, name string) *switchyard.User {
	t.Helper()
	u, err := e.store.FindUserByName(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestRefusedAnonymousWritesStoreABoundedPath: a 600 KB path refused for
// want of a session is recorded with a bounded path and resource.
func TestRefusedAnonymousWritesStoreABoundedPath(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("x", 600_000)
	for _, path := range []string{"/api/users/" + long, "/api/groups/" + long, "/api/tokens/" + long} {
		if resp, _ := e.anonymous().do("DELETE", path, nil); resp.StatusCode != 401 {
			t.Fatalf("anonymous delete: %d", resp.StatusCode)
		}
	}
	admin := e.login("admin", adminPassword)
	admin.do("PATCH", "/api/users/"+long, map[string]any{"revision": 1})
	var page switchyard.AuditPage
	admin.must("GET", "/api/audit", nil, 200, &page)
	if len(page.Entries) < 4 {
		t.Fatalf("%d audit rows; want the refusals recorded", len(page.Entries))
	}
	for _, en := range page.Entries {
		if len(en.Path) > switchyard.AuditPathMax || len(en.Resource) > switchyard.AuditResourceMax || auditSize(en) > 4000 {
			t.Errorf("audit row of %d bytes (path %d)", auditSize(en), len(en.Path))
		}
		if strings.HasPrefix(en.Path, "/api/") && len(en.Path) > 1000 {
			t.Errorf("path stored whole")
		}
	}
	if p := page.Entries[len(page.Entries)-1].Path; !strings.Contains(p, "truncated") {
		t.Errorf("a cut path must say so: %q", p[max(0, len(p)-60):])
	}
}

// TestDefaultAuditPageIsBounded: the review's admin page of 88 MB. Whatever
// was refused, one default page stays small.
func TestDefaultAuditPageIsBounded(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("%1b[31m", 100_000)
	for i := 0; i < 60; i++ {
		e.anonymous().do("DELETE", "/api/groups/"+long, nil)
	}
	resp, b := e.login("admin", adminPassword).do("GET", "/api/audit", nil)
	t.Logf("default audit page after 60 refused 700 KB paths: %d bytes", len(b))
	if resp.StatusCode != 200 || len(b) > 250_000 {
		t.Fatalf("default audit page: %d, %d bytes", resp.StatusCode, len(b))
	}
}

// TestDuplicateNamesAreConflicts: a taken user or group name is 409, as the
// store contract says, naming the field.
func TestDuplicateNamesAreConflicts(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin", adminPassword)
	admin.must("POST", "/api/groups", switchyard.NewGroup{Name: "order-group"}, 201, nil)
	resp, b := admin.do("POST", "/api/groups", switchyard.NewGroup{Name: "order-group"})
	if d := errorOf(t, b); resp.StatusCode != 409 || d.Field != "name" || d.Reason != "group.name.taken" {
		t.Errorf("duplicate group: %d %s; want 409 group.name.taken on name", resp.StatusCode, b)
	}
	admin.must("POST", "/api/users", switchyard.NewUser{Name: "alice", Role: switchyard.RoleViewer, Password: "alice-password"}, 201, nil)
	resp, b = admin.do("POST", "/api/users", switchyard.NewUser{Name: "alice", Role: switchyard.RoleViewer, Password: "alice-password"})
	if d := errorOf(t, b); resp.StatusCode != 409 || d.Field != "name" || d.Reason != "user.name.taken" {
		t.Errorf("duplicate user: %d %s; want 409 user.name.taken on name", resp.StatusCode, b)
	}
}

// TestLoginRefusesCrossSiteBodies: a web page can make the browser POST a
// text/plain or form body to any origin without a preflight (login CSRF:
// signing the victim into the attacker's account). Every JSON route wants
// application/json, and the login refuses Sec-Fetch-Site: cross-site.
func TestLoginRefusesCrossSiteBodies(t *testing.T) {
	e := newEnv(t)
	body := `{"username":"admin","password":"` + adminPassword + `"}`
	post := func(path, contentType string, header map[string]string) (*http.Response, []byte) {
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, path := range []string{"/api/auth/login", "/api/auth/token"} {
		for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
			resp, b := post(path, ct, nil)
			if d := errorOf(t, b); resp.StatusCode != 400 || d.Reason != "body.content_type" || !strings.Contains(d.Message, "application/json") {
				t.Errorf("%s as %q: %d %s; want 400 body.content_type", path, ct, resp.StatusCode, b)
			}
			if len(resp.Cookies()) > 0 && resp.Cookies()[0].Value != "" {
				t.Errorf("%s as %q set a session cookie", path, ct)
			}
		}
		resp, b := post(path, "application/json", map[string]string{"Sec-Fetch-Site": "cross-site"})
		if d := errorOf(t, b); resp.StatusCode != 403 || d.Reason != "auth.cross_site" {
			t.Errorf("%s cross-site: %d %s; want 403 auth.cross_site", path, resp.StatusCode, b)
		}
		for _, site := range []string{"same-origin", "none", ""} {
			if resp, b := post(path, "application/json; charset=utf-8", map[string]string{"Sec-Fetch-Site": site}); resp.StatusCode/100 != 2 {
				t.Errorf("%s with Sec-Fetch-Site %q: %d %s", path, site, resp.StatusCode, b)
			}
		}
	}
	// Other JSON routes need the type too (a forged bearer-less write is
	// already refused by CSRF, but the rule is one rule).
	admin := e.login("admin", adminPassword)
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/groups", strings.NewReader(`{"name":"g1"}`))
	req.Header.Set("Content-Type", "text/plain")
	req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: admin.cookie})
	req.Header.Set(httpapi.CSRFHeader, admin.csrf)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("text/plain group create: %d", resp.StatusCode)
	}
}

// TestSlowBodyIsCutOff: the review kept a login open by sending one byte
// every 5 s. Whether the route decodes JSON, reads raw text or never reads
// the body, the connection ends within the read deadline.
func TestSlowBodyIsCutOff(t *testing.T) {
	defer httpapi.SetBodyReadTimeout(time.Second)()
	e := newEnv(t)
	token := issueAdminToken(t, e)
	for _, path := range []string{"/api/auth/login", "/nepxion/strategy/parse-version-release-yaml", "/api/auth/logout"} {
		t.Run(path, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(e.ts.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			body := strings.Repeat(" ", 40) + `{"username":"admin","password":"` + adminPassword + `"}`
			auth := ""
			if path != "/api/auth/login" {
				auth = "Authorization: Bearer " + token + "\r\n"
			}
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, auth, len(body))
			start := time.Now()
			closed := make(chan string, 1)
			go func() {
				b, _ := io.ReadAll(conn) // until the server hangs up
				closed <- string(b)
			}()
			for i := 0; i < len(body); i++ {
				if _, err := conn.Write([]byte{body[i]}); err != nil {
					break // the server hung up
				}
				select {
				case answer := <-closed:
					if took := time.Since(start); took > 3*time.Second {
						t.Fatalf("connection ended only after %v: %.200q", took, answer)
					}
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
			t.Fatalf("a body trickling 5 bytes a second kept the connection open for %v", time.Since(start))
		})
	}
}

func httptestServer(t *testing.T, h http.Handler) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestConsoleHasAContentSecurityPolicy: the console's pages carry a CSP the
// built console satisfies; API answers forbid everything.
func TestConsoleHasAContentSecurityPolicy(t *testing.T) {
	e := newEnv(t)
	e.srv.UI = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<!doctype html>") })
	ts := httptestServer(t, e.srv.Handler())
	for _, path := range []string{"/", "/releases/r1", "/assets/index.js"} {
		resp, err := http.Get(ts + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-eval") || strings.Contains(strings.SplitN(csp, "style-src", 2)[0], "unsafe-inline") {
			t.Errorf("%s: CSP %q allows inline scripts or eval", path, csp)
		}
	}
	resp, err := http.Get(ts + "/api/info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("API CSP %q", csp)
	}
}
