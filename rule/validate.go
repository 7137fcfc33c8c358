package rule

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/jackson"
	"github.com/switchyard-io/switchyard/rule/spel"
)

// Validate checks a rule beyond what parsing checks, and returns errors and
// warnings located by element path. Errors are what Nepxion would only fail
// on at request time, or silently ignore although the rule cannot do what it
// says: an expression outside the SpEL subset, a condition naming a route id
// that does not exist (while <routes> is present), a weight that is not an
// integer, gray weights that are all <= 0. Warnings are what Nepxion accepts
// but is probably a mistake: unknown elements and attributes, conditions
// without any route, a second basic condition, values that look like JSON
// but are not.
func Validate(r *Rule) Issues {
	var is Issues
	if r == nil {
		return is
	}
	if s := r.Strategy; s != nil {
		for d, v := range [numDimensions]string{s.Version, s.Region, s.Address, s.VersionWeight, s.RegionWeight} {
			checkRouteValue(&is, "rule/strategy/"+Dimension(d).String(), v, Dimension(d) >= DimVersionWeight)
		}
	}
	if rel := r.StrategyRelease; rel != nil {
		validateRelease(&is, rel)
	}
	if f := r.StrategyFailover; f != nil {
		names := []string{"version-prefer", "version-failover", "region-transfer", "region-failover", "env-failover", "zone-failover", "address-failover"}
		for i, v := range []string{f.VersionPrefer, f.VersionFailover, f.RegionTransfer, f.RegionFailover, f.EnvFailover, f.ZoneFailover, f.AddressFailover} {
			checkRouteValue(&is, "rule/strategy-failover/"+names[i], v, false)
		}
	}
	if b := r.StrategyBlacklist; b != nil {
		checkRouteValue(&is, "rule/strategy-blacklist/id", b.ID, false)
		checkRouteValue(&is, "rule/strategy-blacklist/address", b.Address, false)
	}
	if d := r.Discovery; d != nil && d.Weight != nil {
		for i, e := range d.Weight.Services {
			checkWeights(&is, fmt.Sprintf("rule/discovery/weight/service[%d]/@provider-weight-value", i), e.Weights)
		}
		checkWeights(&is, "rule/discovery/weight/version/@provider-weight-value", d.Weight.Version)
		checkWeights(&is, "rule/discovery/weight/region/@provider-weight-value", d.Weight.Region)
	}
	is = append(is, r.warnings...)
	return is
}

func checkWeights(is *Issues, path string, m WeightMap) {
	for _, w := range m {
		if w.Invalid != "" {
			is.errorf(path, "rule.weight.invalid", "weight %q is not an integer (Nepxion reads it as 0)", w.Invalid)
		}
	}
}

// checkRouteValue checks a route value in the <strategy> formats.
func checkRouteValue(is *Issues, path, v string, weights bool) {
	if v == "" {
		return
	}
	t := strings.TrimSpace(v)
	if strings.HasPrefix(t, "{") {
		obj, err := parseJSON([]byte(t))
		if err != nil || obj.Kind != jackson.Object {
			is.warnf(path, "rule.value.json", "value looks like JSON but is not a JSON object, so Nepxion applies it as plain text to every service")
			return
		}
		for _, m := range obj.Obj {
			if m.Value.Kind != jackson.String && m.Value.Kind != jackson.Null {
				is.errorf(path+"."+m.Key, "rule.value.type", "the value of service [%s] must be a string, found %s", m.Key, m.Value.Kind)
				continue
			}
			if weights {
				checkWeights(is, path+"."+m.Key, parseWeights(m.Value.Str))
			}
		}
		return
	}
	if weights {
		checkWeights(is, path, parseWeights(v))
	}
}

