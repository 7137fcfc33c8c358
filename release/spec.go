package release

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// normalizeSpec trims what people type: service ids, expressions, the inner
// header ("内置条件，需要首尾判断是否有空格").
func normalizeSpec(s *switchyard.ReleaseSpec) {
	for i, svc := range s.Services {
		s.Services[i] = strings.ToLower(strings.TrimSpace(svc))
	}
	if s.Services == nil {
		s.Services = []string{}
	}
	if s.Sort == "" {
		s.Sort = "version"
	}
	s.GreenExpression, s.BlueExpression = strings.TrimSpace(s.GreenExpression), strings.TrimSpace(s.BlueExpression)
	for i := range s.GrayConditions {
		s.GrayConditions[i].Expression = strings.TrimSpace(s.GrayConditions[i].Expression)
	}
	if s.GrayConditions == nil {
		s.GrayConditions = []switchyard.GrayCondition{}
	}
	if len(s.Header) > 0 {
		h := make(map[string]string, len(s.Header))
		for k, v := range s.Header {
			h[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		s.Header = h
	}
}

// docOf turns the form into the version-release document an operation
// publishes: fallback, rollback and end carry only the services; release
// carries the enabled conditions and the inner header.
func docOf(s *switchyard.ReleaseSpec, op switchyard.Operation) *rule.ReleaseDoc {
	d := &rule.ReleaseDoc{Service: slices.Clone(s.Services), Sort: s.Sort}
	if op != switchyard.OpRelease {
		return d
	}
	if s.BlueGreenEnabled {
		d.BlueGreen = []rule.BlueGreenItem{{Expression: s.GreenExpression, Route: "green"}, {Expression: s.BlueExpression, Route: "blue"}}
	}
	if s.GrayEnabled {
		for _, g := range s.GrayConditions {
			d.Gray = append(d.Gray, rule.GrayItem{Expression: g.Expression, Weight: []int{100 - g.Weight, g.Weight}})
		}
	}
	if s.HeaderEnabled && len(s.Header) > 0 {
		d.Header = &rule.Header{}
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
		is = append(is, i)
	}
	is = append(is, bad...)
	if s.GrayEnabled && len(s.GrayConditions) == 0 {
		is = append(is, rule.Issue{Path: "gray", Reason: "gray.none", Message: "the gray release is enabled but has no condition; add one (an empty expression means all traffic)"})
	}
	return issuesError(is)
}

// checkDraft checks a saved form: only what is wrong whatever is enabled
// (services, sort, weight ranges, header blanks); emptiness of enabled
// sections is checked when an operation runs.
func checkDraft(s *switchyard.ReleaseSpec, app string) error {
	d := &rule.ReleaseDoc{Service: s.Services, Sort: s.Sort}
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
	return issuesError(is)
}

// weightIssues checks each gray weight as typed: the new chain's share, an
// integer from 0 to 100.
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

// issuesError turns rule issues into one error naming every form field.
func issuesError(is rule.Issues) error {
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
	if len(errs) == 0 {
		return nil
	}
	first := *errs[0]
	first.Details = errs
	return &first
}
