package rule

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/budget"
	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// ParseJSON parses a rule in Nepxion's JSON format (a Jackson dump of
// RuleEntity, see JSON). Like Jackson's default ObjectMapper it refuses
// unknown fields; unlike Jackson it also refuses values of the wrong type
// instead of coercing them. "{}" and "[]" are empty rules, as in Nepxion.
//
// The text must be within the limits (DefaultLimits): at most RuleBytes, and
// its shape within Depth, Nodes, Members and StringBytes.
func ParseJSON(data []byte) (*Rule, error) {
	if err := budget.CheckSize(data, limits.RuleBytes, "the rule"); err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nepxionError("rule.empty", "Config is null or empty")
	}
	if string(trimmed) == "[]" {
		return &Rule{}, nil
	}
	v, err := parseJSON(trimmed)
	if e, ok := budget.Of(err); ok {
		return nil, e
	}
	if err != nil {
		return nil, invalid("", "rule.json.syntax", "invalid JSON: %v", err)
	}
	return ruleFromJSON(v)
}

// Parse reads a rule in XML or JSON, chosen by its first non-space byte,
// within the limits (DefaultLimits).
func Parse(data []byte) (*Rule, error) {
	if err := budget.CheckSize(data, limits.RuleBytes, "the rule"); err != nil {
		return nil, err
	}
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
func (d *jdoc) fields(path string, v jackson.Value, known ...string) bool {
	if v.Kind == jackson.Null {
		return false
	}
	if v.Kind != jackson.Object {
		d.fail(path, "rule.json.type", "must be an object, found %s", v.Kind)
		return false
	}
	for _, m := range v.Obj {
		if indexOf(known, m.Key) < 0 {
			d.fail(join(path, m.Key), "rule.json.unknown", "Unrecognized field %q", m.Key)
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

func (d *jdoc) str(path string, v jackson.Value, key string) string {
	f, _ := v.Get(key)
	switch f.Kind {
	case jackson.Null:
		return ""
	case jackson.String:
		return f.Str
	}
	d.fail(join(path, key), "rule.json.type", "must be a string, found %s", f.Kind)
	return ""
}

func (d *jdoc) strList(path string, f jackson.Value) []string {
	if f.Kind == jackson.Null {
		return nil
	}
	if f.Kind != jackson.Array {
		d.fail(path, "rule.json.type", "must be an array of strings, found %s", f.Kind)
		return nil
	}
	out := []string{}
	for i, e := range f.Arr {
		if e.Kind != jackson.String {
			d.fail(path+"["+strconv.Itoa(i)+"]", "rule.json.type", "must be a string, found %s", e.Kind)
			return nil
		}
		out = append(out, e.Str)
	}
	return out
}

func (d *jdoc) intPtr(path string, f jackson.Value) *int {
	if f.Kind == jackson.Null {
		return nil
	}
	n, err := strconv.Atoi(f.Str)
	if f.Kind != jackson.Number || err != nil {
		d.fail(path, "rule.json.type", "must be an integer, found %s", f.Kind)
		return nil
	}
	return &n
}

func (d *jdoc) weightMap(path string, f jackson.Value) WeightMap {
	if !d.fields(path, f, "weightMap") {
		return nil
	}
	wm, _ := f.Get("weightMap")
	if wm.Kind != jackson.Object {
		d.fail(join(path, "weightMap"), "rule.json.type", "must be an object, found %s", wm.Kind)
		return nil
	}
	var m weightsBuilder
	for _, e := range wm.Obj {
		n := d.intPtr(join(path, "weightMap."+e.Key), e.Value)
		if n == nil {
			d.fail(join(path, "weightMap."+e.Key), "rule.weight.invalid", "weight of [%s] must be an integer", e.Key)
			return nil
		}
		m.put(Weight{Key: e.Key, Value: max(*n, 0)})
	}
	return m.weights()
}

func ruleFromJSON(v jackson.Value) (*Rule, error) {
	d := &jdoc{}
	r := &Rule{}
	if v.Kind != jackson.Object {
		return nil, invalid("", "rule.json.type", "a JSON rule must be an object, found %s", v.Kind)
	}
	if !d.fields("", v, "registerEntity", "discoveryEntity", "strategyEntity", "strategyReleaseEntity",
		"strategyFailoverEntity", "strategyBlacklistEntity", "parameterEntity", "content") {
		return nil, d.err
	}
	for _, m := range v.Obj {
		switch m.Key {
		case "registerEntity":
			r.Register = d.register(m.Key, m.Value)
		case "discoveryEntity":
			r.Discovery = d.discovery(m.Key, m.Value)
		case "strategyEntity":
			if d.fields(m.Key, m.Value, "versionValue", "regionValue", "addressValue", "versionWeightValue", "regionWeightValue") {
				r.Strategy = &Strategy{Version: d.str(m.Key, m.Value, "versionValue"), Region: d.str(m.Key, m.Value, "regionValue"),
					Address: d.str(m.Key, m.Value, "addressValue"), VersionWeight: d.str(m.Key, m.Value, "versionWeightValue"),
					RegionWeight: d.str(m.Key, m.Value, "regionWeightValue")}
			}
		case "strategyReleaseEntity":
			r.StrategyRelease = d.release(m.Key, m.Value)
		case "strategyFailoverEntity":
			if d.fields(m.Key, m.Value, "versionPreferValue", "versionFailoverValue", "regionTransferValue", "regionFailoverValue",
				"environmentFailoverValue", "zoneFailoverValue", "addressFailoverValue") {
				r.StrategyFailover = &StrategyFailover{VersionPrefer: d.str(m.Key, m.Value, "versionPreferValue"), VersionFailover: d.str(m.Key, m.Value, "versionFailoverValue"),
					RegionTransfer: d.str(m.Key, m.Value, "regionTransferValue"), RegionFailover: d.str(m.Key, m.Value, "regionFailoverValue"),
					EnvFailover: d.str(m.Key, m.Value, "environmentFailoverValue"), ZoneFailover: d.str(m.Key, m.Value, "zoneFailoverValue"),
					AddressFailover: d.str(m.Key, m.Value, "addressFailoverValue")}
			}
		case "strategyBlacklistEntity":
			if d.fields(m.Key, m.Value, "idValue", "addressValue") {
				r.StrategyBlacklist = &StrategyBlacklist{ID: d.str(m.Key, m.Value, "idValue"), Address: d.str(m.Key, m.Value, "addressValue")}
			}
		case "parameterEntity":
			r.Parameter = d.parameter(m.Key, m.Value)
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}

func (d *jdoc) register(path string, v jackson.Value) *Register {
	if !d.fields(path, v, "hostFilterEntity", "countFilterEntity") {
		return nil
	}
	reg := &Register{}
	h, _ := v.Get("hostFilterEntity")
	reg.Host = d.hostFilter(join(path, "hostFilterEntity"), h)
	c, _ := v.Get("countFilterEntity")
	cpath := join(path, "countFilterEntity")
	if d.fields(cpath, c, "filterValue", "filterMap") {
		cf := &CountFilter{}
		fv, _ := c.Get("filterValue")
		cf.Value = d.intPtr(join(cpath, "filterValue"), fv)
		fm, _ := c.Get("filterMap")
		if fm.Kind == jackson.Object {
			for _, e := range fm.Obj {
				cf.Services = append(cf.Services, ServiceCount{Service: e.Key, Value: d.intPtr(join(cpath, "filterMap."+e.Key), e.Value)})
			}
		}
		reg.Count = cf
	}
	return reg
}

func (d *jdoc) hostFilter(path string, v jackson.Value) *HostFilter {
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
	fl, _ := v.Get("filterValueList")
	h.Values = d.strList(join(path, "filterValueList"), fl)
	fm, _ := v.Get("filterMap")
	if fm.Kind == jackson.Object {
		for _, e := range fm.Obj {
			h.Services = append(h.Services, ServiceValues{Service: e.Key, Values: d.strList(join(path, "filterMap."+e.Key), e.Value)})
		}
	}
	return h
}

func (d *jdoc) discovery(path string, v jackson.Value) *Discovery {
	if !d.fields(path, v, "hostFilterEntity", "versionFilterEntity", "regionFilterEntity", "weightFilterEntity") {
		return nil
	}
	dis := &Discovery{}
	h, _ := v.Get("hostFilterEntity")
	dis.Host = d.hostFilter(join(path, "hostFilterEntity"), h)
	ve, _ := v.Get("versionFilterEntity")
	dis.Version = d.consumerRules(join(path, "versionFilterEntity"), ve, "version")
	re, _ := v.Get("regionFilterEntity")
	dis.Region = d.consumerRules(join(path, "regionFilterEntity"), re, "region")
	we, _ := v.Get("weightFilterEntity")
	dis.Weight = d.weightFilter(join(path, "weightFilterEntity"), we)
	return dis
}

func (d *jdoc) consumerRules(path string, v jackson.Value, kind string) []ConsumerRule {
	if !d.fields(path, v, kind+"EntityMap") {
		return nil
	}
	title := strings.ToUpper(kind[:1]) + kind[1:]
	var out grouped[ConsumerRule]
	m, _ := v.Get(kind + "EntityMap")
	for _, group := range m.Obj {
		for i, e := range group.Value.Arr {
			epath := join(path, kind+"EntityMap."+group.Key+"["+strconv.Itoa(i)+"]")
			if !d.fields(epath, e, "consumerServiceName", "providerServiceName", "consumer"+title+"ValueList", "provider"+title+"ValueList") {
				continue
			}
			cv, _ := e.Get("consumer" + title + "ValueList")
			pv, _ := e.Get("provider" + title + "ValueList")
			c := ConsumerRule{Consumer: d.str(epath, e, "consumerServiceName"), Provider: d.str(epath, e, "providerServiceName"),
				ConsumerValues: d.strList(epath, cv), ProviderValues: d.strList(epath, pv)}
			out.add(c.Consumer, c)
		}
	}
	return out.appendTo([]ConsumerRule{})
}

func (d *jdoc) weightFilter(path string, v jackson.Value) *WeightFilter {
	if !d.fields(path, v, "versionWeightEntityMap", "versionWeightEntityList", "versionWeightEntity",
		"regionWeightEntityMap", "regionWeightEntityList", "regionWeightEntity") {
		return nil
	}
	w := &WeightFilter{}
	for _, t := range []WeightType{WeightVersion, WeightRegion} {
		prefix := string(t) + "WeightEntity"
		m, _ := v.Get(prefix + "Map")
		for _, group := range m.Obj {
			for i, e := range group.Value.Arr {
				w.Services = append(w.Services, d.weightEntry(join(path, prefix+"Map."+group.Key+"["+strconv.Itoa(i)+"]"), e, t))
			}
		}
		l, _ := v.Get(prefix + "List")
		for i, e := range l.Arr {
			w.Services = append(w.Services, d.weightEntry(join(path, prefix+"List["+strconv.Itoa(i)+"]"), e, t))
		}
		g, _ := v.Get(prefix)
		if t == WeightVersion {
			w.Version = d.weightMap(join(path, prefix), g)
		} else {
			w.Region = d.weightMap(join(path, prefix), g)
		}
	}
	return w
}

func (d *jdoc) weightEntry(path string, v jackson.Value, t WeightType) WeightEntry {
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

func mustGet(v jackson.Value, key string) jackson.Value {
	f, _ := v.Get(key)
	return f
}
