package verify

import (
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/budgettest"
	"github.com/switchyard-io/switchyard/rule"
)

// withinBudget is the budget every parser is held to
// (internal/budgettest): a hostile input is refused within 100 ms,
// allocating less than 64 MB.
func withinBudget(t testing.TB, f func()) { t.Helper(); budgettest.Within(t, f) }

func wantRefusal(t testing.TB, err error, reason string) {
	t.Helper()
	e := switchyard.AsError(err)
	if e == nil || e.Code != switchyard.CodeInvalid || e.Reason != reason {
		t.Fatalf("got %v (%+v), want a refusal with reason %s", err, e, reason)
	}
	if reason == "verify.conditions.alias" || reason == "verify.nepxion.parts" {
		return
	}
	if limit := e.Params["limit"]; limit == "" || !strings.Contains(e.Message, "the limit is "+limit) {
		t.Fatalf("message %q does not name the limit", e.Message)
	}
}

// TestHostileInputsAreRefusedWithinBudget: oversized, over-long, over-deep,
// over-wide and alias-bomb conditions, bodies and strategies.
func TestHostileInputsAreRefusedWithinBudget(t *testing.T) {
	deep := strings.Repeat("a:\n", 1) + func() string {
		var b strings.Builder
		for i := 0; i < 40; i++ {
			b.WriteString(strings.Repeat("  ", i+1) + "a:\n")
		}
		return b.String()
	}()
	var keys strings.Builder
	for i := 0; i <= conditionsKeys; i++ {
		keys.WriteString("testcase.k" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "=1\n")
	}
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	conds := func(text, format string) func([]byte) error {
		return func(b []byte) error { _, err := ParseInspectionConditions(b, format); return err }
	}
	for _, tc := range []struct {
		name   string
		data   string
		parse  func([]byte) error
		reason string
	}{
		{"conditions over 64 KiB", strings.Repeat("#", ConditionsBytes+1), conds("", FormatProperties), rule.ReasonBytes},
		{"yaml over 64 KiB", strings.Repeat("#", ConditionsBytes+1), conds("", FormatYAML), rule.ReasonBytes},
		{"too many lines", strings.Repeat("\n", conditionsLines+1), conds("", FormatProperties), rule.ReasonMembers},
		{"too many keys", keys.String(), conds("", FormatProperties), rule.ReasonMembers},
		{"a value over 8 KiB", "testcase.inspect.url=" + strings.Repeat("x", valueBytes+1), conds("", FormatProperties), rule.ReasonString},
		{"a continued value over 8 KiB", "testcase.inspect.url=" + strings.Repeat("xxxxxxxx\\\n", valueBytes/8+1), conds("", FormatProperties), rule.ReasonString},
		{"yaml too deep", deep, conds("", FormatYAML), rule.ReasonDepth},
		{"yaml flow too deep", "a: " + strings.Repeat("{a: ", 30000) + "1" + strings.Repeat("}", 30000), conds("", FormatYAML), ""},
		{"yaml alias bomb", bomb, conds("", FormatYAML), "verify.conditions.alias"},
		{"body over 1 MiB", strings.Repeat("x", BodyBytes+1), func(b []byte) error { _, err := ParseNepxionSimulation(string(b), FormatProperties); return err }, rule.ReasonBytes},
		{"a million separators", strings.Repeat("x----------", (BodyBytes-1)/11), func(b []byte) error { _, err := ParseNepxionSimulation(string(b), FormatProperties); return err }, "verify.nepxion.parts"},
		{"strategy over 64 KiB", "service: [a]\n#" + strings.Repeat("x", 64<<10), func(b []byte) error { _, err := ParseInspectStrategy(string(b)); return err }, ""},
		{"strategy with 65 services", "service: [" + strings.Repeat("a,", 64) + "a]\n", func(b []byte) error { _, err := ParseInspectStrategy(string(b)); return err }, rule.ReasonMembers},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			withinBudget(t, func() { err = tc.parse([]byte(tc.data)) })
			if tc.reason == "" {
				if switchyard.ErrorCode(err) != switchyard.CodeInvalid {
					t.Fatalf("accepted or not refused as invalid: %v", err)
				}
				return
			}
			wantRefusal(t, err, tc.reason)
		})
	}
}

// TestHostileResultsAreReadWithinBudget: an inspector answer of a megabyte
// of hops or of brackets is read within the budget, its hops bounded.
func TestHostileResultsAreReadWithinBudget(t *testing.T) {
	for name, result := range map[string]string{
		"a million hops":  strings.Repeat("[ID=a][V=1] -> ", resultBytes/15),
		"brackets":        strings.Repeat("[", resultBytes),
		"one long tag":    "[ID=" + strings.Repeat("x", resultBytes) + "]",
		"arrows":          strings.Repeat("->", resultBytes/2),
		"quotes (expr)":   strings.Repeat("'a'", resultBytes/3),
		"many tags a hop": strings.Repeat("[A=1]", resultBytes/5),
	} {
		t.Run(name, func(t *testing.T) {
			withinBudget(t, func() {
				if hops := hopsOf(result); len(hops) > maxHops+1 {
					t.Errorf("%d hops kept", len(hops))
				}
				if keys := versionKeys(result); len(keys) > maxHops {
					t.Errorf("%d keys", len(keys))
				}
				_ = extractAll(result, []string{"ID", "V"})
				_ = extractMap(result)
			})
		})
	}
}

// FuzzParseConditions: any text, as properties or YAML, is read or refused
// within a second and 64 MB, never panics, and what it accepts validates.
func FuzzParseConditions(f *testing.F) {
	for _, s := range []string{"testcase.sample.count=5\n", "testcase:\n  sample:\n    count: 5\n", "a\\\n=b", "\xef\xbb\xbf#x\n", "a: &x 1\nb: *x\n", "k=\\u00"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, asYAML bool) {
		format := FormatProperties
		if asYAML {
			format = FormatYAML
		}
		start := time.Now()
		c, err := ParseInspectionConditions([]byte(text), format)
		if time.Since(start) > time.Second {
			t.Fatalf("took %v", time.Since(start))
		}
		if err == nil {
			if verr := validateInspection(c, JSONNames); verr != nil {
				t.Fatalf("accepted conditions do not validate: %v", verr)
			}
		} else if switchyard.AsError(err) == nil {
			t.Fatalf("not a *switchyard.Error: %v", err)
		}
		_, _, _, _ = ParseSimulationConditions([]byte(text), format)
	})
}

// FuzzInspectorResult: any answer reads into at most maxHops+1 hops; every
// service@@version the simulator counts is among the hops read.
func FuzzInspectorResult(f *testing.F) {
	f.Add(chainOf("1.0", "1.1"))
	f.Add("[ID=a][V=1] -> [ID=b]")
	f.Add("]][[ -> [=] -> [ID==x][V=]")
	f.Fuzz(func(t *testing.T, result string) {
		hops := hopsOf(result)
		if len(hops) > maxHops+1 {
			t.Fatalf("%d hops", len(hops))
		}
		_ = extractAll(result, []string{"ID", "V"})
		_ = versionKeys(result)
		_ = extractMap(result)
		_ = SplitParts(result)
	})
}
