package releasedoc

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// The ids the console gives the conditions and routes it builds.
const (
	greenRouteID = "route-0" // the old (stable) versions
	blueRouteID  = "route-1" // the new versions
)

// ParseRelease is the console's parse-version-release: CreateRelease on an
// empty rule, a dry run that shows the rule a document produces.
func ParseRelease(doc *Doc, instances []rule.Instance) (*rule.Rule, error) {
	return CreateRelease(nil, doc, instances)
}

// CreateRelease is the console's create-version-release: on a copy of base
// (nil means empty), <strategy> becomes the old versions of every service (the
// fallback route) and, when the document has conditions, <strategy-release>
// is replaced by them with routes route-0 (old) and route-1 (new) and the
// document's inner header. Without conditions the stored <strategy-release>
// is kept as it is, exactly like Nepxion. Errors are Nepxion's messages.
func CreateRelease(base *rule.Rule, doc *Doc, instances []rule.Instance) (*rule.Rule, error) {
	r := base.Clone()
	if err := buildRelease(r, doc, doc.sortNull, instances, true); err != nil {
		return nil, err
	}
	return r, nil
}

// RecreateRelease is the console's recreate-version-release: the conditions
// stored in base are rebuilt for the versions online now; routes are created
// only when doc.Condition is true, and the stored inner header is kept.
func RecreateRelease(base *rule.Rule, doc *RecreateDoc, instances []rule.Instance) (*rule.Rule, error) {
	r := base.Clone()
	stored, err := DeparseRelease(r)
	if err != nil {
		return nil, err
	}
	stored.Service, stored.Sort = doc.Service, doc.Sort
	if err := buildRelease(r, stored, doc.sortNull, instances, doc.Condition); err != nil {
		return nil, err
	}
	return r, nil
}

// ResetRelease is the console's reset-release: <strategy> and the routes are
// removed, the conditions and the inner header stay (so traffic follows no
// release until it is recreated).
func ResetRelease(base *rule.Rule) *rule.Rule {
	r := base.Clone()
	r.Strategy = nil
	if r.StrategyRelease != nil {
		// Nepxion clears the routes through the setter that also sorts.
		r.StrategyRelease.SortConditions()
		r.StrategyRelease.Routes = nil
	}
	return r
}

// ClearRelease is the console's clear-release: <strategy> and
// <strategy-release> are removed, every other element is kept.
func ClearRelease(base *rule.Rule) *rule.Rule {
	r := base.Clone()
	r.Strategy, r.StrategyRelease = nil, nil
	return r
}

// buildRelease is StrategyResourceImpl.createVersionStrategyRelease.
func buildRelease(r *rule.Rule, doc *Doc, sortNull bool, instances []rule.Instance, createRoutes bool) error {
	if len(doc.Service) == 0 {
		return nepxionError("release.service.empty", "Services are empty")
	}
	st, err := sortType(doc.Sort, sortNull)
	if err != nil {
		return err
	}
	var services, stable, unstable []string
	at := map[string]int{}
	for _, svc := range doc.Service {
		versions, err := rule.VersionList(instances, svc, st)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return nepxionError("release.service.versions", "Service["+svc+"] has no versions")
		}
		newer := versions[0]
		if len(versions) > 1 {
			newer = strings.Join(versions[1:], ";")
		}
		if i, ok := at[svc]; ok {
			stable[i], unstable[i] = versions[0], newer
			continue
		}
		at[svc] = len(services)
		services, stable, unstable = append(services, svc), append(stable, versions[0]), append(unstable, newer)
	}
	stableJSON := jackson.StringMap(services, stable)
	r.Strategy = &rule.Strategy{Version: stableJSON}

	blueGreen, err := blueGreenConditions(doc.BlueGreen)
	if err != nil {
		return err
	}
	gray, err := grayConditions(doc.Gray)
	if err != nil {
		return err
	}
	if blueGreen == nil && gray == nil {
		return nil
	}
	rel := &rule.StrategyRelease{BlueGreen: blueGreen, Gray: gray, Header: &rule.StrategyHeader{}}
	if createRoutes {
		rel.SortConditions()
		rel.Routes = []rule.StrategyRoute{
			{ID: greenRouteID, Type: rule.RouteVersion, Value: stableJSON},
			{ID: blueRouteID, Type: rule.RouteVersion, Value: jackson.StringMap(services, unstable)},
		}
	}
	if doc.Header != nil {
		rel.Header.Entries = append(rel.Header.Entries, doc.Header.Entries...)
	}
	r.StrategyRelease = rel
	return nil
}

