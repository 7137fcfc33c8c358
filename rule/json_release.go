package rule

import "strconv"

// release reads strategyReleaseEntity. Jackson calls the setters in key
// order and setStrategyRouteEntityList sorts the condition lists read so far,
// so the sort happens only for lists that come before the routes key.
func (d *jdoc) release(path string, v jvalue) *Release {
	if !d.fields(path, v, "strategyConditionBlueGreenEntityList", "strategyConditionGrayEntityList", "strategyRouteEntityList", "strategyHeaderEntity") {
		return nil
	}
	r := &Release{}
	for _, m := range v.obj {
		mpath := join(path, m.key)
		switch m.key {
		case "strategyConditionBlueGreenEntityList":
			r.BlueGreen = d.blueGreen(mpath, m.val)
		case "strategyConditionGrayEntityList":
			r.Gray = d.gray(mpath, m.val)
		case "strategyRouteEntityList":
			r.sortConditions()
			r.Routes = d.routes(mpath, m.val)
		case "strategyHeaderEntity":
			if d.fields(mpath, m.val, "headerMap") {
				hm, _ := m.val.get("headerMap")
				if hm.kind != jObject {
					d.fail(join(mpath, "headerMap"), "rule.json.type", "must be an object, found %s", hm.kind)
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

func (d *jdoc) array(path string, v jvalue) ([]jvalue, bool) {
	if v.kind == jNull {
		return nil, false
	}
	if v.kind != jArray {
		d.fail(path, "rule.json.type", "must be an array, found %s", v.kind)
		return nil, false
	}
	return v.arr, true
}

func (d *jdoc) blueGreen(path string, v jvalue) []BlueGreenCondition {
	arr, ok := d.array(path, v)
	if !ok {
		return nil
	}
	out := []BlueGreenCondition{}
	for i, e := range arr {
		p := path + "[" + strconv.Itoa(i) + "]"
		if !d.fields(p, e, "id", "expression", "versionId", "regionId", "addressId", "versionWeightId", "regionWeightId") {
			continue
		}
		out = append(out, BlueGreenCondition{ID: d.str(p, e, "id"), Expression: d.str(p, e, "expression"),
			VersionID: d.str(p, e, "versionId"), RegionID: d.str(p, e, "regionId"), AddressID: d.str(p, e, "addressId"),
			VersionWeightID: d.str(p, e, "versionWeightId"), RegionWeightID: d.str(p, e, "regionWeightId")})
	}
	return out
}

func (d *jdoc) gray(path string, v jvalue) []GrayCondition {
	arr, ok := d.array(path, v)
	if !ok {
		return nil
	}
	out := []GrayCondition{}
	for i, e := range arr {
		p := path + "[" + strconv.Itoa(i) + "]"
		if !d.fields(p, e, "id", "expression", "versionWeightEntity", "regionWeightEntity", "addressWeightEntity") {
			continue
		}
		g := GrayCondition{ID: d.str(p, e, "id"), Expression: d.str(p, e, "expression")}
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

func (d *jdoc) routes(path string, v jvalue) []Route {
	arr, ok := d.array(path, v)
	if !ok {
		return nil
	}
	out := []Route{}
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
		out = append(out, Route{ID: d.str(p, e, "id"), Type: rt, Value: d.str(p, e, "value")})
	}
	return out
}

func (d *jdoc) parameter(path string, v jvalue) *Parameter {
	if !d.fields(path, v, "parameterServiceMap") {
		return nil
	}
	p := &Parameter{}
	m, _ := v.get("parameterServiceMap")
	for _, group := range m.obj {
		for i, e := range group.val.arr {
			ep := join(path, "parameterServiceMap."+group.key+"["+strconv.Itoa(i)+"]")
			if !d.fields(ep, e, "parameterMap") {
				continue
			}
			s := ParameterService{Service: group.key}
			for _, a := range mustGet(e, "parameterMap").obj {
				if a.val.kind != jString {
					d.fail(join(ep, "parameterMap."+a.key), "rule.json.type", "must be a string, found %s", a.val.kind)
					continue
				}
				s.Attrs = append(s.Attrs, Attr{Name: a.key, Value: a.val.str})
			}
			p.Services = append(p.Services, s)
		}
	}
	return p
}
