package rule

import (
	"errors"
	"fmt"
	"strings"

	"github.com/switchyard-io/switchyard/rule/spel"
)

// Normalize trims the inner header's names and values, as the release
// console must ("内置条件，需要首尾判断是否有空格"): a value typed with a stray
// space would otherwise never equal the expression's literal.
func (d *ReleaseDoc) Normalize() {
	if d.Header == nil {
		return
	}
	h := &Header{}
	for _, e := range d.Header.Entries {
		h.Set(strings.TrimSpace(e.Name), strings.TrimSpace(e.Value))
	}
	d.Header = h
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
func (d *ReleaseDoc) ValidateConsole(app string) Issues {
	var is Issues
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
	return is
}

func validateServices(is *Issues, services []string, app string) {
	if len(services) == 0 {
		is.errorf("service", "service.empty", "service must list at least one service of the release chain")
		return
	}
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
		for j := range i {
			if services[j] == s {
				is.errorf(path, "service.duplicate", "%s %q is listed twice", path, s)
				break
			}
		}
	}
}

func validateBlueGreen(is *Issues, items []BlueGreenItem) {
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

func validateGray(is *Issues, items []GrayItem) {
	empty := -1
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
			for j := range i {
				if strings.TrimSpace(items[j].Expression) == expr {
					is.errorf(path+".expression", "gray.same", "%s.expression is the same as gray[%d].expression; gray conditions must differ", path, j)
					break
				}
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

func checkDocExpression(is *Issues, path, src string) {
	_, err := spel.Compile(src)
	var se *spel.SyntaxError
	if errors.As(err, &se) {
		is.errorf(path, "expression.syntax", "%s is not a valid condition: position %d: %s", path, se.Pos+1, se.Msg)
	} else if err != nil {
		is.errorf(path, "expression.syntax", "%s is not a valid condition: %v", path, err)
	}
}

// ValidateExpression is the console's validate-expression: it evaluates
// expression against values written "a=1;b=2" (Nepxion's
// StringUtil.splitToMap: split on ";" then "=", both sides trimmed). A
// malformed input gives Nepxion's "Invalid format for validation input"; an
// expression outside the supported subset is an error too.
func ValidateExpression(expression, validation string) (bool, error) {
	values := map[string]string{}
	for tok := range tokens(validation) {
		parts := splitNonEmpty(tok, '=')
		if len(parts) < 2 {
			return false, nepxionError("expression.validation", "Invalid format for validation input")
		}
		values[strings.TrimSpace(parts[0])] = strings.TrimSpace(parts[1])
	}
	e, err := spel.Compile(expression)
	if err != nil {
		return false, invalid("expression", "expression.syntax", "%v", err)
	}
	return spel.EvalMap(e, values), nil
}
