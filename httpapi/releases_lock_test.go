package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi"
)

// browser is a signed-in browser session: its cookie and CSRF token.
type browser struct {
	t            *testing.T
	url          string
	cookie, csrf string
}

func signIn(t *testing.T, url, name, password string) *browser {
	t.Helper()
	b := &browser{t: t, url: url}
	resp, body := b.do("POST", "/api/auth/login", `{"username":"`+name+`","password":"`+password+`"}`)
	if resp.StatusCode != 200 {
		t.Fatalf("sign in %s: %d %s", name, resp.StatusCode, body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == httpapi.SessionCookie {
			b.cookie = ck.Value
		}
	}
	var lr switchyard.LoginResponse
	if err := json.Unmarshal(body, &lr); err != nil || b.cookie == "" {
		t.Fatalf("sign in %s: %s", name, body)
	}
	b.csrf = lr.CSRFToken
	return b
}

func (b *browser) do(method, path, body string) (*http.Response, []byte) {
	b.t.Helper()
	req, _ := http.NewRequest(method, b.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: httpapi.SessionCookie, Value: b.cookie})
		req.Header.Set(httpapi.CSRFHeader, b.csrf)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

// json does a call and decodes the answer into out, failing on another status.
func (b *browser) json(method, path, body string, want int, out any) {
	b.t.Helper()
	resp, got := b.do(method, path, body)
	if resp.StatusCode != want {
		b.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, got)
	}
	if out != nil {
		if err := json.Unmarshal(got, out); err != nil {
			b.t.Fatalf("%s %s: %v: %s", method, path, err, got)
		}
	}
}

// TestReleaseLockIsPerSession: the same user signed in twice (two browsers,
// or a browser and the CLI's token) holds the lock in one of them; the
// other is told the release is being operated in another session, and its
// view says what it may not do and why. The status a page polls says
// whose the lock is; an ended release shows no holder in the table.
func TestReleaseLockIsPerSession(t *testing.T) {
	env, c := guideEnv(t)
	ctx := t.Context()
	if _, err := c["admin"].UpdateUser(ctx, "alice", switchyard.UserUpdate{DisplayName: ptr("爱丽丝"), Revision: 1}); err != nil {
		t.Fatal(err)
	}
	spec := switchyard.ReleaseSpec{Services: []string{guideA, guideB}, Sort: "version", BlueGreenEnabled: true,
		GreenExpression: "#H['user-type'] == 'normal'", BlueExpression: "#H['user-type'] == 'vip'"}
	if _, err := c["alice"].CreateRelease(ctx, switchyard.NewRelease{Name: "r", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW, Spec: spec}); err != nil {
		t.Fatal(err)
	}
	one, two := signIn(t, env.URL, "alice", "alice-password"), signIn(t, env.URL, "alice", "alice-password")
	var l switchyard.ReleaseLock
	one.json("POST", "/api/releases/r/lock", "", 200, &l)
	if l.Holder != "alice" || l.HolderName != "爱丽丝" {
		t.Fatalf("lock: %+v", l)
	}
	resp, body := two.do("POST", "/api/releases/r/lock", "")
	if d := errorOf(t, body); resp.StatusCode != 409 || d.Reason != "release.locked.session" || d.Params["holder"] != "爱丽丝" || !strings.Contains(d.Message, "in another session") {
		t.Fatalf("alice's second browser: %d %s", resp.StatusCode, body)
	}
	if strings.Contains(string(body), one.cookie) {
		t.Fatal("the refusal leaks the other session")
	}
	// The CLI signed in as alice is another session too.
	_, err := c["alice"].Operate(ctx, "r", switchyard.OperationRequest{Operation: switchyard.OpFallback})
	if e := switchyard.AsError(err); e == nil || e.Reason != "release.locked.session" {
		t.Fatalf("alice's token while her browser holds the lock: %v", err)
	}
	var v1, v2 switchyard.ReleaseView
	one.json("GET", "/api/releases/r", "", 200, &v1)
	two.json("GET", "/api/releases/r", "", 200, &v2)
	if !v1.LockedByYou || !v1.MayEdit || len(v1.AllowedOperations) != 2 || v1.Lock == nil || v1.Lock.HolderName != "爱丽丝" || v1.CreatedByName != "爱丽丝" {
		t.Fatalf("the holding browser's view: %+v", v1)
	}
	if v2.LockedByYou || v2.MayEdit || v2.MayLock || len(v2.AllowedOperations) != 0 || v2.Refusals["edit"].Reason != "release.locked.session" {
		t.Fatalf("the other browser's view: %+v", v2)
	}
	if raw := string(mustBody(t, one, "GET", "/api/releases/r")); strings.Contains(raw, "session/") || strings.Contains(raw, `"session"`) {
		t.Fatalf("the view shows the lock's session: %s", raw)
	}
	var s1, s2 switchyard.ReleaseStatus
	one.json("GET", "/api/releases/r/status", "", 200, &s1)
	two.json("GET", "/api/releases/r/status", "", 200, &s2)
	if !s1.LockedByYou || s2.LockedByYou || s2.Lock == nil || s2.Lock.Holder != "alice" || s2.Revision != v1.Revision {
		t.Fatalf("status: %+v / %+v", s1, s2)
	}
	// Giving it up from the other browser is refused; from its own, done.
	if resp, body := two.do("DELETE", "/api/releases/r/lock", ""); resp.StatusCode != 409 || errorOf(t, body).Reason != "release.locked.session" {
		t.Fatalf("unlock from the other browser: %d %s", resp.StatusCode, body)
	}
	one.json("DELETE", "/api/releases/r/lock", "", 204, nil)
	two.json("POST", "/api/releases/r/lock", "", 200, &l)
	for _, op := range []string{"fallback", "end"} {
		two.json("POST", "/api/releases/r/operations", `{"operation":"`+op+`"}`, 200, nil)
	}
	// Ended: no lock, no holder in the table, the first browser may delete it.
	list, err := c["vera"].Releases(ctx, "")
	if err != nil || len(list) != 1 || list[0].State != switchyard.StateEnded || list[0].Lock != nil {
		t.Fatalf("the table after the end: %+v, %v", list, err)
	}
	if resp, body := two.do("POST", "/api/releases/r/lock", ""); resp.StatusCode != 409 || errorOf(t, body).Reason != "release.ended" {
		t.Fatalf("a page renewing the lock of an ended release: %d %s", resp.StatusCode, body)
	}
	one.json("DELETE", "/api/releases/r", "", 204, nil)
}

