package rule

import (
	"strconv"
	"strings"
)

// JSON writes r in Nepxion's JSON rule format: the Jackson dump of its
// RuleEntity with Nepxion's DiscoveryPrettyPrinter (two-space indentation,
// `"key": value`, one array element per line, `{ }` and `[ ]` when empty, no
// final newline), as test-vectors/reference/rule.json shows. Fields inside
// an element are always written (null when unset), as Jackson does; absent
// top-level elements are left out, so an empty rule is "{ }".
func (r *Rule) JSON() []byte {
	var b []byte
	b = appendPretty(b, r.jsonTree(), 0)
	return b
}

func jstr(s string) jvalue     { return jvalue{kind: jString, str: s} }
func jnum(n int) jvalue        { return jvalue{kind: jNumber, str: strconv.Itoa(n)} }
func jobj(m ...jmember) jvalue { return jvalue{kind: jObject, obj: append([]jmember{}, m...)} }
func jm(k string, v jvalue) jmember {
	return jmember{key: k, val: v}
}

// jopt is a string that Jackson writes as null when unset.
func jopt(s string) jvalue {
	if s == "" {
		return jvalue{}
	}
	return jstr(s)
}

func jlist(l []string) jvalue {
	if l == nil {
		return jvalue{}
	}
	v := jvalue{kind: jArray, arr: []jvalue{}}
	for _, s := range l {
		v.arr = append(v.arr, jstr(s))
	}
	return v
}

func jweights(m WeightMap) jvalue {
	v := jobj()
	for _, w := range m {
		v.obj = append(v.obj, jm(w.Key, jnum(w.Value)))
	}
	return v
}

// jweightEntity is a MapWeightEntity: {"weightMap": {...}} or null.
func jweightEntity(m WeightMap) jvalue {
	if m == nil {
		return jvalue{}
	}
	return jobj(jm("weightMap", jweights(m)))
}

func (r *Rule) jsonTree() jvalue {
	root := jobj()
	if r == nil {
		return root
	}
	if r.Register != nil {
		root.obj = append(root.obj, jm("registerEntity", jobj(
			jm("hostFilterEntity", jhostFilter(r.Register.Host)),
			jm("countFilterEntity", jcountFilter(r.Register.Count)))))
	}
	if d := r.Discovery; d != nil {
		root.obj = append(root.obj, jm("discoveryEntity", jobj(
			jm("hostFilterEntity", jhostFilter(d.Host)),
			jm("versionFilterEntity", jconsumerRules(d.Version, "version")),
			jm("regionFilterEntity", jconsumerRules(d.Region, "region")),
			jm("weightFilterEntity", jweightFilter(d.Weight)))))
	}
	if s := r.Strategy; s != nil {
		root.obj = append(root.obj, jm("strategyEntity", jobj(
			jm("versionValue", jopt(s.Version)), jm("regionValue", jopt(s.Region)), jm("addressValue", jopt(s.Address)),
			jm("versionWeightValue", jopt(s.VersionWeight)), jm("regionWeightValue", jopt(s.RegionWeight)))))
	}
	if r.Release != nil {
		root.obj = append(root.obj, jm("strategyReleaseEntity", jrelease(r.Release)))
	}
	if f := r.Failover; f != nil {
		root.obj = append(root.obj, jm("strategyFailoverEntity", jobj(
			jm("versionPreferValue", jopt(f.VersionPrefer)), jm("versionFailoverValue", jopt(f.VersionFailover)),
			jm("regionTransferValue", jopt(f.RegionTransfer)), jm("regionFailoverValue", jopt(f.RegionFailover)),
			jm("environmentFailoverValue", jopt(f.EnvFailover)), jm("zoneFailoverValue", jopt(f.ZoneFailover)),
			jm("addressFailoverValue", jopt(f.AddressFailover)))))
	}
	if bl := r.Blacklist; bl != nil {
		root.obj = append(root.obj, jm("strategyBlacklistEntity", jobj(jm("idValue", jopt(bl.ID)), jm("addressValue", jopt(bl.Address)))))
	}
	if p := r.Parameter; p != nil {
		m := jobj()
		for _, s := range p.Services {
			pm := jobj()
			for _, a := range s.Attrs {
				pm.obj = append(pm.obj, jm(a.Name, jstr(a.Value)))
			}
			entry := jobj(jm("parameterMap", pm))
			if i := memberIndex(m.obj, s.Service); i >= 0 {
				m.obj[i].val.arr = append(m.obj[i].val.arr, entry)
			} else {
				m.obj = append(m.obj, jm(s.Service, jvalue{kind: jArray, arr: []jvalue{entry}}))
			}
		}
		root.obj = append(root.obj, jm("parameterEntity", jobj(jm("parameterServiceMap", m))))
	}
	return root
}

func memberIndex(obj []jmember, key string) int {
	for i := range obj {
		if obj[i].key == key {
			return i
		}
	}
	return -1
}

func jhostFilter(h *HostFilter) jvalue {
	if h == nil {
		return jvalue{}
	}
	m := jobj()
	for _, s := range h.Services {
		m.obj = append(m.obj, jm(s.Service, jlist(s.Values)))
	}
	return jobj(jm("filterType", jstr(strings.ToUpper(string(h.Type)))), jm("filterValueList", jlist(h.Values)), jm("filterMap", m))
}

func jcountFilter(c *CountFilter) jvalue {
	if c == nil {
		return jvalue{}
	}
	m := jobj()
	for _, s := range c.Services {
		v := jvalue{}
		if s.Value != nil {
			v = jnum(*s.Value)
		}
		m.obj = append(m.obj, jm(s.Service, v))
	}
	v := jvalue{}
	if c.Value != nil {
		v = jnum(*c.Value)
	}
	return jobj(jm("filterValue", v), jm("filterMap", m))
}

