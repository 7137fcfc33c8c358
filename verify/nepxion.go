package verify

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// PartSeparator separates the parts of DiscoveryTool's test-config bodies:
// ten dashes (TestConstant.LINE_SEPARATE).
const PartSeparator = "----------"

// SplitParts splits a body as StringUtils.splitByWholeSeparator does:
// adjacent separators count as one, no empty part at either end, parts not
// trimmed. It stops after more than maxParts parts (a count no endpoint
// takes), so a hostile body costs one pass.
func SplitParts(body string) []string {
	var out []string
	for len(body) > 0 {
		i := strings.Index(body, PartSeparator)
		if i < 0 {
			out = append(out, body)
			break
		}
		if i > 0 {
			out = append(out, body[:i])
			if len(out) > maxParts {
				return out
			}
		}
		body = body[i+len(PartSeparator):]
	}
	return out
}

// nepxionParts refuses a body without exactly n parts, with Nepxion's
// message.
func nepxionParts(body string, n int) ([]string, error) {
	if err := checkSize("", []byte(body), BodyBytes, "the test config"); err != nil {
		return nil, err
	}
	parts := SplitParts(body)
	if len(parts) != n {
		return nil, (&switchyard.Error{Code: switchyard.CodeInvalid, Message: "Test config must consists of " + strconv.Itoa(n) + " parts"}).
			WithReason("verify.nepxion.parts", map[string]string{"parts": strconv.Itoa(n), "found": strconv.Itoa(len(parts))})
	}
	return parts, nil
}

// NepxionInspection is a parsed /inspector-test/test-config-* body.
type NepxionInspection struct {
	Conditions *switchyard.InspectionConditions
	Strategy   string
}

// ParseNepxionInspection reads DiscoveryTool's inspector body: ① the
// inspector test config (.properties or YAML, by format), ② the strategy
// (mock-inspector.yaml), separated by ten dashes.
func ParseNepxionInspection(body, format string) (*NepxionInspection, error) {
	parts, err := nepxionParts(body, 2)
	if err != nil {
		return nil, err
	}
	c, err := ParseInspectionConditions([]byte(parts[0]), format)
	if err != nil {
		return nil, err
	}
	if _, err := ParseInspectStrategy(parts[1]); err != nil {
		return nil, err
	}
	return &NepxionInspection{Conditions: c, Strategy: strings.TrimSpace(parts[1]) + "\n"}, nil
}

// NepxionSimulation is a parsed /simulator-test/test-config-* body.
type NepxionSimulation struct {
	Group, Service            string
	Conditions                *switchyard.SimulationConditions
	Basic, Release1, Release2 string
}

// ParseNepxionSimulation reads DiscoveryTool's simulator body: ① the
// simulator test config (.properties or YAML), ② the basic release, ③ the
// first release, ④ the second (recreate) release, separated by ten dashes.
// testcase.group and testcase.service are required: they name the key.
func ParseNepxionSimulation(body, format string) (*NepxionSimulation, error) {
	parts, err := nepxionParts(body, 4)
	if err != nil {
		return nil, err
	}
	c, group, service, err := ParseSimulationConditions([]byte(parts[0]), format)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ key, v string }{{keyGroup, group}, {keyService, service}} {
		if f.v == "" {
			return nil, invalid(f.key, "verify.conditions.required", "%s is required: it names the rule key the simulation changes", f.key)
		}
		if err := (switchyard.ConfigKey{Group: group, DataID: service}).Validate(); err != nil {
			return nil, invalid(f.key, "verify.conditions.key", "%s: %v", f.key, err)
		}
	}
	s := &NepxionSimulation{Group: group, Service: service, Conditions: c}
	for i, p := range []*string{&s.Basic, &s.Release1, &s.Release2} {
		if err := checkSize("", []byte(parts[i+1]), rule.DefaultLimits().DocumentBytes, "a release strategy"); err != nil {
			return nil, err
		}
		*p = strings.TrimSpace(parts[i+1]) + "\n"
	}
	return s, nil
}
