package rule

import "github.com/switchyard-io/switchyard/internal/ascii"

// Rule is one Nepxion rule document (Nepxion's RuleEntity). Each top-level
// element is a pointer: nil means the element is absent, which matters when a
// partial and a global rule are assembled (see Assemble).
//
// The types of the model are named after the elements they model
// (<strategy-release> is StrategyRelease, its <route> a StrategyRoute), as
// Nepxion's entities are (StrategyReleaseEntity, StrategyRouteEntity), so
// that none reads like the console's release (switchyard.Release) or the
// data plane's headers and routes.
//
// Slices keep document order, normalised the way Nepxion's parser stores them
// (entries grouped by service as its LinkedHashMaps do), so that a parsed and
// re-written rule equals the original model.
type Rule struct {
	Register          *Register          // <register>
	Discovery         *Discovery         // <discovery>
	Strategy          *Strategy          // <strategy>: the global default route
	StrategyRelease   *StrategyRelease   // <strategy-release>: blue-green and gray conditions
	StrategyFailover  *StrategyFailover  // <strategy-failover>
	StrategyBlacklist *StrategyBlacklist // <strategy-blacklist>
	Parameter         *Parameter         // <parameter>

	// warnings collected while parsing (unknown elements and attributes);
	// Validate reports them.
	warnings Issues
}

// Register is <register>: admission rules evaluated when an instance starts.
type Register struct {
	Host  *HostFilter  // <blacklist> or <whitelist>
	Count *CountFilter // <count>
}

// FilterType is the kind of a host filter.
type FilterType string

// The host filter kinds, as written in XML.
const (
	FilterBlacklist FilterType = "blacklist"
	FilterWhitelist FilterType = "whitelist"
)

// HostFilter is a <blacklist> or <whitelist> of IP address prefixes.
type HostFilter struct {
	Type     FilterType
	Values   []string        // filter-value: global prefixes
	Services []ServiceValues // per-service prefixes, added to the global ones
}

// ServiceValues is a <service service-name="x" filter-value="a;b"/> entry.
type ServiceValues struct {
	Service string
	Values  []string // nil when filter-value is absent or empty
}

// CountFilter is <count>: the maximum number of instances per service.
type CountFilter struct {
	Value    *int // filter-value: global maximum; nil when absent
	Services []ServiceCount
}

// ServiceCount is a per-service <count><service …/>; it overrides the global value.
type ServiceCount struct {
	Service string
	Value   *int
}

// Discovery is <discovery>: consumer-side filters of the provider instance list.
type Discovery struct {
	Host    *HostFilter
	Version []ConsumerRule // <version>: nil when absent, empty when present without entries
	Region  []ConsumerRule // <region>: nil when absent, empty when present without entries
	Weight  *WeightFilter  // <weight>
}

// ConsumerRule is one <service consumer-service-name provider-service-name
// consumer-*-value provider-*-value/> entry of <discovery><version> or
// <discovery><region>. Nil value lists mean "any".
type ConsumerRule struct {
	Consumer       string
	Provider       string
	ConsumerValues []string
	ProviderValues []string
}

// WeightFilter is <discovery><weight>: rule-level weights.
type WeightFilter struct {
	// Services are the <service …/> entries in Nepxion's storage order:
	// version entries with a consumer (grouped by consumer), version entries
	// without one, region entries with a consumer, region entries without.
	Services []WeightEntry
	Version  WeightMap // <version provider-weight-value="…"/>; nil when absent
	Region   WeightMap // <region provider-weight-value="…"/>; nil when absent
}

// WeightType says whether a weight entry weighs versions or regions.
type WeightType string

// The weight entry types, as written in XML.
const (
	WeightVersion WeightType = "version"
	WeightRegion  WeightType = "region"
)

// WeightEntry is one <discovery><weight><service …/> entry.
type WeightEntry struct {
	Consumer string // optional
	Provider string
	Type     WeightType
	Weights  WeightMap
}

// WeightMap is an ordered key=weight list ("1.0=90;1.1=10").
type WeightMap []Weight

// Weight is one key=weight item. Invalid keeps the original text when it was
// not an integer: Nepxion reads it as 0, validation reports it.
type Weight struct {
	Key     string
	Value   int
	Invalid string
}

