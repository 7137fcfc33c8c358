package rule

import (
	"bytes"
	"strconv"
	"strings"
)

// ParseJSON parses a rule in Nepxion's JSON format (a Jackson dump of
// RuleEntity, see JSON). Like Jackson's default ObjectMapper it refuses
// unknown fields; unlike Jackson it also refuses values of the wrong type
// instead of coercing them. "{}" and "[]" are empty rules, as in Nepxion.
func ParseJSON(data []byte) (*Rule, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nepxionError("rule.empty", "Config is null or empty")
	}
	if string(trimmed) == "[]" {
		return &Rule{}, nil
	}
	v, err := parseJSON(trimmed)
	if err != nil {
		return nil, invalid("", "rule.json.syntax", "invalid JSON: %v", err)
	}
	return ruleFromJSON(v)
}

// Parse reads a rule in XML or JSON, chosen by its first non-space byte.
func Parse(data []byte) (*Rule, error) {
	t := bytes.TrimSpace(data)
	if len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return ParseJSON(data)
	}
	return ParseXML(data)
}

// jdoc walks a decoded JSON rule and reports the first problem with its path.
type jdoc struct{ err error }

func (d *jdoc) fail(path, reason, format string, args ...any) {
	if d.err == nil {
		d.err = invalid(path, reason, format, args...)
	}
}

// fields checks that v is an object (or null) with known keys only.
func (d *jdoc) fields(path string, v jvalue, known ...string) bool {
	if v.kind == jNull {
		return false
	}
	if v.kind != jObject {
		d.fail(path, "rule.json.type", "must be an object, found %s", v.kind)
		return false
	}
	for _, m := range v.obj {
		if indexOf(known, m.key) < 0 {
			d.fail(join(path, m.key), "rule.json.unknown", "Unrecognized field %q", m.key)
			return false
		}
	}
	return d.err == nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *jdoc) str(path string, v jvalue, key string) string {
	f, _ := v.get(key)
	switch f.kind {
	case jNull:
		return ""
	case jString:
		return f.str
	}
	d.fail(join(path, key), "rule.json.type", "must be a string, found %s", f.kind)
	return ""
}

func (d *jdoc) strList(path string, f jvalue) []string {
	if f.kind == jNull {
		return nil
	}
	if f.kind != jArray {
		d.fail(path, "rule.json.type", "must be an array of strings, found %s", f.kind)
		return nil
	}
	out := []string{}
	for i, e := range f.arr {
		if e.kind != jString {
			d.fail(path+"["+strconv.Itoa(i)+"]", "rule.json.type", "must be a string, found %s", e.kind)
			return nil
		}
		out = append(out, e.str)
	}
	return out
}

func (d *jdoc) intPtr(path string, f jvalue) *int {
	if f.kind == jNull {
		return nil
	}
	n, err := strconv.Atoi(f.str)
	if f.kind != jNumber || err != nil {
		d.fail(path, "rule.json.type", "must be an integer, found %s", f.kind)
		return nil
	}
	return &n
}

func (d *jdoc) weightMap(path string, f jvalue) WeightMap {
	if !d.fields(path, f, "weightMap") {
		return nil
	}
	wm, _ := f.get("weightMap")
	if wm.kind != jObject {
		d.fail(join(path, "weightMap"), "rule.json.type", "must be an object, found %s", wm.kind)
		return nil
	}
	m := WeightMap{}
	for _, e := range wm.obj {
		n := d.intPtr(join(path, "weightMap."+e.key), e.val)
		if n == nil {
			d.fail(join(path, "weightMap."+e.key), "rule.weight.invalid", "weight of [%s] must be an integer", e.key)
			return nil
		}
		m = m.put(Weight{Key: e.key, Value: max(*n, 0)})
	}
	return m
}