func jconsumerRules(list []ConsumerRule, kind string) jvalue {
	if list == nil {
		return jvalue{}
	}
	title := strings.ToUpper(kind[:1]) + kind[1:]
	m := jobj()
	for _, e := range list {
		entry := jobj(jm("consumerServiceName", jstr(e.Consumer)), jm("providerServiceName", jstr(e.Provider)),
			jm("consumer"+title+"ValueList", jlist(e.ConsumerValues)), jm("provider"+title+"ValueList", jlist(e.ProviderValues)))
		if i := memberIndex(m.obj, e.Consumer); i >= 0 {
			m.obj[i].val.arr = append(m.obj[i].val.arr, entry)
		} else {
			m.obj = append(m.obj, jm(e.Consumer, jvalue{kind: jArray, arr: []jvalue{entry}}))
		}
	}
	return jobj(jm(kind+"EntityMap", m))
}

func jweightFilter(w *WeightFilter) jvalue {
	if w == nil {
		return jvalue{}
	}
	out := jobj()
	for _, t := range []WeightType{WeightVersion, WeightRegion} {
		byConsumer, all := jobj(), jvalue{kind: jArray, arr: []jvalue{}}
		for _, e := range w.Services {
			if e.Type != t {
				continue
			}
			entry := jobj(jm("weightMap", jweights(e.Weights)), jm("consumerServiceName", jopt(e.Consumer)),
				jm("providerServiceName", jstr(e.Provider)), jm("type", jstr(strings.ToUpper(string(e.Type)))))
			if e.Consumer == "" {
				all.arr = append(all.arr, entry)
			} else if i := memberIndex(byConsumer.obj, e.Consumer); i >= 0 {
				byConsumer.obj[i].val.arr = append(byConsumer.obj[i].val.arr, entry)
			} else {
				byConsumer.obj = append(byConsumer.obj, jm(e.Consumer, jvalue{kind: jArray, arr: []jvalue{entry}}))
			}
		}
		global := w.Version
		if t == WeightRegion {
			global = w.Region
		}
		out.obj = append(out.obj, jm(string(t)+"WeightEntityMap", byConsumer), jm(string(t)+"WeightEntityList", all),
			jm(string(t)+"WeightEntity", jweightEntity(global)))
	}
	return out
}

func jrelease(r *Release) jvalue {
	bg := jvalue{}
	if r.BlueGreen != nil {
		bg = jvalue{kind: jArray, arr: []jvalue{}}
		for _, c := range r.BlueGreen {
			bg.arr = append(bg.arr, jobj(jm("id", jstr(c.ID)), jm("expression", jopt(c.Expression)),
				jm("versionId", jopt(c.VersionID)), jm("regionId", jopt(c.RegionID)), jm("addressId", jopt(c.AddressID)),
				jm("versionWeightId", jopt(c.VersionWeightID)), jm("regionWeightId", jopt(c.RegionWeightID))))
		}
	}
	gray := jvalue{}
	if r.Gray != nil {
		gray = jvalue{kind: jArray, arr: []jvalue{}}
		for _, c := range r.Gray {
			gray.arr = append(gray.arr, jobj(jm("id", jstr(c.ID)), jm("expression", jopt(c.Expression)),
				jm("versionWeightEntity", jweightEntity(c.Version)), jm("regionWeightEntity", jweightEntity(c.Region)),
				jm("addressWeightEntity", jweightEntity(c.Address))))
		}
	}
	routes := jvalue{}
	if r.Routes != nil {
		routes = jvalue{kind: jArray, arr: []jvalue{}}
		for _, rt := range r.Routes {
			routes.arr = append(routes.arr, jobj(jm("id", jstr(rt.ID)),
				jm("type", jstr(strings.ToUpper(strings.ReplaceAll(string(rt.Type), "-", "_")))), jm("value", jstr(rt.Value))))
		}
	}
	header := jvalue{}
	if r.Header != nil {
		hm := jobj()
		for _, e := range r.Header.Entries {
			hm.obj = append(hm.obj, jm(e.Name, jstr(e.Value)))
		}
		header = jobj(jm("headerMap", hm))
	}
	return jobj(jm("strategyConditionBlueGreenEntityList", bg), jm("strategyConditionGrayEntityList", gray),
		jm("strategyRouteEntityList", routes), jm("strategyHeaderEntity", header))
}

// appendPretty writes v like Jackson's DefaultPrettyPrinter configured as
// Nepxion's DiscoveryPrettyPrinter.
func appendPretty(b []byte, v jvalue, depth int) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		return strconv.AppendBool(b, v.b)
	case jNumber:
		return append(b, v.str...)
	case jString:
		return appendJSONString(b, v.str)
	case jArray:
		if len(v.arr) == 0 {
			return append(b, "[ ]"...)
		}
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNewline(b, depth+1)
			b = appendPretty(b, e, depth+1)
		}
		b = appendNewline(b, depth)
		return append(b, ']')
	}
	if len(v.obj) == 0 {
		return append(b, "{ }"...)
	}
	b = append(b, '{')
	for i, m := range v.obj {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNewline(b, depth+1)
		b = appendJSONString(b, m.key)
		b = append(b, ": "...)
		b = appendPretty(b, m.val, depth+1)
	}
	b = appendNewline(b, depth)
	return append(b, '}')
}

func appendNewline(b []byte, depth int) []byte {
	b = append(b, '\n')
	for range depth {
		b = append(b, ' ', ' ')
	}
	return b
}
