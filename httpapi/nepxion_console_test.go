package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

func doWith(t *testing.T, method, url, body string, header map[string]string, host string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestOpenConsoleRefusesWebPages is finding 4: the demo's open Nepxion
// endpoints take calls from programs on this machine, not a cross-site
// text/plain POST from a page in the user's browser, nor a DNS-rebinding
// page's reads.
func TestOpenConsoleRefusesWebPages(t *testing.T) {
	env := apitest.Start(t)
	env.Server.NepxionOpenOnLoopback = true
	console := httptest.NewServer(env.Server.NepxionConsole())
	defer console.Close()
	write := "/config/remote/update/discovery-guide-group/discovery-guide-group/xml"
	read := "/config/remote/view/discovery-guide-group/discovery-guide-group"
	page := map[string]string{"Content-Type": "text/plain"}
	tests := []struct {
		name   string
		method string
		path   string
		header map[string]string
		host   string
	}{
		{"cross-site POST with Origin", "POST", write, map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}, ""},
		{"cross-site POST with fetch metadata only", "POST", write, map[string]string{"Content-Type": "text/plain", "Sec-Fetch-Site": "cross-site"}, ""},
		{"DNS-rebinding read", "GET", read, nil, "evil.example:6001"},
		{"DNS-rebinding write", "POST", write, page, "evil.example:6001"},
		{"batch push from a page", "POST", "/config/update-sync/svc", map[string]string{"Origin": "http://evil.example"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := doWith(t, tt.method, console.URL+tt.path, blueGreenRule, tt.header, tt.host)
			if code != 403 || !strings.Contains(body, "not from web pages") {
				t.Fatalf("%d %s; want 403 saying web pages are refused", code, body)
			}
		})
	}
	if code, body := rawDo(t, "GET", console.URL+read, "", ""); code != 200 || body != "" {
		t.Fatalf("nothing was written, read by curl: %d %q", code, body)
	}
	if code, body := doWith(t, "POST", console.URL+"//"+write[1:], blueGreenRule, page, ""); code != 200 || body != "true" {
		t.Fatalf("curl-like write (no Origin): %d %s", code, body)
	}
	if code, body := doWith(t, "GET", console.URL+read, "", nil, strings.Replace(strings.TrimPrefix(console.URL, "http://"), "127.0.0.1", "localhost", 1)); code != 200 || body != blueGreenRule {
		t.Fatalf("curl by localhost: %d %q", code, body)
	}
	if code, body := doWith(t, "GET", console.URL+read, "", map[string]string{"Origin": "http://evil.example", "Authorization": "Bearer " + env.AdminToken}, ""); code != 200 {
		t.Fatalf("a token holder is not the open mode: %d %s", code, body)
	}
}

// TestOpenModeIsOnlyOnTheConsoleListener: the API listener's /nepxion/
// wants a token even in the demo (the decision: closed, documented).
func TestOpenModeIsOnlyOnTheConsoleListener(t *testing.T) {
	env := apitest.Start(t)
	env.Server.NepxionOpenOnLoopback = true
	code, body := rawDo(t, "POST", env.URL+httpapi.NepxionPrefix+"/config/remote/update/g/g/xml", "", blueGreenRule)
	if code != 401 {
		t.Fatalf("API listener /nepxion/ without a token in the demo: %d %s; want 401", code, body)
	}
}

// TestConsoleUnknownPathsAre404: the console listener serves Nepxion's
// endpoints only, never the web console's index.html.
func TestConsoleUnknownPathsAre404(t *testing.T) {
	env := apitest.Start(t)
	env.Server.NepxionOpenOnLoopback = true
	env.Server.UI = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "<html>index.html</html>") })
	console := httptest.NewServer(env.Server.NepxionConsole())
	defer console.Close()
	for _, p := range []string{"/", "/index.html", "/releases", "/api/auth/me", "/config/nothing-here", "/assets/app.js"} {
		code, body := rawDo(t, "GET", console.URL+p, "", "")
		if code != 404 || strings.Contains(body, "index.html</html>") {
			t.Errorf("GET %s: %d %s; want 404", p, code, body)
		}
	}
	if code, _ := rawDo(t, "GET", console.URL+"/healthz", "", ""); code != 200 {
		t.Errorf("healthz on the console listener: %d", code)
	}
}

// TestReadyzSaysNoInternals: /readyz is public; a failing check answers
// "unavailable", not the error's text.
func TestReadyzSaysNoInternals(t *testing.T) {
	env := apitest.Start(t)
	env.Server.Checks["config"] = func(context.Context) error {
		return errors.New("dial tcp 10.1.2.3:5432: password authentication failed for user \"switchyard\"")
	}
	code, body := rawDo(t, "GET", env.URL+"/readyz", "", "")
	if code != 503 || strings.Contains(body, "10.1.2.3") || strings.Contains(body, "password") || !strings.Contains(body, `"config":"unavailable"`) {
		t.Fatalf("readyz: %d %s", code, body)
	}
}
