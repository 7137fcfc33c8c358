package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDataPlaneLinksNoControlPlane: the gateway, the sidecar, the SDK and
// their runtime never link the store, the workflow engine, the release
// service, the HTTP API or the identity service.
func TestDataPlaneLinksNoControlPlane(t *testing.T) {
	const mod = "github.com/switchyard-io/switchyard/"
	forbidden := []string{"store/", "workflow", "release", "httpapi", "auth", "configcenter/builtin", "registry/builtin", "metrics/builtin", "modernc.org/sqlite", "github.com/jackc/pgx"}
	for _, pkg := range []string{"gateway", "sidecar", "sdk", "dataplane"} {
		out, err := exec.Command("go", "list", "-deps", "../"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed only %v", pkg, deps)
		}
		for _, d := range deps {
			for _, f := range forbidden {
				if strings.HasPrefix(d, mod+f) || strings.HasPrefix(d, f) && strings.Contains(f, ".") {
					t.Errorf("%s links %s", pkg, d)
				}
			}
		}
	}
}
