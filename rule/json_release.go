package rule

import (
	"strconv"

	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// release reads strategyReleaseEntity. Jackson calls the setters in key
// order and setStrategyRouteEntityList sorts the condition lists read so far,
// so the sort happens only for lists that come before the routes key.
func (d *jdoc) release(path string, v jackson.Value) *StrategyRelease {
	if !d.fields(path, v, "strategyConditionBlueGreenEntityList", "strategyConditionGrayEntityList", "strategyRouteEntityList", "strategyHeaderEntity") {
		return nil
	}
	r := &StrategyRelease{}
	for _, m := range v.Obj {
		mpath := join(path, m.Key)
		switch m.Key {
		case "strategyConditionBlueGreenEntityList":
			r.BlueGreen = d.blueGreen(mpath, m.Value)
		case "strategyConditionGrayEntityList":
			r.Gray = d.gray(mpath, m.Value)
		case "strategyRouteEntityList":
			r.SortConditions()
			r.Routes = d.routes(mpath, m.Value)
		case "strategyHeaderEntity":
			if d.fields(mpath, m.Value, "headerMap") {
				hm, _ := m.Value.Get("headerMap")
				if hm.Kind != jackson.Object {
					d.fail(join(mpath, "headerMap"), "rule.json.type", "must be an object, found %s", hm.Kind)
					continue
				}
				h, err := headerFromObject(join(mpath, "headerMap"), hm)
				if err != nil && d.err == nil {
					d.err = err
				}
				r.Header = h
			}
		}
	}
	return r
}

func (d *jdoc) array(path string, v jackson.Value) ([]jackson.Value, bool) {
	if v.Kind == jackson.Null {
		return nil, false
	}
	if v.Kind != jackson.Array {
		d.fail(path, "rule.json.type", "must be an array, found %s", v.Kind)
		return nil, false
	}
	return v.Arr, true
}

func (d *jdoc) blueGreen(path string, v jackson.Value) []StrategyConditionBlueGreen {
	arr, ok := d.array(path, v)
	if !ok {
		return nil
	}
	out := []StrategyConditionBlueGreen{}
	for i, e := range arr {
		p := path + "[" + strconv.Itoa(i) + "]"
		if !d.fields(p, e, "id", "expression", "versionId", "regionId", "addressId", "versionWeightId", "regionWeightId") {
			continue
		}
		out = append(out, StrategyConditionBlueGreen{ID: d.str(p, e, "id"), Expression: d.str(p, e, "expression"),
			VersionID: d.str(p, e, "versionId"), RegionID: d.str(p, e, "regionId"), AddressID: d.str(p, e, "addressId"),
			VersionWeightID: d.str(p, e, "versionWeightId"), RegionWeightID: d.str(p, e, "regionWeightId")})
	}
	return out
}

func (d *jdoc) gray(path string, v jackson.Value) []StrategyConditionGray {
	arr, ok := d.array(path, v)
	if !ok {
		return nil
	}
	out := []StrategyConditionGray{}
	for i, e := range arr {
		p := path + "[" + strconv.Itoa(i) + "]"
		if !d.fields(p, e, "id", "expression", "versionWeightEntity", "regionWeightEntity", "addressWeightEntity") {
			continue
		}
		g := StrategyConditionGray{ID: d.str(p, e, "id"), Expression: d.str(p, e, "expression")}
		g.Version = d.weightMap(join(p, "versionWeightEntity"), mustGet(e, "versionWeightEntity"))
		g.Region = d.weightMap(join(p, "regionWeightEntity"), mustGet(e, "regionWeightEntity"))
		g.Address = d.weightMap(join(p, "addressWeightEntity"), mustGet(e, "addressWeightEntity"))
		out = append(out, g)
	}
	return out
}

// jsonRouteTypes maps Jackson's enum names to route types.
var jsonRouteTypes = map[string]RouteType{
	"VERSION": RouteVersion, "REGION": RouteRegion, "ADDRESS": RouteAddress, "VERSION_WEIGHT": RouteVersionWeight,
	"REGION_WEIGHT": RouteRegionWeight, "ID_BLACKLIST": RouteIDBlacklist, "ADDRESS_BLACKLIST": RouteAddressBlacklist,
}

func (d *jdoc) routes(path string, v jackson.Value) []StrategyRoute {
	arr, ok := d.array(path, v)
	if !ok {
		return nil
	}
	out := []StrategyRoute{}
	for i, e := range arr {
		p := path + "[" + strconv.Itoa(i) + "]"
		if !d.fields(p, e, "id", "type", "value") {
			continue
		}
		t := d.str(p, e, "type")
		rt, ok := jsonRouteTypes[t]
		if !ok {
			d.fail(join(p, "type"), "rule.type.unknown", "No matched type with value=%s", t)
		}
		out = append(out, StrategyRoute{ID: d.str(p, e, "id"), Type: rt, Value: d.str(p, e, "value")})
	}
	return out
}

func (d *jdoc) parameter(path string, v jackson.Value) *Parameter {
	if !d.fields(path, v, "parameterServiceMap") {
		return nil
	}
	p := &Parameter{}
	m, _ := v.Get("parameterServiceMap")
	for _, group := range m.Obj {
		for i, e := range group.Value.Arr {
			ep := join(path, "parameterServiceMap."+group.Key+"["+strconv.Itoa(i)+"]")
			if !d.fields(ep, e, "parameterMap") {
				continue
			}
			s := ParameterService{Service: group.Key}
			for _, a := range mustGet(e, "parameterMap").Obj {
				if a.Value.Kind != jackson.String {
					d.fail(join(ep, "parameterMap."+a.Key), "rule.json.type", "must be a string, found %s", a.Value.Kind)
					continue
				}
				s.Attrs = append(s.Attrs, Attr{Name: a.Key, Value: a.Value.Str})
			}
			p.Services = append(p.Services, s)
		}
	}
	return p
}