func validateRelease(is *Issues, rel *StrategyRelease) {
	syms := spel.NewSymbols()
	routes := indexRoutes(rel.Routes)
	basic := false
	for i, c := range rel.BlueGreen {
		path := fmt.Sprintf("rule/strategy-release/conditions[blue-green]/condition[%d]", i)
		checkExpression(is, path, c.Expression, syms)
		if c.Expression == "" {
			if basic {
				is.warnf(path, "rule.condition.basic", "condition[%s] is a second basic condition (no expression); only the first one is used", c.ID)
			}
			basic = true
		}
		ids := [numDimensions]string{c.VersionID, c.RegionID, c.AddressID, c.VersionWeightID, c.RegionWeightID}
		named := false
		for d, id := range ids {
			if id == "" {
				continue
			}
			named = true
			checkRouteRef(is, fmt.Sprintf("%s/@%s-id", path, Dimension(d)), rel, routes, id, Dimension(d).routeType())
		}
		if !named {
			is.warnf(path, "rule.condition.noroute", "condition[%s] names no route, so it has no effect", c.ID)
		}
	}
	basic = false
	for i, c := range rel.Gray {
		path := fmt.Sprintf("rule/strategy-release/conditions[gray]/condition[%d]", i)
		checkExpression(is, path, c.Expression, syms)
		if c.Expression == "" {
			if basic {
				is.warnf(path, "rule.condition.basic", "condition[%s] is a second basic condition (no expression); only the first one is used", c.ID)
			}
			basic = true
		}
		for d, m := range [grayDimensions]WeightMap{c.Version, c.Region, c.Address} {
			validateGrayWeights(is, fmt.Sprintf("%s/@%s-id", path, Dimension(d)), rel, routes, m, Dimension(d).routeType())
		}
	}
	seen := map[string]bool{}
	for i, r := range rel.Routes {
		key := string(r.Type) + "\x00" + r.ID
		path := fmt.Sprintf("rule/strategy-release/routes/route[%d]", i)
		if seen[key] {
			is.warnf(path, "rule.route.duplicate", "route[%s] of type %s is defined twice; the first one is used", r.ID, r.Type)
		}
		seen[key] = true
		checkRouteValue(is, path, r.Value, r.Type == RouteVersionWeight || r.Type == RouteRegionWeight)
	}
}

func validateGrayWeights(is *Issues, path string, rel *StrategyRelease, routes routeIndex, m WeightMap, t RouteType) {
	if m == nil {
		return
	}
	checkWeights(is, path, m)
	positive := false
	for _, w := range m {
		if w.Key == "" {
			is.errorf(path, "rule.weight.invalid", "weight entry without a route id")
			continue
		}
		if checkRouteRef(is, path, rel, routes, w.Key, t) && w.Value > 0 {
			positive = true
		}
	}
	if !positive && len(m) > 0 && rel.Routes != nil {
		is.errorf(path, "rule.weight.zero", "Weight values are all <= 0 or invalid format")
	}
}

// checkRouteRef reports a condition's reference to a route that does not
// exist. Without any <routes> (as after a console reset) the condition is
// inert, which is only a warning.
func checkRouteRef(is *Issues, path string, rel *StrategyRelease, routes routeIndex, id string, t RouteType) bool {
	if _, ok := routes.route(id, t); ok {
		return true
	}
	if rel.Routes == nil {
		is.warnf(path, "rule.route.missing", "route[%s] is not defined because there is no <routes>; the condition has no effect", id)
		return false
	}
	if other, ok := routes.typeOf[id]; ok {
		is.errorf(path, "rule.route.type", "route[%s] is of type %s, not %s", id, other, t)
		return false
	}
	is.errorf(path, "rule.route.unknown", "route[%s] of type %s is not defined in <routes>", id, t)
	return false
}

func checkExpression(is *Issues, path, src string, syms *spel.Symbols) {
	if src == "" {
		return
	}
	e, err := spel.CompileShared(src, syms)
	if err != nil {
		*is = append(*is, ExpressionIssue(path+"/@expression", "rule.expression.syntax", "", err))
		return
	}
	for _, w := range e.Warnings() {
		is.warnf(path+"/@expression", "rule.expression.warning", "expression %q: position %d: %s", spel.Excerpt(src), w.Pos+1, w.Msg)
	}
}

// ExpressionIssue is the error issue at path of an expression that does
// not compile (err from spel): reason, or the budget's reason key with its
// limit when the expression is beyond one. prefix starts the message (""
// gives spel's "expression …: position n: …"). Rule validation and the
// release console's checks report expressions through it alike.
func ExpressionIssue(path, reason, prefix string, err error) Issue {
	var se *spel.SyntaxError
	if !errors.As(err, &se) {
		return Issue{Path: path, Reason: reason, Message: prefix + err.Error()}
	}
	is := Issue{Path: path, Reason: reason, Message: prefix + se.Error()}
	if prefix != "" {
		is.Message = fmt.Sprintf("%sposition %d: %s", prefix, se.Pos+1, se.Msg)
	}
	if se.Reason != "" {
		is.Reason, is.Params = se.Reason, map[string]string{"limit": strconv.Itoa(se.Limit)}
	}
	return is
}
