package httpapi

import (
	"encoding/json"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/verify"
)

// DiscoveryTool's automation console (automation-console, yaml-and-console-api.md
// §7.1), so Nepxion's scripts run unchanged against switchyard: the body is
// raw text of parts separated by ten dashes — the inspector's ① test config
// ② mock-inspector.yaml, the simulator's ① test config ② basic ③ first ④
// second release — the answer the task's id as text, failures HTTP 500 with
// the message, as DiscoveryTool answers them. The tasks are switchyard's
// runs (GET /api/verify/runs/{id} shows them; DiscoveryTool only logs).
// The key's group is checked once the body is read: the test config names
// it (the simulator's testcase.group) or the inspector URL's entry does.
func (s *Server) nepxionAutomationRoutes() []*Route {
	start := func(path, action, summary string, fn func(*Call, *NoBody) error) *Route {
		return Raw(Route{Method: "POST", Path: NepxionPrefix + path, Access: Operator, Action: action, Tag: "nepxion", RawRequest: "text/plain", RawResponse: "text/plain",
			Summary: summary}, fn)
	}
	return []*Route{
		start("/inspector-test/test-config-yaml", "nepxion.inspector-test.start", "DiscoveryTool: start an inspection from application.yaml and mock-inspector.yaml (10 dashes between); answers the task id",
			s.nxInspectorTest(verify.FormatYAML)),
		start("/inspector-test/test-config-properties", "nepxion.inspector-test.start", "DiscoveryTool: start an inspection from application.properties and mock-inspector.yaml; answers the task id",
			s.nxInspectorTest(verify.FormatProperties)),
		start("/simulator-test/test-config-yaml", "nepxion.simulator-test.start", "DiscoveryTool: start a simulation from application.yaml and the three release YAMLs (10 dashes between); answers the task id",
			s.nxSimulatorTest(verify.FormatYAML)),
		start("/simulator-test/test-config-properties", "nepxion.simulator-test.start", "DiscoveryTool: start a simulation from application.properties and the three release YAMLs; answers the task id",
			s.nxSimulatorTest(verify.FormatProperties)),
		Raw(Route{Method: "GET", Path: NepxionPrefix + "/simulator-test/testcases-running", Access: SignedIn, Tag: "nepxion", RawResponse: "application/json",
			Summary: "DiscoveryTool: the keys (group@@serviceId) of the simulations running now"}, s.nxTestcasesRunning),
	}
}

func (s *Server) nxInspectorTest(format string) func(*Call, *NoBody) error {
	return func(c *Call, _ *NoBody) error {
		v, err := s.verifier()
		if err != nil {
			return nepxionFail(c, err)
		}
		text, err := readText(c)
		if err != nil {
			return nepxionFail(c, err)
		}
		in, err := verify.ParseNepxionInspection(text, format)
		if err != nil {
			return nepxionFail(c, err)
		}
		out, err := v.StartNepxionInspection(c.R.Context(), c.User(), in)
		if err != nil {
			return nepxionFail(c, err)
		}
		c.Audit("verify/"+out.Task, "inspection "+out.ID)
		return writeText(c, out.ID)
	}
}

func (s *Server) nxSimulatorTest(format string) func(*Call, *NoBody) error {
	return func(c *Call, _ *NoBody) error {
		v, err := s.verifier()
		if err != nil {
			return nepxionFail(c, err)
		}
		text, err := readText(c)
		if err != nil {
			return nepxionFail(c, err)
		}
		in, err := verify.ParseNepxionSimulation(text, format)
		if err != nil {
			return nepxionFail(c, err)
		}
		c.Audit("verify/"+switchyard.VerifyTask(in.Group, in.Service), "")
		out, err := v.StartNepxionSimulation(c.R.Context(), c.User(), in)
		if err != nil {
			return nepxionFail(c, err)
		}
		detail := "simulation " + out.ID
		if out.Run != nil && out.Run.Status.Finished() {
			detail += " refused: " + strings.TrimSpace(out.Run.Reason.Text)
		}
		c.Audit("verify/"+out.Task, detail)
		return writeText(c, out.ID)
	}
}

func (s *Server) nxTestcasesRunning(c *Call, _ *NoBody) error {
	v, err := s.verifier()
	if err != nil {
		return nepxionFail(c, err)
	}
	list, err := v.Running(c.R.Context())
	if err != nil {
		return nepxionFail(c, err)
	}
	keys := make([]string, 0, len(list))
	for _, r := range list {
		keys = append(keys, r.Task)
	}
	c.W.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(c.W).Encode(keys)
}
