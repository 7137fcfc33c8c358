package e2e

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDataPlaneLinksNoControlPlane: the gateway, the sidecar, the SDK and
// their runtime never link the store, the workflow engine, the release
// service, the HTTP API or the identity service.
func TestDataPlaneLinksNoControlPlane(t *testing.T) {
	const mod = "github.com/switchyard-io/switchyard/"
	forbidden := []string{"store/", "workflow", "release", "httpapi", "auth", "builtin", "modernc.org/sqlite", "github.com/jackc/pgx"}
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

// goListDeps lists the packages pkg (a path relative to this directory)
// links, the standard library included, with format as go list's -f.
func goListDeps(t *testing.T, pkg, format string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", format, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

// TestDataPlaneLinksNoYAML: the data plane reads rules (XML and JSON) and
// never the console's release documents, so the gateway, the sidecar, the
// SDK and their runtime link neither rule/releasedoc nor any YAML library
// (go.yaml.in/yaml, gopkg.in/yaml, sigs.k8s.io/yaml or another).
func TestDataPlaneLinksNoYAML(t *testing.T) {
	const releasedoc = "github.com/switchyard-io/switchyard/rule/releasedoc"
	for _, pkg := range []string{"gateway", "sidecar", "sdk", "dataplane"} {
		deps := goListDeps(t, "../"+pkg, "{{.ImportPath}}")
		if !slices.Contains(deps, "github.com/switchyard-io/switchyard/rule") {
			t.Fatalf("go list -deps %s does not list package rule: %v", pkg, deps)
		}
		for _, d := range deps {
			if strings.Contains(strings.ToLower(d), "yaml") || d == releasedoc || strings.HasPrefix(d, releasedoc+"/") {
				t.Errorf("%s links %s", pkg, d)
			}
		}
	}
}

// TestRootPackageIsStandardLibraryOnly: the domain package (the module
// root) imports the standard library and nothing else.
func TestRootPackageIsStandardLibraryOnly(t *testing.T) {
	const root = "github.com/switchyard-io/switchyard"
	deps := goListDeps(t, "..", "{{if not .Standard}}{{.ImportPath}}{{end}}")
	if !slices.Contains(deps, root) {
		t.Fatalf("go list -deps of the module root does not list %s: %v", root, deps)
	}
	for _, d := range deps {
		if d != root {
			t.Errorf("the root package links %s, which is not in the standard library", d)
		}
	}
}
