package e2e

import (
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// TestDemoStartsAndStopsCleanly is what `make demo` does: the demo prints the
// console URL and the demo credentials, serves a valid OpenAPI document,
// accepts the documented password, and leaves no listener after Ctrl-C.
func TestDemoStartsAndStopsCleanly(t *testing.T) {
	p := start(t, nil, "demo", "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0")
	url := p.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]
	p.waitLine(`^demo: sign in at .* as admin / switchyard-demo$`, 5*time.Second)

	resp, err := http.Get(url + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load OpenAPI: %v", err)
	}
	if err := doc.Validate(ctx(t)); err != nil {
		t.Fatalf("the demo's OpenAPI document is invalid: %v", err)
	}

	c := client.New(url, "")
	it, err := c.LoginToken(ctx(t), switchyard.LoginRequest{Username: "admin", Password: "switchyard-demo"})
	if err != nil {
		t.Fatalf("demo credentials refused: %v", err)
	}
	c.Token = it.Secret
	if me, err := c.Me(ctx(t)); err != nil || me.User.Role != switchyard.RoleAdmin {
		t.Fatalf("me = %+v, %v", me, err)
	}

	addr := strings.TrimPrefix(url, "http://")
	if err := p.stop(syscall.SIGINT, 15*time.Second); err != nil {
		t.Fatalf("demo exited with %v after Ctrl-C", err)
	}
	if listening(addr) {
		t.Fatalf("%s still accepts connections after the demo stopped", addr)
	}
}

// TestServerFirstStartAndRestart: the first start prints a random admin
// password once (and never logs it); a restart keeps the data and prints no
// password.
func TestServerFirstStartAndRestart(t *testing.T) {
	dir := t.TempDir()
	p := start(t, nil, "server", "--data-dir", dir, "--listen", "127.0.0.1:0")
	url := p.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]
	pw := p.waitLine(`^first start: created user "admin" with password (\S+) `, 5*time.Second)[1]
	c := client.New(url, "")
	it, err := c.LoginToken(ctx(t), switchyard.LoginRequest{Username: "admin", Password: pw})
	if err != nil {
		t.Fatalf("printed password refused: %v", err)
	}
	c.Token = it.Secret
	if _, err := c.CreateGroup(ctx(t), switchyard.NewGroup{Name: "order-group"}); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(syscall.SIGTERM, 15*time.Second); err != nil {
		t.Fatalf("server exited with %v after SIGTERM", err)
	}
	if strings.Contains(p.errOut(), pw) {
		t.Fatal("the admin password reached the log")
	}

	p2 := start(t, nil, "server", "--data-dir", dir, "--listen", "127.0.0.1:0")
	url = p2.waitLine(`^console: (http://127\.0\.0\.1:\d+)/$`, 30*time.Second)[1]
	c.BaseURL = url
	groups, err := c.Groups(ctx(t))
	if err != nil || len(groups) != 1 || groups[0].Name != "order-group" {
		t.Fatalf("after restart: groups %v, %v (the token and data must survive)", groups, err)
	}
	if strings.Contains(p2.out(), "first start") {
		t.Fatal("a restart printed a new admin password")
	}
	p2.stop(syscall.SIGTERM, 15*time.Second)
}