// Strategy is <strategy>, the global default route ("全局缺省路由"). Each value
// is either a JSON object per service ({"svc-a":"1.0;1.1"}) or a plain value
// applying to every service. Empty means absent.
type Strategy struct {
	Version       string
	Region        string
	Address       string
	VersionWeight string
	RegionWeight  string
}

// StrategyRelease is <strategy-release> (StrategyReleaseEntity): blue-green
// and gray conditions, their routes and the inner header.
type StrategyRelease struct {
	BlueGreen []StrategyConditionBlueGreen // nil when <conditions type="blue-green"> is absent
	Gray      []StrategyConditionGray      // nil when <conditions type="gray"> is absent
	Routes    []StrategyRoute              // nil when <routes> is absent
	Header    *StrategyHeader              // nil when <header> is absent
}

// StrategyConditionBlueGreen is a <conditions type="blue-green"><condition …/>
// (StrategyConditionBlueGreenEntity). A condition without expression is the
// blue-green basic (兜底) condition.
type StrategyConditionBlueGreen struct {
	ID              string
	Expression      string
	VersionID       string
	RegionID        string
	AddressID       string
	VersionWeightID string
	RegionWeightID  string
}

// StrategyConditionGray is a <conditions type="gray"><condition …/>
// (StrategyConditionGrayEntity): weight maps of route id to weight per
// dimension. Nil maps are absent attributes.
type StrategyConditionGray struct {
	ID         string
	Expression string
	Version    WeightMap
	Region     WeightMap
	Address    WeightMap
}

// RouteType is the type attribute of a <route>.
type RouteType string

// The route types Nepxion knows.
const (
	RouteVersion          RouteType = "version"
	RouteRegion           RouteType = "region"
	RouteAddress          RouteType = "address"
	RouteVersionWeight    RouteType = "version-weight"
	RouteRegionWeight     RouteType = "region-weight"
	RouteIDBlacklist      RouteType = "id-blacklist"
	RouteAddressBlacklist RouteType = "address-blacklist"
)

// StrategyRoute is a <route id="x" type="T">VALUE</route> (StrategyRouteEntity).
type StrategyRoute struct {
	ID    string
	Type  RouteType
	Value string
}

// StrategyHeader is the inner header <header>{"a":"1"}</header>
// (StrategyHeaderEntity): values that drive expressions when the request
// carries none. Names are case-insensitive and unique; order is kept.
type StrategyHeader struct {
	Entries []HeaderEntry
}

// HeaderEntry is one inner header name and value.
type HeaderEntry struct {
	Name  string
	Value string
}

// Get returns the value of name, compared case-insensitively.
func (h *StrategyHeader) Get(name string) (string, bool) {
	if h == nil {
		return "", false
	}
	for _, e := range h.Entries {
		if ascii.EqualFold(e.Name, name) {
			return e.Value, true
		}
	}
	return "", false
}

// Set adds or replaces name like Spring's LinkedCaseInsensitiveMap: a
// replaced entry moves to the end under the new spelling.
func (h *StrategyHeader) Set(name, value string) {
	for i, e := range h.Entries {
		if ascii.EqualFold(e.Name, name) {
			if e.Name == name {
				h.Entries[i].Value = value
				return
			}
			h.Entries = append(h.Entries[:i], h.Entries[i+1:]...)
			break
		}
	}
	h.Entries = append(h.Entries, HeaderEntry{Name: name, Value: value})
}

// StrategyFailover is <strategy-failover> (StrategyFailoverEntity). Values
// use the <strategy> formats.
type StrategyFailover struct {
	VersionPrefer   string
	VersionFailover string
	RegionTransfer  string
	RegionFailover  string
	EnvFailover     string
	ZoneFailover    string
	AddressFailover string
}

// StrategyBlacklist is <strategy-blacklist> (StrategyBlacklistEntity):
// instance ids (wildcards allowed) and addresses that no consumer may pick.
type StrategyBlacklist struct {
	ID      string
	Address string
}

// Parameter is <parameter>: free key/value sets per service, used by
// parameter-changed events, not by routing.
type Parameter struct {
	Services []ParameterService
}

// ParameterService is one <parameter><service …/>: every attribute, in
// document order, service-name included.
type ParameterService struct {
	Service string
	Attrs   []Attr
}

// Attr is one name="value" pair.
type Attr struct {
	Name  string
	Value string
}