func blueGreenConditions(items []BlueGreenItem) ([]rule.StrategyConditionBlueGreen, error) {
	if len(items) == 0 {
		return nil, nil
	}
	if len(items) != 2 {
		return nil, nepxionError("bluegreen.count", "BlueGreens must have two expressions")
	}
	for _, it := range items {
		if it.Expression == "" {
			return nil, nepxionError("bluegreen.expression.empty", "BlueGreens must not have empty expressions")
		}
	}
	green := [2]bool{}
	for i, it := range items {
		switch {
		case strings.EqualFold(it.Route, "green") && !it.routeNull:
			green[i] = true
		case strings.EqualFold(it.Route, "blue") && !it.routeNull:
		default:
			v := it.Route
			if it.routeNull {
				v = "null"
			}
			return nil, nepxionError("bluegreen.route.invalid", "No matched type with value="+v)
		}
	}
	if green[0] == green[1] {
		return nil, nepxionError("bluegreen.same", "BlueGreens must have one expression with green, another expression with blue")
	}
	out := make([]rule.StrategyConditionBlueGreen, 2)
	for i, it := range items {
		n := "1"
		if green[i] {
			n = "0"
		}
		out[i] = rule.StrategyConditionBlueGreen{ID: "condition-" + n, Expression: it.Expression, VersionID: "route-" + n}
	}
	return out, nil
}

func grayConditions(items []GrayItem) ([]rule.StrategyConditionGray, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]rule.StrategyConditionGray, 0, len(items))
	for i, it := range items {
		if len(it.Weight) != 2 {
			return nil, nepxionError("gray.weight.count", "Grays weights must have 2 values")
		}
		out = append(out, rule.StrategyConditionGray{
			ID:         "condition-" + strconv.Itoa(i),
			Expression: it.Expression,
			Version:    rule.WeightMap{{Key: greenRouteID, Value: it.Weight[0]}, {Key: blueRouteID, Value: it.Weight[1]}},
		})
	}
	return out, nil
}

// DeparseRelease is the console's get-version-release and
// deparse-version-release-xml: the release document a stored rule holds.
// Services are the keys of <strategy><version>; blue-green conditions
// condition-0 and condition-1 are green and blue (others have no route);
// gray weights are those of route-0 and route-1; sort is always "version".
func DeparseRelease(r *rule.Rule) (*Doc, error) {
	d := &Doc{Sort: string(rule.SortByVersion)}
	if r == nil {
		return d, nil
	}
	if r.Strategy != nil && r.Strategy.Version != "" {
		v, err := parseJSON([]byte(r.Strategy.Version))
		if err != nil || v.Kind != jackson.Object {
			return nil, invalid("rule/strategy/version", "release.strategy.json", "the stored <strategy><version> is not a JSON object of services: %s", r.Strategy.Version)
		}
		d.Service = []string{}
		for _, m := range v.Obj {
			d.Service = append(d.Service, m.Key)
		}
	}
	rel := r.StrategyRelease
	if rel == nil {
		return d, nil
	}
	if len(rel.BlueGreen) > 0 {
		for _, c := range rel.BlueGreen {
			it := BlueGreenItem{Expression: c.Expression, routeNull: true}
			switch c.ID {
			case "condition-0":
				it.Route, it.routeNull = "green", false
			case "condition-1":
				it.Route, it.routeNull = "blue", false
			}
			d.BlueGreen = append(d.BlueGreen, it)
		}
	}
	if len(rel.Gray) > 0 {
		for _, c := range rel.Gray {
			it := GrayItem{Expression: c.Expression}
			if len(c.Version) > 0 {
				w0, ok0 := c.Version.Get(greenRouteID)
				w1, ok1 := c.Version.Get(blueRouteID)
				if !ok0 || !ok1 {
					return nil, invalid("rule/strategy-release/conditions[gray]", "release.gray.routes", "gray condition[%s] has no weight for route-0 and route-1", c.ID)
				}
				it.Weight = []int{w0, w1}
			}
			d.Gray = append(d.Gray, it)
		}
	}
	if rel.Header != nil {
		d.Header = &rule.StrategyHeader{Entries: append([]rule.HeaderEntry{}, rel.Header.Entries...)}
	}
	return d, nil
}
