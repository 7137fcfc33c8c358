package rule

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/jackson"
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

func jstr(s string) jackson.Value { return jackson.Value{Kind: jackson.String, Str: s} }
func jnum(n int) jackson.Value    { return jackson.Value{Kind: jackson.Number, Str: strconv.Itoa(n)} }
func jobj(m ...jackson.Member) jackson.Value {
	return jackson.Value{Kind: jackson.Object, Obj: append([]jackson.Member{}, m...)}
}
func jm(k string, v jackson.Value) jackson.Member {
	return jackson.Member{Key: k, Value: v}
}

// jopt is a string that Jackson writes as null when unset.
func jopt(s string) jackson.Value {
	if s == "" {
		return jackson.Value{}
	}
	return jstr(s)
}

func jlist(l []string) jackson.Value {
	if l == nil {
		return jackson.Value{}
	}
	v := jackson.Value{Kind: jackson.Array, Arr: []jackson.Value{}}
	for _, s := range l {
		v.Arr = append(v.Arr, jstr(s))
	}
	return v
}

func jweights(m WeightMap) jackson.Value {
	v := jobj()
	for _, w := range m {
		v.Obj = append(v.Obj, jm(w.Key, jnum(w.Value)))
	}
	return v
}

// jweightEntity is a MapWeightEntity: {"weightMap": {...}} or null.
func jweightEntity(m WeightMap) jackson.Value {
	if m == nil {
		return jackson.Value{}
	}
	return jobj(jm("weightMap", jweights(m)))
}

func (r *Rule) jsonTree() jackson.Value {
	root := jobj()
	if r == nil {
		return root
	}
	if r.Register != nil {
		root.Obj = append(root.Obj, jm("registerEntity", jobj(
			jm("hostFilterEntity", jhostFilter(r.Register.Host)),
			jm("countFilterEntity", jcountFilter(r.Register.Count)))))
	}
	if d := r.Discovery; d != nil {
		root.Obj = append(root.Obj, jm("discoveryEntity", jobj(
			jm("hostFilterEntity", jhostFilter(d.Host)),
			jm("versionFilterEntity", jconsumerRules(d.Version, "version")),
			jm("regionFilterEntity", jconsumerRules(d.Region, "region")),
			jm("weightFilterEntity", jweightFilter(d.Weight)))))
	}
	if s := r.Strategy; s != nil {
		root.Obj = append(root.Obj, jm("strategyEntity", jobj(
			jm("versionValue", jopt(s.Version)), jm("regionValue", jopt(s.Region)), jm("addressValue", jopt(s.Address)),
			jm("versionWeightValue", jopt(s.VersionWeight)), jm("regionWeightValue", jopt(s.RegionWeight)))))
	}
	if r.StrategyRelease != nil {
		root.Obj = append(root.Obj, jm("strategyReleaseEntity", jrelease(r.StrategyRelease)))
	}
	if f := r.StrategyFailover; f != nil {
		root.Obj = append(root.Obj, jm("strategyFailoverEntity", jobj(
			jm("versionPreferValue", jopt(f.VersionPrefer)), jm("versionFailoverValue", jopt(f.VersionFailover)),
			jm("regionTransferValue", jopt(f.RegionTransfer)), jm("regionFailoverValue", jopt(f.RegionFailover)),
			jm("environmentFailoverValue", jopt(f.EnvFailover)), jm("zoneFailoverValue", jopt(f.ZoneFailover)),
			jm("addressFailoverValue", jopt(f.AddressFailover)))))
	}
	if bl := r.StrategyBlacklist; bl != nil {
		root.Obj = append(root.Obj, jm("strategyBlacklistEntity", jobj(jm("idValue", jopt(bl.ID)), jm("addressValue", jopt(bl.Address)))))
	}
	if p := r.Parameter; p != nil {
		m := jobj()
		groups := arrayMembers{}
		for _, s := range p.Services {
			pm := jobj()
			for _, a := range s.Attrs {
				pm.Obj = append(pm.Obj, jm(a.Name, jstr(a.Value)))
			}
			entry := jobj(jm("parameterMap", pm))
			groups.add(&m, s.Service, entry)
		}
		root.Obj = append(root.Obj, jm("parameterEntity", jobj(jm("parameterServiceMap", m))))
	}
	return root
}

// arrayMembers maps keys to the position of their member in an object whose
// members are arrays, so that grouping n entries by key costs O(n).
type arrayMembers map[string]int

// add appends entry to the array of key in m, creating the member.
func (a arrayMembers) add(m *jackson.Value, key string, entry jackson.Value) {
	if i, ok := a[key]; ok {
		m.Obj[i].Value.Arr = append(m.Obj[i].Value.Arr, entry)
		return
	}
	a[key] = len(m.Obj)
	m.Obj = append(m.Obj, jm(key, jackson.Value{Kind: jackson.Array, Arr: []jackson.Value{entry}}))
}

func jhostFilter(h *HostFilter) jackson.Value {
	if h == nil {
		return jackson.Value{}
	}
	m := jobj()
	for _, s := range h.Services {
		m.Obj = append(m.Obj, jm(s.Service, jlist(s.Values)))
	}
	return jobj(jm("filterType", jstr(strings.ToUpper(string(h.Type)))), jm("filterValueList", jlist(h.Values)), jm("filterMap", m))
}

