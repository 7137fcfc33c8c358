package rule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	switchyard "github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/budgettest"
)

// runtimeGray is the rule of issue 8 the control plane stored and every
// gateway then refused: a type reference in a gray condition.
const runtimeGray = `<rule><strategy-release><conditions type="gray">` +
	`<condition id="c" expression="T(java.lang.Runtime).getRuntime().exec('id') != null" version-id="r=100"/>` +
	`</conditions><routes><route id="r" type="version">1.0</route></routes></strategy-release></rule>`

// TestLoadAndCheck: the one function both planes call refuses what the data
// plane refuses — unparsable text, rules with validation errors, and rules
// beyond a budget — and takes blank text as "no rule".
func TestLoadAndCheck(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		reason string // "" = accepted
		none   bool   // Load returns no rule
	}{
		{"empty", "", "", true},
		{"blank", " \n\t", "", true},
		{"xml", wrap("<strategy><version>1.0</version></strategy>"), "", false},
		{"json", `{"strategyEntity":{"versionValue":"1.0"}}`, "", false},
		{"syntax", "<rule><strategy></rule>", "rule.xml.syntax", false},
		{"a type reference in a gray condition", runtimeGray, "rule.expression.syntax", false},
		{"a method call in a blue-green condition", wrap(`<strategy-release><conditions type="blue-green"><condition id="c" expression="#H['a'].getClass() == 'x'" version-id="r"/></conditions><routes><route id="r" type="version">1.0</route></routes></strategy-release>`), "rule.expression.syntax", false},
		{"an unknown route", wrap(`<strategy-release><conditions type="blue-green"><condition id="c" expression="#H['a'] == '1'" version-id="nope"/></conditions><routes><route id="r" type="version">1.0</route></routes></strategy-release>`), "rule.route.unknown", false},
		{"beyond a budget", "<rule>" + budgettest.Nested("<a>", "</a>", 100) + "</rule>", "budget.depth", false},
		{"a regex beyond a budget", wrap(`<strategy-release><conditions type="gray"><condition id="c" expression="#H['a'] matches '` + budgettest.RepeatBomb + `'" version-id="r=100"/></conditions><routes><route id="r" type="version">1.0</route></routes></strategy-release>`), "budget.regex.repeat", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Load([]byte(tt.text))
			checkErr := Check([]byte(tt.text))
			if tt.reason == "" {
				if err != nil || checkErr != nil {
					t.Fatalf("Load: %v; Check: %v", err, checkErr)
				}
				if (r == nil) != tt.none {
					t.Fatalf("Load returned rule %v, want none=%t", r, tt.none)
				}
				return
			}
			for fn, err := range map[string]error{"Load": err, "Check": checkErr} {
				e := switchyard.AsError(err)
				if e == nil || e.Code != switchyard.CodeInvalid || e.Reason != tt.reason {
					t.Errorf("%s: %v (reason %q), want an invalid error with reason %s", fn, err, reasonOf(err), tt.reason)
					continue
				}
				if limit := e.Params["limit"]; strings.HasPrefix(tt.reason, "budget.") && (limit == "" || !strings.Contains(e.Message, "the limit is "+limit)) {
					t.Errorf("%s: %q does not name the limit (params %v)", fn, e.Message, e.Params)
				}
			}
		})
	}
}

func reasonOf(err error) string {
	if e := switchyard.AsError(err); e != nil {
		return e.Reason
	}
	return ""
}

// TestLoadVectors: every rule vector loads and checks, byte-exact round
// trips are covered by the golden tests.
func TestLoadVectors(t *testing.T) {
	for _, file := range vectorRules(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(data); err != nil {
			t.Errorf("%s: %v", filepath.Base(file), err)
		}
	}
}

// TestLimitsDocumented: every limit has a positive value and the default
// limits are what the parsers enforce (a document exactly at a limit is
// accepted, one past it refused).
func TestLimitsDocumented(t *testing.T) {
	l := DefaultLimits()
	for name, v := range map[string]int{
		"RuleBytes": l.RuleBytes, "DocumentBytes": l.DocumentBytes, "Depth": l.Depth, "Nodes": l.Nodes,
		"Members": l.Members, "Attributes": l.Attributes, "StringBytes": l.StringBytes,
		"Expression.ExpressionBytes": l.Expression.ExpressionBytes, "Expression.RegexInstructions": l.Expression.RegexInstructions,
		"Expression.RegexRepeat": l.Expression.RegexRepeat, "Expression.RegexTotal": l.Expression.RegexTotal,
		"Expression.MatchValueBytes": l.Expression.MatchValueBytes, "Expression.EvalWork": l.Expression.EvalWork,
	} {
		if v <= 0 {
			t.Errorf("%s = %d", name, v)
		}
	}
	atDepth := func(n int) string { return "<rule>" + budgettest.Nested("<a>", "</a>", n-1) + "</rule>" }
	if _, err := ParseXML([]byte(atDepth(l.Depth))); err != nil {
		t.Errorf("depth %d: %v", l.Depth, err)
	}
	if _, err := ParseXML([]byte(atDepth(l.Depth + 1))); reasonOf(err) != "budget.depth" {
		t.Errorf("depth %d: %v", l.Depth+1, err)
	}
	atMembers := func(n int) string { return "<rule>" + strings.Repeat("<a/>", n) + "</rule>" }
	if _, err := ParseXML([]byte(atMembers(l.Members))); err != nil {
		t.Errorf("%d children: %v", l.Members, err)
	}
	if _, err := ParseXML([]byte(atMembers(l.Members + 1))); reasonOf(err) != "budget.members" {
		t.Errorf("%d children: %v", l.Members+1, err)
	}
	jsonAt := func(n int) string { return `{"strategyEntity":{"versionValue":"` + strings.Repeat("1", n) + `"}}` }
	if _, err := ParseJSON([]byte(jsonAt(l.StringBytes))); err != nil {
		t.Errorf("string of %d bytes: %v", l.StringBytes, err)
	}
	if _, err := ParseJSON([]byte(jsonAt(l.StringBytes + 1))); reasonOf(err) != "budget.string" {
		t.Errorf("string of %d bytes: %v", l.StringBytes+1, err)
	}
}
