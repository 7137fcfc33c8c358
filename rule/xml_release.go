package rule

import (
	"fmt"
	"sort"
	"strings"
)

// release parses <strategy-release>. Like Nepxion, the condition lists are
// sorted by the number of #H[' terms at the moment <routes> is read, so a
// <routes> element written before the conditions leaves them in document
// order (StrategyReleaseEntity.setStrategyRouteEntityList).
func (p *xmlParser) release(path string, n *xnode) (*Release, error) {
	r := &Release{}
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
			r.sortConditions()
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

func (p *xmlParser) conditions(path string, n *xnode, r *Release) error {
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
		r.BlueGreen = []BlueGreenCondition{}
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
			bg := BlueGreenCondition{ID: id, Expression: expr}
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
		r.Gray = []GrayCondition{}
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
			g := GrayCondition{ID: id, Expression: expr}
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

func (p *xmlParser) routes(path string, n *xnode) ([]Route, error) {
	routes := []Route{}
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
		routes = append(routes, Route{ID: id, Type: rt, Value: c.textTrim()})
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

// sortConditions stable-sorts both condition lists by the number of #H['
// terms, most first (basic conditions count -1 and go last).
func (r *Release) sortConditions() {
	sort.SliceStable(r.BlueGreen, func(i, j int) bool {
		return conditionCount(r.BlueGreen[i].Expression) > conditionCount(r.BlueGreen[j].Expression)
	})
	sort.SliceStable(r.Gray, func(i, j int) bool {
		return conditionCount(r.Gray[i].Expression) > conditionCount(r.Gray[j].Expression)
	})
}

// parseHeaderJSON reads the inner header: a JSON object of string values.
// Nepxion also accepts non-string values and then fails at request time; we
// refuse them here.
func parseHeaderJSON(path, text string) (*Header, error) {
	if text == "" {
		return nil, fail(path, "rule.header.empty", "Json is null or empty")
	}
	v, err := parseJSON([]byte(text))
	if err != nil {
		return nil, fail(path, "rule.header.json", "invalid JSON in element[header]: %v", err)
	}
	if v.kind != jObject {
		return nil, fail(path, "rule.header.json", "element[header] must be a JSON object, found %s", v.kind)
	}
	return headerFromObject(path, v)
}

func headerFromObject(path string, v jvalue) (*Header, error) {
	h := &Header{}
	for _, m := range v.obj {
		if m.val.kind != jString {
			return nil, fail(path+"."+m.key, "rule.header.value", "value of header [%s] must be a string, found %s", m.key, m.val.kind)
		}
		h.Set(m.key, m.val.str)
	}
	return h, nil
}