// TestGrayWeightIsAnInteger: the API body's weight is an integer; 10.5,
// 1e1, "10" and 1000 are refused with a field error and nothing is
// published — never rounded or clamped.
func TestGrayWeightIsAnInteger(t *testing.T) {
	env, c := guideEnv(t)
	spec := `{"services":["` + guideA + `"],"sort":"version","grayEnabled":true,"grayConditions":[{"expression":"","weight":%s}]}`
	if _, err := c["admin"].CreateRelease(t.Context(), switchyard.NewRelease{Name: "r", Subscription: switchyard.Partial, Group: guideGroup, App: guideGW}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ weight, field, reason string }{
		{"10.5", "spec.grayConditions.weight", "field.type"},
		{"1e1", "spec.grayConditions.weight", "field.type"},
		{`"10"`, "spec.grayConditions.weight", "field.type"},
		{"-5", "spec.grayConditions[0].weight", "gray.weight.range"},
		{"101", "spec.grayConditions[0].weight", "gray.weight.range"},
		{"1000", "spec.grayConditions[0].weight", "gray.weight.range"},
	} {
		for _, path := range []string{"/api/releases/r/operations", "/api/releases/r/preview"} {
			body := `{"operation":"release","spec":` + strings.Replace(spec, "%s", tc.weight, 1) + `}`
			code, got := rawDo(t, "POST", env.URL+path, env.AdminToken, body)
			d := errorOf(t, []byte(got))
			if code != 400 || d.Field != tc.field || d.Reason != tc.reason {
				t.Errorf("weight %s to %s: %d %s; want 400 %s on %s", tc.weight, path, code, got, tc.reason, tc.field)
			}
		}
	}
	if r, _ := c["admin"].Release(t.Context(), "r"); r.State != switchyard.StateNew || r.Revision != 1 {
		t.Fatalf("a refused weight changed the release: %+v", r.Release)
	}
}

func mustBody(t *testing.T, b *browser, method, path string) []byte {
	t.Helper()
	resp, body := b.do(method, path, "")
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, body)
	}
	return body
}

func ptr[T any](v T) *T { return &v }