// IsEmpty reports whether the strategy sets nothing.
func (s *Strategy) IsEmpty() bool {
	return s == nil || s.Version == "" && s.Region == "" && s.Address == "" && s.VersionWeight == "" && s.RegionWeight == ""
}

// IsEmpty reports whether the failover element sets nothing.
func (f *StrategyFailover) IsEmpty() bool {
	return f == nil || *f == StrategyFailover{}
}

// IsEmpty reports whether the blacklist sets nothing.
func (b *StrategyBlacklist) IsEmpty() bool {
	return b == nil || *b == StrategyBlacklist{}
}

// Clone returns a deep copy of r, so that console operations never change a
// rule their caller still holds.
func (r *Rule) Clone() *Rule {
	if r == nil {
		return &Rule{}
	}
	c := &Rule{warnings: append(Issues(nil), r.warnings...)}
	if r.Register != nil {
		c.Register = &Register{Host: r.Register.Host.clone(), Count: r.Register.Count.clone()}
	}
	if r.Discovery != nil {
		d := *r.Discovery
		d.Host = d.Host.clone()
		d.Version = cloneConsumerRules(d.Version)
		d.Region = cloneConsumerRules(d.Region)
		if d.Weight != nil {
			w := *d.Weight
			w.Services = make([]WeightEntry, len(w.Services))
			for i, e := range d.Weight.Services {
				e.Weights = e.Weights.clone()
				w.Services[i] = e
			}
			w.Version, w.Region = w.Version.clone(), w.Region.clone()
			d.Weight = &w
		}
		c.Discovery = &d
	}
	if r.Strategy != nil {
		s := *r.Strategy
		c.Strategy = &s
	}
	c.StrategyRelease = r.StrategyRelease.clone()
	if r.StrategyFailover != nil {
		f := *r.StrategyFailover
		c.StrategyFailover = &f
	}
	if r.StrategyBlacklist != nil {
		b := *r.StrategyBlacklist
		c.StrategyBlacklist = &b
	}
	if r.Parameter != nil {
		p := &Parameter{Services: make([]ParameterService, len(r.Parameter.Services))}
		for i, s := range r.Parameter.Services {
			p.Services[i] = ParameterService{Service: s.Service, Attrs: append([]Attr(nil), s.Attrs...)}
		}
		c.Parameter = p
	}
	return c
}

func (h *HostFilter) clone() *HostFilter {
	if h == nil {
		return nil
	}
	c := &HostFilter{Type: h.Type, Values: cloneStrings(h.Values)}
	for _, s := range h.Services {
		c.Services = append(c.Services, ServiceValues{Service: s.Service, Values: cloneStrings(s.Values)})
	}
	return c
}

func (f *CountFilter) clone() *CountFilter {
	if f == nil {
		return nil
	}
	c := &CountFilter{Value: cloneInt(f.Value)}
	for _, s := range f.Services {
		c.Services = append(c.Services, ServiceCount{Service: s.Service, Value: cloneInt(s.Value)})
	}
	return c
}

func (r *StrategyRelease) clone() *StrategyRelease {
	if r == nil {
		return nil
	}
	c := &StrategyRelease{}
	if r.BlueGreen != nil {
		c.BlueGreen = append([]StrategyConditionBlueGreen{}, r.BlueGreen...)
	}
	if r.Gray != nil {
		c.Gray = make([]StrategyConditionGray, len(r.Gray))
		for i, g := range r.Gray {
			g.Version, g.Region, g.Address = g.Version.clone(), g.Region.clone(), g.Address.clone()
			c.Gray[i] = g
		}
	}
	if r.Routes != nil {
		c.Routes = append([]StrategyRoute{}, r.Routes...)
	}
	if r.Header != nil {
		c.Header = &StrategyHeader{Entries: append([]HeaderEntry(nil), r.Header.Entries...)}
	}
	return c
}

func (m WeightMap) clone() WeightMap {
	if m == nil {
		return nil
	}
	return append(WeightMap{}, m...)
}

func cloneConsumerRules(in []ConsumerRule) []ConsumerRule {
	if in == nil {
		return nil
	}
	out := make([]ConsumerRule, len(in))
	for i, e := range in {
		e.ConsumerValues, e.ProviderValues = cloneStrings(e.ConsumerValues), cloneStrings(e.ProviderValues)
		out[i] = e
	}
	return out
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
