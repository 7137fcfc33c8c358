package releasedoc

import (
	"fmt"
	"strings"

	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/spel"
)

// Normalize trims the inner header's names and values, as the release
// console must ("内置条件，需要首尾判断是否有空格"): a value typed with a stray
// space would otherwise never equal the expression's literal.
func (d *Doc) Normalize() {
	if d.Header == nil {
		return
	}
	entries := make([]rule.HeaderEntry, len(d.Header.Entries))
	for i, e := range d.Header.Entries {
		entries[i] = rule.HeaderEntry{Name: strings.TrimSpace(e.Name), Value: strings.TrimSpace(e.Value)}
	}
	d.Header = rule.NewStrategyHeader(entries)
}

// ValidateConsole checks a release document with the release console's rules
// (seed 003, 蓝绿灰度发布条件), stricter than Nepxion: services present,
// unique, lower case and not the entry app itself (app may be ""); sort
// "version" or "time"; blue-green either absent or a green and a blue
// condition, both non-empty and different; gray conditions unique with at
// most one empty (the basic one), weights two integers in 0..100 summing to
// 100; every expression within the supported SpEL subset; header names and
// values non-blank. Call Normalize first to trim the inner header. Issues use
// stable field paths (blueGreen[1].expression, gray[0].weight, header.xyz,
// service[2]) and reason keys the console translates.
func (d *Doc) ValidateConsole(app string) rule.Issues {
	var is issues
	validateServices(&is, d.Service, app)
	if _, err := sortType(d.Sort, d.sortNull); err != nil {
		is.errorf("sort", "sort.invalid", "sort must be \"version\" or \"time\", found %q", d.Sort)
	}
	validateBlueGreen(&is, d.BlueGreen)
	validateGray(&is, d.Gray)
	if d.Header != nil {
		for _, e := range d.Header.Entries {
			path := "header." + e.Name
			if strings.TrimSpace(e.Name) == "" {
				is.errorf(path, "header.name.empty", "header names must not be empty")
			}
			if strings.TrimSpace(e.Value) == "" {
				is.errorf(path, "header.value.empty", "%s must have a value", path)
			} else if strings.TrimSpace(e.Value) != e.Value {
				is.errorf(path, "header.value.space", "%s must not start or end with spaces", path)
			}
		}
	}
	return rule.Issues(is)
}

func validateServices(is *issues, services []string, app string) {
	if len(services) == 0 {
		is.errorf("service", "service.empty", "service must list at least one service of the release chain")
		return
	}
	seen := make(map[string]bool, len(services))
	for i, s := range services {
		path := fmt.Sprintf("service[%d]", i)
		switch {
		case strings.TrimSpace(s) == "":
			is.errorf(path, "service.blank", "%s must not be empty", path)
		case s != strings.ToLower(s):
			is.errorf(path, "service.lowercase", "%s %q must be lower case, as Nepxion service ids are", path, s)
		case app != "" && strings.EqualFold(s, app):
			is.errorf(path, "service.app", "%s %q is the entry app of the release; the service list must not contain it", path, s)
		}
		if seen[s] {
			is.errorf(path, "service.duplicate", "%s %q is listed twice", path, s)
		}
		seen[s] = true
	}
}

func validateBlueGreen(is *issues, items []BlueGreenItem) {
	if len(items) == 0 {
		return
	}
	if len(items) != 2 {
		is.errorf("blueGreen", "bluegreen.count", "blueGreen must have exactly two conditions, a green and a blue one, found %d", len(items))
	}
	routes := map[string]int{}
	for i, it := range items {
		path := fmt.Sprintf("blueGreen[%d]", i)
		if strings.TrimSpace(it.Expression) == "" {
			is.errorf(path+".expression", "bluegreen.expression.empty", "%s.expression must not be empty", path)
		} else {
			checkDocExpression(is, path+".expression", it.Expression)
		}
		r := strings.ToLower(it.Route)
		if r != "green" && r != "blue" {
			is.errorf(path+".route", "bluegreen.route.invalid", "%s.route must be \"green\" or \"blue\", found %q", path, it.Route)
			continue
		}
		if j, dup := routes[r]; dup {
			is.errorf(path+".route", "bluegreen.route.same", "%s.route is %s like blueGreen[%d]; one condition must be green and the other blue", path, r, j)
		}
		routes[r] = i
	}
	if len(items) == 2 && items[0].Expression != "" && strings.TrimSpace(items[0].Expression) == strings.TrimSpace(items[1].Expression) {
		is.errorf("blueGreen[1].expression", "bluegreen.same", "blueGreen[1].expression is the same as blueGreen[0].expression; the green and blue conditions must differ")
	}
}

func validateGray(is *issues, items []GrayItem) {
	empty := -1
	first := make(map[string]int, len(items)) // trimmed expression → first item
	for i, it := range items {
		path := fmt.Sprintf("gray[%d]", i)
		expr := strings.TrimSpace(it.Expression)
		if expr == "" {
			if empty >= 0 {
				is.errorf(path+".expression", "gray.basic.multiple", "%s.expression is empty like gray[%d].expression; only one gray condition may be empty", path, empty)
			}
			empty = i
		} else {
			checkDocExpression(is, path+".expression", it.Expression)
			if j, ok := first[expr]; ok {
				is.errorf(path+".expression", "gray.same", "%s.expression is the same as gray[%d].expression; gray conditions must differ", path, j)
			} else {
				first[expr] = i
			}
		}
		if len(it.Weight) != 2 {
			is.errorf(path+".weight", "gray.weight.count", "%s.weight must have two values (old, new), found %d", path, len(it.Weight))
			continue
		}
		ok := true
		for j, w := range it.Weight {
			if w < 0 || w > 100 {
				is.errorf(fmt.Sprintf("%s.weight[%d]", path, j), "gray.weight.range", "%s.weight[%d] must be an integer from 0 to 100, found %d", path, j, w)
				ok = false
			}
		}
		if ok && it.Weight[0]+it.Weight[1] != 100 {
			is.errorf(path+".weight", "gray.weight.sum", "%s.weight must add up to 100, found %d+%d", path, it.Weight[0], it.Weight[1])
		}
	}
}

func checkDocExpression(is *issues, path, src string) {
	if _, err := spel.Compile(src); err != nil {
		*is = append(*is, rule.ExpressionIssue(path, "expression.syntax", path+" is not a valid condition: ", err))
	}
}

// ValidateExpression is the console's validate-expression: it evaluates
// expression against values written "a=1;b=2" (Nepxion's
// StringUtil.splitToMap: split on ";" then "=", both sides trimmed). A
// malformed input gives Nepxion's "Invalid format for validation input"; an
// expression outside the supported subset is an error too.
func ValidateExpression(expression, validation string) (bool, error) {
	values := map[string]string{}
	for tok := range strings.SplitSeq(validation, ";") {
		if tok == "" {
			continue
		}
		parts := strings.FieldsFunc(tok, func(r rune) bool { return r == '=' })
		if len(parts) < 2 {
			return false, nepxionError("expression.validation", "Invalid format for validation input")
		}
		values[strings.TrimSpace(parts[0])] = strings.TrimSpace(parts[1])
	}
	e, err := spel.Compile(expression)
	if err != nil {
		is := rule.ExpressionIssue("expression", "expression.syntax", "", err)
		return false, invalid(is.Path, is.Reason, "%s", is.Message).WithReason(is.Reason, is.Params)
	}
	return spel.EvalMap(e, values), nil
}