func ruleFromJSON(v jvalue) (*Rule, error) {
	d := &jdoc{}
	r := &Rule{}
	if v.kind != jObject {
		return nil, invalid("", "rule.json.type", "a JSON rule must be an object, found %s", v.kind)
	}
	if !d.fields("", v, "registerEntity", "discoveryEntity", "strategyEntity", "strategyReleaseEntity",
		"strategyFailoverEntity", "strategyBlacklistEntity", "parameterEntity", "content") {
		return nil, d.err
	}
	for _, m := range v.obj {
		switch m.key {
		case "registerEntity":
			r.Register = d.register(m.key, m.val)
		case "discoveryEntity":
			r.Discovery = d.discovery(m.key, m.val)
		case "strategyEntity":
			if d.fields(m.key, m.val, "versionValue", "regionValue", "addressValue", "versionWeightValue", "regionWeightValue") {
				r.Strategy = &Strategy{Version: d.str(m.key, m.val, "versionValue"), Region: d.str(m.key, m.val, "regionValue"),
					Address: d.str(m.key, m.val, "addressValue"), VersionWeight: d.str(m.key, m.val, "versionWeightValue"),
					RegionWeight: d.str(m.key, m.val, "regionWeightValue")}
			}
		case "strategyReleaseEntity":
			r.Release = d.release(m.key, m.val)
		case "strategyFailoverEntity":
			if d.fields(m.key, m.val, "versionPreferValue", "versionFailoverValue", "regionTransferValue", "regionFailoverValue",
				"environmentFailoverValue", "zoneFailoverValue", "addressFailoverValue") {
				r.Failover = &Failover{VersionPrefer: d.str(m.key, m.val, "versionPreferValue"), VersionFailover: d.str(m.key, m.val, "versionFailoverValue"),
					RegionTransfer: d.str(m.key, m.val, "regionTransferValue"), RegionFailover: d.str(m.key, m.val, "regionFailoverValue"),
					EnvFailover: d.str(m.key, m.val, "environmentFailoverValue"), ZoneFailover: d.str(m.key, m.val, "zoneFailoverValue"),
					AddressFailover: d.str(m.key, m.val, "addressFailoverValue")}
			}
		case "strategyBlacklistEntity":
			if d.fields(m.key, m.val, "idValue", "addressValue") {
				r.Blacklist = &Blacklist{ID: d.str(m.key, m.val, "idValue"), Address: d.str(m.key, m.val, "addressValue")}
			}
		case "parameterEntity":
			r.Parameter = d.parameter(m.key, m.val)
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

func (d *jdoc) register(path string, v jvalue) *Register {
	if !d.fields(path, v, "hostFilterEntity", "countFilterEntity") {
		return nil
	}
	reg := &Register{}
	h, _ := v.get("hostFilterEntity")
	reg.Host = d.hostFilter(join(path, "hostFilterEntity"), h)
	c, _ := v.get("countFilterEntity")
	cpath := join(path, "countFilterEntity")
	if d.fields(cpath, c, "filterValue", "filterMap") {
		cf := &CountFilter{}
		fv, _ := c.get("filterValue")
		cf.Value = d.intPtr(join(cpath, "filterValue"), fv)
		fm, _ := c.get("filterMap")
		if fm.kind == jObject {
			for _, e := range fm.obj {
				cf.Services = append(cf.Services, ServiceCount{Service: e.key, Value: d.intPtr(join(cpath, "filterMap."+e.key), e.val)})
			}
		}
		reg.Count = cf
	}
	return reg
}

func (d *jdoc) hostFilter(path string, v jvalue) *HostFilter {
	if !d.fields(path, v, "filterType", "filterValueList", "filterMap") {
		return nil
	}
	h := &HostFilter{}
	switch t := d.str(path, v, "filterType"); t {
	case "BLACKLIST":
		h.Type = FilterBlacklist
	case "WHITELIST":
		h.Type = FilterWhitelist
	default:
		d.fail(join(path, "filterType"), "rule.type.unknown", "No matched type with value=%s", t)
	}
	fl, _ := v.get("filterValueList")
	h.Values = d.strList(join(path, "filterValueList"), fl)
	fm, _ := v.get("filterMap")
	if fm.kind == jObject {
		for _, e := range fm.obj {
			h.Services = append(h.Services, ServiceValues{Service: e.key, Values: d.strList(join(path, "filterMap."+e.key), e.val)})
		}
	}
	return h
}

func (d *jdoc) discovery(path string, v jvalue) *Discovery {
	if !d.fields(path, v, "hostFilterEntity", "versionFilterEntity", "regionFilterEntity", "weightFilterEntity") {
		return nil
	}
	dis := &Discovery{}
	h, _ := v.get("hostFilterEntity")
	dis.Host = d.hostFilter(join(path, "hostFilterEntity"), h)
	ve, _ := v.get("versionFilterEntity")
	dis.Version = d.consumerRules(join(path, "versionFilterEntity"), ve, "version")
	re, _ := v.get("regionFilterEntity")
	dis.Region = d.consumerRules(join(path, "regionFilterEntity"), re, "region")
	we, _ := v.get("weightFilterEntity")
	dis.Weight = d.weightFilter(join(path, "weightFilterEntity"), we)
	return dis
}

func (d *jdoc) consumerRules(path string, v jvalue, kind string) []ConsumerRule {
	if !d.fields(path, v, kind+"EntityMap") {
		return nil
	}
	title := strings.ToUpper(kind[:1]) + kind[1:]
	out := []ConsumerRule{}
	m, _ := v.get(kind + "EntityMap")
	for _, group := range m.obj {
		for i, e := range group.val.arr {
			epath := join(path, kind+"EntityMap."+group.key+"["+strconv.Itoa(i)+"]")
			if !d.fields(epath, e, "consumerServiceName", "providerServiceName", "consumer"+title+"ValueList", "provider"+title+"ValueList") {
				continue
			}
			cv, _ := e.get("consumer" + title + "ValueList")
			pv, _ := e.get("provider" + title + "ValueList")
			out = insertGrouped(out, ConsumerRule{Consumer: d.str(epath, e, "consumerServiceName"), Provider: d.str(epath, e, "providerServiceName"),
				ConsumerValues: d.strList(epath, cv), ProviderValues: d.strList(epath, pv)})
		}
	}
	return out
}

func (d *jdoc) weightFilter(path string, v jvalue) *WeightFilter {
	if !d.fields(path, v, "versionWeightEntityMap", "versionWeightEntityList", "versionWeightEntity",
		"regionWeightEntityMap", "regionWeightEntityList", "regionWeightEntity") {
		return nil
	}
	w := &WeightFilter{}
	for _, t := range []WeightType{WeightVersion, WeightRegion} {
		prefix := string(t) + "WeightEntity"
		m, _ := v.get(prefix + "Map")
		for _, group := range m.obj {
			for i, e := range group.val.arr {
				w.Services = append(w.Services, d.weightEntry(join(path, prefix+"Map."+group.key+"["+strconv.Itoa(i)+"]"), e, t))
			}
		}
		l, _ := v.get(prefix + "List")
		for i, e := range l.arr {
			w.Services = append(w.Services, d.weightEntry(join(path, prefix+"List["+strconv.Itoa(i)+"]"), e, t))
		}
		g, _ := v.get(prefix)
		if t == WeightVersion {
			w.Version = d.weightMap(join(path, prefix), g)
		} else {
			w.Region = d.weightMap(join(path, prefix), g)
		}
	}
	return w
}

func (d *jdoc) weightEntry(path string, v jvalue, t WeightType) WeightEntry {
	if !d.fields(path, v, "weightMap", "consumerServiceName", "providerServiceName", "type") {
		return WeightEntry{}
	}
	e := WeightEntry{Consumer: d.str(path, v, "consumerServiceName"), Provider: d.str(path, v, "providerServiceName"), Type: t}
	if got := d.str(path, v, "type"); got != strings.ToUpper(string(t)) {
		d.fail(join(path, "type"), "rule.type.unknown", "No matched type with value=%s", got)
	}
	e.Weights = d.weightMap(path, jobj(jm("weightMap", mustGet(v, "weightMap"))))
	return e
}

func mustGet(v jvalue, key string) jvalue {
	f, _ := v.get(key)
	return f
}
