package release

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
)

// defaultSpec fills what a form may leave out: the sort (by version) and
// empty lists. It changes nothing typed: text with leading or trailing
// spaces is refused (spaceErrors), not trimmed.
func defaultSpec(s *switchyard.ReleaseSpec) {
	if s.Services == nil {
		s.Services = []string{}
	}
	if s.Sort == "" {
		s.Sort = "version"
	}
	if s.GrayConditions == nil {
		s.GrayConditions = []switchyard.GrayCondition{}
	}
}

// spaced reports whether v starts or ends with white space.
func spaced(v string) bool { return v != strings.TrimSpace(v) }

// spaceErrors refuses text typed with leading or trailing spaces — service
// ids, conditions, the inner header's names and values ("内置条件，需要首尾
// 判断是否有空格") — whatever section is enabled, each on its field with the
// text as typed and as it would be without the spaces. Nothing is trimmed:
// a header value " vip" would never equal the condition's 'vip', and a
// silent trim would publish something else than the form shows. Blank text
// is left to the emptiness checks (a blank gray condition is refused here:
// the basic condition is written empty).
func spaceErrors(s *switchyard.ReleaseSpec) []*switchyard.Error {
	var errs []*switchyard.Error
	add := func(field, reason, what, v string) {
		t := strings.TrimSpace(v)
		errs = append(errs, switchyard.FieldErrorf(field, reason, "%s: the %s %q starts or ends with spaces; remove them (%q)", field, what, v, t).
			WithReason(reason, map[string]string{"field": field, "value": v, "trimmed": t}))
	}
	for i, svc := range s.Services {
		if spaced(svc) && strings.TrimSpace(svc) != "" {
			add(fmt.Sprintf("spec.services[%d]", i), "service.space", "service", svc)
		}
	}
	for field, v := range map[string]string{"spec.greenExpression": s.GreenExpression, "spec.blueExpression": s.BlueExpression} {
		if spaced(v) && strings.TrimSpace(v) != "" {
			add(field, "expression.space", "condition", v)
		}
	}
	for i, g := range s.GrayConditions {
		if spaced(g.Expression) {
			add(fmt.Sprintf("spec.grayConditions[%d].expression", i), "expression.space", "condition", g.Expression)
		}
	}
	names := make([]string, 0, len(s.Header))
	for k := range s.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if spaced(k) && strings.TrimSpace(k) != "" {
			add("spec.header."+k, "header.name.space", "header name", k)
		}
		if v := s.Header[k]; spaced(v) && strings.TrimSpace(v) != "" {
			add("spec.header."+k, "header.value.space", "header value", v)
		}
	}
	slices.SortStableFunc(errs, func(a, b *switchyard.Error) int { return strings.Compare(fieldOrder(a.Field), fieldOrder(b.Field)) })
	return errs
}

// fieldOrder sorts field errors in the order of the form.
func fieldOrder(field string) string {
	for i, prefix := range []string{"spec.services", "spec.greenExpression", "spec.blueExpression", "spec.grayConditions", "spec.header"} {
		if strings.HasPrefix(field, prefix) {
			return fmt.Sprintf("%d %s", i, field)
		}
	}
	return "9 " + field
}

// docOf turns the form into the version-release document an operation
// publishes: fallback, rollback and end carry only the services; release
// carries the enabled conditions and the inner header.
func docOf(s *switchyard.ReleaseSpec, op switchyard.Operation) *releasedoc.Doc {
	d := &releasedoc.Doc{Service: slices.Clone(s.Services), Sort: s.Sort}
	if op != switchyard.OpRelease {
		return d
	}
	if s.BlueGreenEnabled {
		d.BlueGreen = []releasedoc.BlueGreenItem{{Expression: s.GreenExpression, Route: "green"}, {Expression: s.BlueExpression, Route: "blue"}}
	}
	if s.GrayEnabled {
		for _, g := range s.GrayConditions {
			d.Gray = append(d.Gray, releasedoc.GrayItem{Expression: g.Expression, Weight: []int{100 - g.Weight, g.Weight}})
		}
	}
	if s.HeaderEnabled && len(s.Header) > 0 {
		d.Header = &rule.StrategyHeader{}
		keys := make([]string, 0, len(s.Header))
		for k := range s.Header {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			d.Header.Set(k, s.Header[k])
		}
	}
	return d
}

var (
	// docPaths finds document paths inside messages, to name form fields.
	docPaths   = regexp.MustCompile(`blueGreen\[\d\]\.(?:expression|route)|gray\[\d+\]\.(?:expression|weight)(?:\[\d\])?|service\[\d+\]|header\.[^\s,;]+`)
	bgPath     = regexp.MustCompile(`^blueGreen\[(\d)\]\.(expression|route)$`)
	grayPath   = regexp.MustCompile(`^gray\[(\d+)\]\.(expression|weight)(\[\d\])?$`)
	svcPath    = regexp.MustCompile(`^service\[(\d+)\]$`)
	headerPath = regexp.MustCompile(`^header\.(.*)$`)
)

