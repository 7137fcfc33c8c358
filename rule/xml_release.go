package rule

import (
	"fmt"
	"sort"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/budget"
	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// release parses <strategy-release>. Like Nepxion, the condition lists are
// sorted by the number of #H[' terms at the moment <routes> is read, so a
// <routes> element written before the conditions leaves them in document
// order (StrategyReleaseEntity.setStrategyRouteEntityList).
func (p *xmlParser) release(path string, n *xnode) (*StrategyRelease, error) {
	r := &StrategyRelease{}
	for _, c := range n.children {
		cpath := path + "/" + c.name
		switch c.name {
		case "conditions":
			if err := p.conditions(cpath, c, r); err != nil {
				return nil, err
			}
		case "routes":
			if r.Routes != nil {
				return nil, allowOnlyOne(cpath, "routes")
			}
			r.SortConditions()
			routes, err := p.routes(cpath, c)
			if err != nil {
				return nil, err
			}
			r.Routes = routes
		case "header":
			if r.Header != nil {
				return nil, allowOnlyOne(cpath, "header")
			}
			h, err := parseHeaderJSON(cpath, c.textTrim())
			if err != nil {
				return nil, err
			}
			r.Header = h
		default:
			p.unknown(path, c)
		}
	}
	return r, nil
}

func (p *xmlParser) conditions(path string, n *xnode, r *StrategyRelease) error {
	p.checkAttrs(path, n, "type")
	t, ok := n.attr("type")
	if !ok {
		return missingAttr(path, "type", "conditions")
	}
	switch strings.ToLower(t) {
	case "blue-green":
		path += "[blue-green]"
		if r.BlueGreen != nil {
			return fail(path, "rule.element.duplicate", "Allow only one element[conditions] for attribute[type]'s value with 'blue-green' to be configed")
		}
		r.BlueGreen = []StrategyConditionBlueGreen{}
		for i, c := range n.children {
			if c.name != "condition" {
				p.unknown(path, c)
				continue
			}
			cpath := fmt.Sprintf("%s/condition[%d]", path, i)
			p.checkAttrs(cpath, c, "id", "expression", "header", "version-id", "region-id", "address-id", "version-weight-id", "region-weight-id")
			id, expr, err := conditionIDExpr(cpath, c)
			if err != nil {
				return err
			}
			bg := StrategyConditionBlueGreen{ID: id, Expression: expr}
			bg.VersionID, _ = c.attr("version-id")
			bg.RegionID, _ = c.attr("region-id")
			bg.AddressID, _ = c.attr("address-id")
			bg.VersionWeightID, _ = c.attr("version-weight-id")
			bg.RegionWeightID, _ = c.attr("region-weight-id")
			r.BlueGreen = append(r.BlueGreen, bg)
		}
	case "gray":
		path += "[gray]"
		if r.Gray != nil {
			return fail(path, "rule.element.duplicate", "Allow only one element[conditions] for attribute[type]'s value with 'gray' to be configed")
		}
		r.Gray = []StrategyConditionGray{}
		for i, c := range n.children {
			if c.name != "condition" {
				p.unknown(path, c)
				continue
			}
			cpath := fmt.Sprintf("%s/condition[%d]", path, i)
			p.checkAttrs(cpath, c, "id", "expression", "header", "version-id", "region-id", "address-id")
			id, expr, err := conditionIDExpr(cpath, c)
			if err != nil {
				return err
			}
			g := StrategyConditionGray{ID: id, Expression: expr}
			if v, ok := c.attr("version-id"); ok {
				g.Version = parseWeights(v)
			}
			if v, ok := c.attr("region-id"); ok {
				g.Region = parseWeights(v)
			}
			if v, ok := c.attr("address-id"); ok {
				g.Address = parseWeights(v)
			}
			r.Gray = append(r.Gray, g)
		}
	default:
		return noMatchedType(path+"/@type", t)
	}
	return nil
}

// conditionIDExpr reads id and expression; "header" is Nepxion's legacy
// synonym of expression.
func conditionIDExpr(path string, c *xnode) (id, expr string, err error) {
	id, ok := c.attr("id")
	if !ok {
		return "", "", missingAttr(path, "id", "condition")
	}
	e, hasExpr := c.attr("expression")
	h, hasHeader := c.attr("header")
	if hasExpr && hasHeader {
		return "", "", fail(path, "rule.condition.expression", "Attribute[expression] and [header] in element[condition] are all configed, only one of them exists")
	}
	if hasHeader {
		e = h
	}
	return id, e, nil
}

func (p *xmlParser) routes(path string, n *xnode) ([]StrategyRoute, error) {
	routes := []StrategyRoute{}
	for i, c := range n.children {
		if c.name != "route" {
			p.unknown(path, c)
			continue
		}
		cpath := fmt.Sprintf("%s/route[%d]", path, i)
		p.checkAttrs(cpath, c, "id", "type")
		id, ok := c.attr("id")
		if !ok {
			return nil, missingAttr(cpath, "id", "route")
		}
		t, ok := c.attr("type")
		if !ok {
			return nil, missingAttr(cpath, "type", "route")
		}
		rt, ok := parseRouteType(t)
		if !ok {
			return nil, noMatchedType(cpath+"/@type", t)
		}
		routes = append(routes, StrategyRoute{ID: id, Type: rt, Value: c.textTrim()})
	}
	return routes, nil
}

// parseRouteType is StrategyRouteType.fromString (case-insensitive).
func parseRouteType(s string) (RouteType, bool) {
	for _, t := range []RouteType{RouteVersion, RouteRegion, RouteAddress, RouteVersionWeight, RouteRegionWeight, RouteIDBlacklist, RouteAddressBlacklist} {
		if strings.EqualFold(string(t), s) {
			return t, true
		}
	}
	return "", false
}

// SortConditions stable-sorts both condition lists by the number of #H['
// terms, most first (basic conditions count -1 and go last), as Nepxion's
// StrategyReleaseEntity.setStrategyRouteEntityList does whenever the routes
// are set: the codecs call it where the routes are read, the console's
// release operations where they set or clear them. Each count is taken
// once, not once per comparison.
func (r *StrategyRelease) SortConditions() {
	r.BlueGreen = sortByCount(r.BlueGreen, func(c StrategyConditionBlueGreen) string { return c.Expression })
	r.Gray = sortByCount(r.Gray, func(c StrategyConditionGray) string { return c.Expression })
}

func sortByCount[T any](list []T, expr func(T) string) []T {
	if len(list) < 2 {
		return list
	}
	type keyed struct {
		count int
		item  T
	}
	k := make([]keyed, len(list))
	for i, c := range list {
		k[i] = keyed{conditionCount(expr(c)), c}
	}
	sort.SliceStable(k, func(i, j int) bool { return k[i].count > k[j].count })
	for i := range k {
		list[i] = k[i].item
	}
	return list
}

// parseHeaderJSON reads the inner header: a JSON object of string values.
// Nepxion also accepts non-string values and then fails at request time; we
// refuse them here.
func parseHeaderJSON(path, text string) (*StrategyHeader, error) {
	if text == "" {
		return nil, fail(path, "rule.header.empty", "Json is null or empty")
	}
	v, err := parseJSON([]byte(text))
	if e, ok := budget.Of(err); ok {
		e.Field = path
		return nil, e
	}
	if err != nil {
		return nil, fail(path, "rule.header.json", "invalid JSON in element[header]: %v", err)
	}
	if v.Kind != jackson.Object {
		return nil, fail(path, "rule.header.json", "element[header] must be a JSON object, found %s", v.Kind)
	}
	return headerFromObject(path, v)
}

func headerFromObject(path string, v jackson.Value) (*StrategyHeader, error) {
	var h headerBuilder
	for _, m := range v.Obj {
		if m.Value.Kind != jackson.String {
			return nil, fail(path+"."+m.Key, "rule.header.value", "value of header [%s] must be a string, found %s", m.Key, m.Value.Kind)
		}
		h.set(m.Key, m.Value.Str)
	}
	return h.header(), nil
}
