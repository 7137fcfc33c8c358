package main

import (
	"net"
	"strings"
	"testing"
)

// TestGatewayRoutes: a route of / is accepted and routes everything; a
// prefix that does not start with / or a route without a service stops the
// gateway at start with exit code 2, naming the route. The accepted cases
// get as far as listening (here on a port already taken), so the check
// under test is the only one in their way.
func TestGatewayRoutes(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	base := []string{"gateway", "--service", "gw", "--group", "g", "--listen", taken.Addr().String(),
		"--control-plane", "http://127.0.0.1:1", "--cache-dir", t.TempDir()}
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a route of / routes everything", []string{"--route", "/=svc"}, 1, "listen on"},
		{"a path prefix", []string{"--route", "/api/=svc"}, 1, "listen on"},
		{"/ in the config file", []string{"--config", writeFile(t, "gw.yaml", "routes:\n  - prefix: /\n    service: svc\n")}, 1, "listen on"},
		{"no leading /", []string{"--route", "api=svc"}, 2, `--route "api=svc" must be /prefix/=service-id`},
		{"an empty prefix in the config file", []string{"--config", writeFile(t, "gw.yaml", "routes:\n  - prefix: \"\"\n    service: svc\n")}, 2, "routes[0]"},
		{"no service in the config file", []string{"--config", writeFile(t, "gw.yaml", "routes:\n  - prefix: /a/\n")}, 2, "routes[0]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append(append([]string{}, base...), tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, tt.code, tt.want)
			}
		})
	}
}