// formField names the form field a document path refers to.
func formField(path string) string {
	switch {
	case path == "service":
		return "spec.services"
	case path == "sort":
		return "spec.sort"
	case path == "blueGreen":
		return "spec.greenExpression"
	case path == "gray":
		return "spec.grayConditions"
	case bgPath.MatchString(path):
		if bgPath.FindStringSubmatch(path)[1] == "0" {
			return "spec.greenExpression"
		}
		return "spec.blueExpression"
	case grayPath.MatchString(path):
		m := grayPath.FindStringSubmatch(path)
		return fmt.Sprintf("spec.grayConditions[%s].%s", m[1], m[2])
	case svcPath.MatchString(path):
		return fmt.Sprintf("spec.services[%s]", svcPath.FindStringSubmatch(path)[1])
	case headerPath.MatchString(path):
		return "spec.header." + headerPath.FindStringSubmatch(path)[1]
	}
	return "spec"
}

// validate runs the release console's checks (seed 003, via the rule
// package) on the form for op, and returns every error at once, each naming
// its form field.
func validate(s *switchyard.ReleaseSpec, app string, op switchyard.Operation) error {
	if op == switchyard.OpRelease && !s.BlueGreenEnabled && !s.GrayEnabled {
		return switchyard.FieldErrorf("spec.blueGreenEnabled", "release.conditions.none", "enable blue-green or gray conditions to release; without them the release would only pin the old versions (use 执行兜底 for that)").
			WithReason("release.conditions.none", nil)
	}
	// The enabled conditions are checked before every operation (seed 003:
	// "点击之前，需要判断上面的条件是否设置正确"), since the form is saved with it.
	d := docOf(s, switchyard.OpRelease)
	var is rule.Issues
	bad := weightIssues(s)
	for _, i := range d.ValidateConsole(app) {
		// The weight the user typed is checked once, above; the document's
		// computed old-chain weight (100 - w) would repeat it confusingly.
		if len(bad) > 0 && strings.HasPrefix(i.Path, "gray[") && strings.Contains(i.Path, ".weight") {
			continue
		}
		// Spaces around header values are spaceErrors', with the trimmed text.
		if i.Reason == "header.value.space" {
			continue
		}
		is = append(is, i)
	}
	is = append(is, bad...)
	if s.GrayEnabled && len(s.GrayConditions) == 0 {
		is = append(is, rule.Issue{Path: "gray", Reason: "gray.none", Message: "the gray release is enabled but has no condition; add one (an empty expression means all traffic)"})
	}
	return issuesError(is, spaceErrors(s))
}

// checkDraft checks a saved form: only what is wrong whatever is enabled
// (services, sort, weight ranges, text with surrounding spaces); emptiness
// of enabled sections is checked when an operation runs.
func checkDraft(s *switchyard.ReleaseSpec, app string) error {
	d := &releasedoc.Doc{Service: s.Services, Sort: s.Sort}
	var is rule.Issues
	if len(s.Services) > 0 {
		for _, i := range d.ValidateConsole(app) {
			if strings.HasPrefix(i.Path, "service[") || i.Path == "sort" {
				is = append(is, i)
			}
		}
	} else if s.Sort != "version" && s.Sort != "time" {
		is = append(is, rule.Issue{Path: "sort", Reason: "sort.invalid", Message: fmt.Sprintf("sort must be \"version\" or \"time\", found %q", s.Sort)})
	}
	is = append(is, weightIssues(s)...)
	return issuesError(is, spaceErrors(s))
}

// weightIssues checks each gray weight as typed: the new chain's share, an
// integer from 0 to 100 (the API body's weight is an integer: 10.5 or "10"
// is refused when the body is read, never rounded).
func weightIssues(s *switchyard.ReleaseSpec) rule.Issues {
	var is rule.Issues
	for i, g := range s.GrayConditions {
		if g.Weight < 0 || g.Weight > 100 {
			is = append(is, rule.Issue{Path: fmt.Sprintf("gray[%d].weight", i), Reason: "gray.weight.range",
				Message: fmt.Sprintf("gray[%d].weight must be an integer from 0 to 100, found %d", i, g.Weight)})
		}
	}
	return is
}

// issuesError turns rule issues, and errors already naming their form
// field, into one error naming every form field.
func issuesError(is rule.Issues, more []*switchyard.Error) error {
	var errs []*switchyard.Error
	for _, i := range is {
		if i.Warning {
			continue
		}
		field := formField(i.Path)
		msg := docPaths.ReplaceAllStringFunc(i.Message, formField)
		if (i.Path == "service" || i.Path == "sort") && strings.HasPrefix(msg, i.Path) {
			msg = field + strings.TrimPrefix(msg, i.Path)
		}
		errs = append(errs, switchyard.FieldErrorf(field, i.Reason, "%s", msg).WithReason(i.Reason, map[string]string{"field": field}))
	}
	errs = append(errs, more...)
	if len(errs) == 0 {
		return nil
	}
	first := *errs[0]
	first.Details = errs
	return &first
}