func jcountFilter(c *CountFilter) jackson.Value {
	if c == nil {
		return jackson.Value{}
	}
	m := jobj()
	for _, s := range c.Services {
		v := jackson.Value{}
		if s.Value != nil {
			v = jnum(*s.Value)
		}
		m.Obj = append(m.Obj, jm(s.Service, v))
	}
	v := jackson.Value{}
	if c.Value != nil {
		v = jnum(*c.Value)
	}
	return jobj(jm("filterValue", v), jm("filterMap", m))
}

func jconsumerRules(list []ConsumerRule, kind string) jackson.Value {
	if list == nil {
		return jackson.Value{}
	}
	title := strings.ToUpper(kind[:1]) + kind[1:]
	m := jobj()
	groups := arrayMembers{}
	for _, e := range list {
		entry := jobj(jm("consumerServiceName", jstr(e.Consumer)), jm("providerServiceName", jstr(e.Provider)),
			jm("consumer"+title+"ValueList", jlist(e.ConsumerValues)), jm("provider"+title+"ValueList", jlist(e.ProviderValues)))
		groups.add(&m, e.Consumer, entry)
	}
	return jobj(jm(kind+"EntityMap", m))
}

func jweightFilter(w *WeightFilter) jackson.Value {
	if w == nil {
		return jackson.Value{}
	}
	out := jobj()
	for _, t := range []WeightType{WeightVersion, WeightRegion} {
		byConsumer, all := jobj(), jackson.Value{Kind: jackson.Array, Arr: []jackson.Value{}}
		groups := arrayMembers{}
		for _, e := range w.Services {
			if e.Type != t {
				continue
			}
			entry := jobj(jm("weightMap", jweights(e.Weights)), jm("consumerServiceName", jopt(e.Consumer)),
				jm("providerServiceName", jstr(e.Provider)), jm("type", jstr(strings.ToUpper(string(e.Type)))))
			if e.Consumer == "" {
				all.Arr = append(all.Arr, entry)
			} else {
				groups.add(&byConsumer, e.Consumer, entry)
			}
		}
		global := w.Version
		if t == WeightRegion {
			global = w.Region
		}
		out.Obj = append(out.Obj, jm(string(t)+"WeightEntityMap", byConsumer), jm(string(t)+"WeightEntityList", all),
			jm(string(t)+"WeightEntity", jweightEntity(global)))
	}
	return out
}

func jrelease(r *StrategyRelease) jackson.Value {
	bg := jackson.Value{}
	if r.BlueGreen != nil {
		bg = jackson.Value{Kind: jackson.Array, Arr: []jackson.Value{}}
		for _, c := range r.BlueGreen {
			bg.Arr = append(bg.Arr, jobj(jm("id", jstr(c.ID)), jm("expression", jopt(c.Expression)),
				jm("versionId", jopt(c.VersionID)), jm("regionId", jopt(c.RegionID)), jm("addressId", jopt(c.AddressID)),
				jm("versionWeightId", jopt(c.VersionWeightID)), jm("regionWeightId", jopt(c.RegionWeightID))))
		}
	}
	gray := jackson.Value{}
	if r.Gray != nil {
		gray = jackson.Value{Kind: jackson.Array, Arr: []jackson.Value{}}
		for _, c := range r.Gray {
			gray.Arr = append(gray.Arr, jobj(jm("id", jstr(c.ID)), jm("expression", jopt(c.Expression)),
				jm("versionWeightEntity", jweightEntity(c.Version)), jm("regionWeightEntity", jweightEntity(c.Region)),
				jm("addressWeightEntity", jweightEntity(c.Address))))
		}
	}
	routes := jackson.Value{}
	if r.Routes != nil {
		routes = jackson.Value{Kind: jackson.Array, Arr: []jackson.Value{}}
		for _, rt := range r.Routes {
			routes.Arr = append(routes.Arr, jobj(jm("id", jstr(rt.ID)),
				jm("type", jstr(strings.ToUpper(strings.ReplaceAll(string(rt.Type), "-", "_")))), jm("value", jstr(rt.Value))))
		}
	}
	header := jackson.Value{}
	if r.Header != nil {
		hm := jobj()
		for _, e := range r.Header.Entries {
			hm.Obj = append(hm.Obj, jm(e.Name, jstr(e.Value)))
		}
		header = jobj(jm("headerMap", hm))
	}
	return jobj(jm("strategyConditionBlueGreenEntityList", bg), jm("strategyConditionGrayEntityList", gray),
		jm("strategyRouteEntityList", routes), jm("strategyHeaderEntity", header))
}

// appendPretty writes v like Jackson's DefaultPrettyPrinter configured as
// Nepxion's DiscoveryPrettyPrinter.
func appendPretty(b []byte, v jackson.Value, depth int) []byte {
	switch v.Kind {
	case jackson.Null:
		return append(b, "null"...)
	case jackson.Boolean:
		return strconv.AppendBool(b, v.Bool)
	case jackson.Number:
		return append(b, v.Str...)
	case jackson.String:
		return jackson.AppendString(b, v.Str)
	case jackson.Array:
		if len(v.Arr) == 0 {
			return append(b, "[ ]"...)
		}
		b = append(b, '[')
		for i, e := range v.Arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNewline(b, depth+1)
			b = appendPretty(b, e, depth+1)
		}
		b = appendNewline(b, depth)
		return append(b, ']')
	}
	if len(v.Obj) == 0 {
		return append(b, "{ }"...)
	}
	b = append(b, '{')
	for i, m := range v.Obj {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNewline(b, depth+1)
		b = jackson.AppendString(b, m.Key)
		b = append(b, ": "...)
		b = appendPretty(b, m.Value, depth+1)
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
