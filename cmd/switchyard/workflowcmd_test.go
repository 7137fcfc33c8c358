package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/workflow"
)

// holdDeploy is a DEPLOY that waits (an hour) without finishing.
type holdDeploy struct{}

func (holdDeploy) Tick(_ context.Context, t *workflow.Tick) workflow.Outcome {
	o := t.Again(t.Now.Add(time.Hour), "timer", nil)
	o.Records = []workflow.Record{{Kind: "log", Data: workflow.LogRecord{Level: "info", StepID: t.Step.ID, Message: workflow.Msg("shift.move", "weight", "40")}}}
	return o
}

// workflowAPI is an API with release R1 of group g (its services online),
// the CLI pointed at it as admin, DEPLOY held.
func workflowAPI(t *testing.T) (*apitest.Env, *client.Client) {
	t.Helper()
	env := apitest.Start(t)
	ctx := t.Context()
	for _, in := range []switchyard.Instance{
		{Service: "svc-a", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 3001},
		{Service: "svc-a", Group: "g", Version: "1.1", Host: "127.0.0.1", Port: 3002},
		{Service: "gw", Type: "gateway", Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 5001},
	} {
		if _, err := env.Registry.Register(ctx, &in); err != nil {
			t.Fatal(err)
		}
	}
	env.Runner.Activities[switchyard.StepDeploy] = holdDeploy{}
	c := client.New(env.URL, env.AdminToken)
	if _, err := c.CreateGroup(ctx, switchyard.NewGroup{Name: "g"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRelease(ctx, switchyard.NewRelease{Name: "R1", Subscription: switchyard.Partial, Group: "g", App: "gw",
		Spec: switchyard.ReleaseSpec{Services: []string{"svc-a"}, Sort: "version"}}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SWITCHYARD_CLI_CONFIG", filepath.Join(t.TempDir(), "cli.yaml"))
	t.Setenv("SWITCHYARD_SERVER", env.URL)
	t.Setenv("SWITCHYARD_TOKEN", env.AdminToken)
	return env, c
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
	}
	return out
}

// volatile are the lines of an export that change with every save.
var volatile = regexp.MustCompile(`(?m)^(version|updatedAt|updatedBy|createdAt|name): .*\n`)

// TestWorkflowExportImportRoundTrip: create from a template with params,
// export as YAML, import it back as the next version (the version check
// refusing a stale file), and the graph is unchanged.
func TestWorkflowExportImportRoundTrip(t *testing.T) {
	env, _ := workflowAPI(t)
	out := mustRun(t, "workflow", "create", "--release", "R1", "--template", "BLUE_GREEN",
		"--param", "newVersion=1.1", "--param", "weights=10,50,100", "--param", "observe=5s,5s,5s")
	if !strings.Contains(out, "created workflow WF-001 of release R1 (BLUE_GREEN, version 1") {
		t.Fatalf("create: %q", out)
	}
	file := filepath.Join(t.TempDir(), "wf.yaml")
	mustRun(t, "workflow", "export", "WF-001", "-f", file)
	first, _ := os.ReadFile(file)
	for _, want := range []string{"id: WF-001\n", "releaseId: R1\n", "template: BLUE_GREEN\n", "version: 1\n", "  - id: S1\n", `version: "1.1"`, "type: TRAFFIC_SHIFT"} {
		if !strings.Contains(string(first), want) {
			t.Fatalf("the export has no %q:\n%s", want, first)
		}
	}
	if out := mustRun(t, "workflow", "export", "WF-001"); out != string(first) {
		t.Fatalf("export to stdout differs from the file")
	}
	out = mustRun(t, "workflow", "import", file)
	if !strings.Contains(out, "saved workflow WF-001: version 1 → 2") {
		t.Fatalf("import: %q", out)
	}
	code, _, errOut := runCLI(t, "", "workflow", "import", "-f", file)
	if code != 1 || !strings.Contains(errOut, "WF-001 is at version 2, not 1") {
		t.Fatalf("a stale import: %d %q", code, errOut)
	}
	second := mustRun(t, "workflow", "export", "WF-001")
	if !strings.Contains(second, "version: 2\n") || volatile.ReplaceAllString(second, "") != volatile.ReplaceAllString(string(first), "") {
		t.Fatalf("the round trip changed the graph:\n--- first\n%s\n--- second\n%s", first, second)
	}
	w1, _ := env.Store.FindWorkflowVersion(t.Context(), "WF-001", 1)
	w2, _ := env.Store.FindWorkflowVersion(t.Context(), "WF-001", 2)
	if mustJSONText(t, w1.Steps) != mustJSONText(t, w2.Steps) || mustJSONText(t, w1.Edges) != mustJSONText(t, w2.Edges) {
		t.Fatal("the stored graph changed in the round trip")
	}
	// A file without an id is a new workflow; create -f makes a copy.
	noID := filepath.Join(t.TempDir(), "new.yaml")
	os.WriteFile(noID, []byte(regexp.MustCompile(`(?m)^id: WF-001\n`).ReplaceAllString(string(first), "")), 0o600)
	if out := mustRun(t, "workflow", "import", noID); !strings.Contains(out, "created workflow WF-002 of release R1") {
		t.Fatalf("import without id: %q", out)
	}
	if out := mustRun(t, "workflow", "create", "-f", file, "--name", "copy"); !strings.Contains(out, "created workflow WF-003") {
		t.Fatalf("create -f: %q", out)
	}
	if out := mustRun(t, "workflow", "versions", "WF-001"); !regexp.MustCompile(`(?m)^2\s+\S+ \S+\s+admin\n1\s`).MatchString(out) {
		t.Fatalf("versions: %q", out)
	}
	if out := mustRun(t, "workflow", "list", "--release", "R1"); strings.Count(out, "\nWF-00") != 3 {
		t.Fatalf("list: %q", out)
	}
	if out := mustRun(t, "workflow", "show", "WF-001"); !strings.Contains(out, "S1 → S2") || !strings.Contains(out, "部署到蓝环境") || !strings.Contains(out, "[yes]") {
		t.Fatalf("show: %q", out)
	}
	if out := mustRun(t, "workflow", "templates"); !strings.Contains(out, "BLUE_GREEN") || !strings.Contains(out, "蓝绿部署") {
		t.Fatalf("templates: %q", out)
	}
}

func mustJSONText(t *testing.T, v any) string {
	t.Helper()
	var b strings.Builder
	if err := exportYAML(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const validFile = `id: WF-001
releaseId: R1
template: CUSTOM
version: 1
steps:
  - id: start
    name: 开始
    type: START
  - id: wait
    name: 等待
    type: WAIT
    config:
      duration: 5s
    timeout: 1
  - id: end
    name: 结束
    type: END
edges:
  - {from: start, to: wait}
  - {from: wait, to: end}
`

// TestWorkflowFileIsStrict: a key the API does not have is an error naming
// it and its line, as are values of the wrong type, aliases and a second
// document; nothing reaches the server.
func TestWorkflowFileIsStrict(t *testing.T) {
	if wf, err := decodeWorkflowFile("wf.yaml", []byte(validFile)); err != nil || len(wf.w.Steps) != 3 || string(wf.w.Steps[1].Config) != `{"duration":"5s"}` || wf.w.Steps[1].Timeout != 1 {
		t.Fatalf("the valid file: %+v, %v", wf, err)
	}
	for _, tt := range []struct {
		name, file string
		want       []string
	}{
		{"unknown top-level key", strings.Replace(validFile, "releaseId: R1", "releaseID: R1", 1),
			[]string{`wf.yaml:2: unknown key "releaseID" in the workflow (known keys: `, "releaseId"}},
		{"unknown step key", strings.Replace(validFile, "    timeout: 1\n", "    timeout: 1\n    preconditons: []\n", 1),
			[]string{`wf.yaml:15: unknown key "preconditons" in steps[1] (known keys: config, id, name, onFailure, onTimeout, postActions, preconditions, timeout, type)`}},
		{"unknown edge key", strings.Replace(validFile, "{from: wait, to: end}", "{from: wait, to: end, branch: yes}", 1),
			[]string{`wf.yaml:20: unknown key "branch" in edges[1]`}},
		{"unknown key of a failure policy", strings.Replace(validFile, "    timeout: 1\n", "    timeout: 1\n    onFailure:\n      action: RETRY\n      retry: 3\n", 1),
			[]string{`wf.yaml:17: unknown key "retry" in steps[1].onFailure`}},
		{"two unknown keys, both named", strings.Replace(strings.Replace(validFile, "releaseId: R1", "release: R1", 1), "    type: END", "    typ: END", 1),
			[]string{"2 problems", `wf.yaml:2: unknown key "release"`, `wf.yaml:17: unknown key "typ" in steps[2]`}},
		{"a number for a string", strings.Replace(validFile, "name: 等待", "name: 2024", 1), []string{`wf.yaml:10: steps[1].name: must be a string (quote "2024")`}},
		{"a word for a number", strings.Replace(validFile, "timeout: 1", "timeout: soon", 1), []string{`wf.yaml:14: steps[1].timeout: must be a number, not "soon"`}},
		{"a mapping for a list", strings.Replace(validFile, "edges:\n", "edges:\n  from: x\nold:\n", 1), []string{"wf.yaml:19: edges: must be a list"}},
		{"aliases", strings.Replace(strings.Replace(validFile, "    config:\n", "    config: &c\n", 1), "    type: END", "    type: END\n    config: *c", 1),
			[]string{"anchors and aliases (&, *) are not allowed"}},
		{"two documents", validFile + "---\nid: WF-002\n", []string{"wf.yaml:21: a workflow file holds one YAML document"}},
		{"not YAML", "steps: [\n", []string{"wf.yaml: yaml: line "}},
		{"empty", "", []string{"wf.yaml is empty"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeWorkflowFile("wf.yaml", []byte(tt.file))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// TestWorkflowFileErrorsFromTheServerPointIntoTheFile: what only the
// server checks (a step's config, the graph) comes back naming the field;
// the CLI adds the file's line.
func TestWorkflowFileErrorsFromTheServerPointIntoTheFile(t *testing.T) {
	workflowAPI(t)
	mustRun(t, "workflow", "import", writeFile(t, "ok.yaml", strings.Replace(validFile, "id: WF-001\n", "", 1)))
	bad := strings.Replace(validFile, "      duration: 5s\n", "      duraton: 5s\n", 1)
	bad = strings.Replace(bad, "{from: wait, to: end}", "{from: wait, to: nowhere}", 1)
	file := writeFile(t, "bad.yaml", bad)
	code, _, errOut := runCLI(t, "", "workflow", "import", file)
	if code != 1 || !strings.Contains(errOut, file+":13: steps[1].config.duraton: ") || !strings.Contains(errOut, file+":20: edges[1].to: ") {
		t.Fatalf("import of a bad config and edge: %d\n%s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "workflow", "validate", "-f", file)
	if code != 1 || !strings.Contains(out, file+":13: steps[1].config.duraton: ") || !strings.Contains(out, file+":20: edges[1].to: ") ||
		!strings.Contains(errOut, "WF-001 has") {
		t.Fatalf("validate -f: %d\n%s%s", code, out, errOut)
	}
	if out := mustRun(t, "workflow", "validate", "WF-001"); out != "WF-001 is valid\n" {
		t.Fatalf("validate: %q", out)
	}
}

// TestWorkflowBadFlagsExit2: flags and arguments the command cannot take
// exit 2 with the reason; the API's refusals exit 1 with its message.
func TestWorkflowBadFlagsExit2(t *testing.T) {
	workflowAPI(t)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"workflow", "create", "--release", "R1", "--template", "BLUE_GREEN", "--param", "speed=fast"}, 2, `--param "speed=fast" must be NAME=VALUE, NAME one of newVersion, weights`},
		{[]string{"workflow", "create", "--release", "R1", "--template", "BLUE_GREEN", "--param", "weights=10,half"}, 2, "must be whole numbers"},
		{[]string{"workflow", "create", "--release", "R1"}, 2, "--template"},
		{[]string{"workflow", "create", "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"workflow", "show"}, 2, "accepts 1 arg"},
		{[]string{"exec", "get", "EXE-001", "--lang", "fr"}, 2, `--lang "fr" must be zh or en`},
		{[]string{"exec", "list", "--since", "last week"}, 2, "--since"},
		{[]string{"workflow", "create", "--release", "NOPE", "--template", "BLUE_GREEN"}, 1, "NOPE"},
		{[]string{"workflow", "create", "--release", "R1", "--template", "BLUE_GREEN", "--param", "weights=10,500"}, 1, "weights"},
		{[]string{"exec", "get", "EXE-404"}, 1, "EXE-404"},
	} {
		code, _, errOut := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d %q, want %d with %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// fileBudget is what decoding a workflow file of at most 1 MiB may
// allocate: the YAML parser's tree is most of it (a 1 MiB file of 16,000
// steps took 84 MiB, linear in the size).
const fileBudget = 128 << 20

func decodeWithin(t *testing.T, b []byte) error {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := decodeWorkflowFile("f.yaml", b)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > fileBudget {
		t.Errorf("decoding %d bytes allocated %d MiB", len(b), alloc>>20)
	}
	if d := time.Since(start); d > 3*time.Second*fileRaceFactor {
		t.Errorf("decoding %d bytes took %v", len(b), d)
	}
	return err
}

// TestWorkflowFileBudgets: the hostile files a YAML parser fears — deep
// nesting, aliases that expand, a huge file — are refused within the
// budget.
func TestWorkflowFileBudgets(t *testing.T) {
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'j'; i++ {
		laughs += fmt.Sprintf("%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	for name, file := range map[string]string{
		"deep lists":       "steps: " + strings.Repeat("[", 200000) + strings.Repeat("]", 200000),
		"deep config":      "steps:\n  - id: a\n    config: " + strings.Repeat("{a: ", 5000) + "1" + strings.Repeat("}", 5000) + "\n",
		"billion laughs":   laughs,
		"laughs in config": "steps:\n  - id: a\n    config: {x: &x [1,2,3]}\n  - id: b\n    config: {y: *x}\n",
		"too large":        "name: " + strings.Repeat("x", maxWorkflowFile) + "\n",
		"many steps":       "steps:\n" + strings.Repeat("  - {id: a, name: b, type: WAIT, config: {duration: 5s}}\n", maxWorkflowFile/60),
	} {
		t.Run(name, func(t *testing.T) {
			if len(file) > maxWorkflowFile+1<<10 && name != "too large" {
				t.Fatalf("the test file is %d bytes", len(file))
			}
			if err := decodeWithin(t, []byte(file)); err == nil && name != "many steps" {
				t.Fatal("accepted")
			}
		})
	}
}

// FuzzDecodeWorkflowFile: any file is decoded or refused without
// panicking, within the budget; an accepted one exports and decodes to the
// same workflow.
func FuzzDecodeWorkflowFile(f *testing.F) {
	f.Add([]byte(validFile))
	f.Add([]byte("steps: [{id: a, config: {b: [1, 2.5, true, null, ~]}}]\n"))
	f.Add([]byte("a: &a 1\nb: *a\n"))
	f.Add([]byte("steps:\n  - {id: 1, timeout: .inf}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := decodeWithin(t, data)
		if err != nil {
			return
		}
		wf, _ := decodeWorkflowFile("f.yaml", data)
		var out bytes.Buffer
		if err := exportYAML(&out, wf.w); err != nil {
			t.Fatalf("export: %v", err)
		}
		again, err := decodeWorkflowFile("again.yaml", out.Bytes())
		if err != nil {
			t.Fatalf("the export of an accepted file is refused: %v\n%s", err, out.String())
		}
		a, _ := json.Marshal(wf.w)
		b, _ := json.Marshal(again.w)
		if !bytes.Equal(a, b) {
			t.Fatalf("round trip:\n%s\n%s", a, b)
		}
	})
}
