package rule

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/jackson"
)

// EmptyXML is Nepxion's empty rule (DiscoveryConstant.EMPTY_XML_RULE).
const EmptyXML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rule>\n</rule>"

const indent = "    "

// XML writes r byte for byte as Nepxion's XmlConfigDeparser does: a UTF-8
// declaration, LF line ends, four-space indentation, self-closing leaf
// elements, values as stored, and no newline after </rule>.
//
// Two differences, both only where Nepxion would write XML that no parser
// reads back: '&' and '<' in element text and '&', '<', '"' in attribute
// values are escaped everywhere (Nepxion escapes only expressions), and a
// <discovery><weight> without a global <version> or <region> is written
// instead of failing.
func (r *Rule) XML() []byte {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rule>\n")
	if r != nil {
		writeRegister(&b, r.Register)
		writeDiscovery(&b, r.Discovery)
		writeStrategy(&b, r.Strategy)
		writeRelease(&b, r.StrategyRelease)
		writeFailover(&b, r.StrategyFailover)
		writeBlacklist(&b, r.StrategyBlacklist)
		writeParameter(&b, r.Parameter)
	}
	b.WriteString("</rule>")
	return []byte(b.String())
}

// escapeText escapes element text.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "&<") {
		return s
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;").Replace(s)
}

// escapeAttr is Nepxion's EscapeType.escape(value, true): & < and " only.
func escapeAttr(s string) string {
	if !strings.ContainsAny(s, "&<\"") {
		return s
	}
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", "\"", "&quot;").Replace(s)
}

func attr(b *strings.Builder, name, value string) {
	b.WriteByte(' ')
	b.WriteString(name)
	b.WriteString("=\"")
	b.WriteString(escapeAttr(value))
	b.WriteByte('"')
}

// leaf writes <name>text</name> at depth, when text is set.
func leaf(b *strings.Builder, depth int, name, text string) {
	if text == "" {
		return
	}
	b.WriteString(strings.Repeat(indent, depth))
	b.WriteString("<" + name + ">")
	b.WriteString(escapeText(text))
	b.WriteString("</" + name + ">\n")
}

func open(b *strings.Builder, depth int, name string) {
	b.WriteString(strings.Repeat(indent, depth) + "<" + name + ">\n")
}

func closeTag(b *strings.Builder, depth int, name string) {
	b.WriteString(strings.Repeat(indent, depth) + "</" + name + ">\n")
}

func writeRegister(b *strings.Builder, r *Register) {
	if r == nil || (r.Host == nil && r.Count == nil) {
		return
	}
	open(b, 1, "register")
	writeHostFilter(b, r.Host)
	if c := r.Count; c != nil && (c.Value != nil || len(c.Services) > 0) {
		b.WriteString(indent + indent + "<count")
		if c.Value != nil {
			attr(b, "filter-value", strconv.Itoa(*c.Value))
		}
		b.WriteString(">\n")
		for _, s := range c.Services {
			b.WriteString(indent + indent + indent + "<service")
			attr(b, "service-name", s.Service)
			if s.Value != nil {
				attr(b, "filter-value", strconv.Itoa(*s.Value))
			}
			b.WriteString("/>\n")
		}
		closeTag(b, 2, "count")
	}
	closeTag(b, 1, "register")
}

func writeHostFilter(b *strings.Builder, h *HostFilter) {
	if h == nil || (len(h.Values) == 0 && len(h.Services) == 0) {
		return
	}
	b.WriteString(indent + indent + "<" + string(h.Type))
	if len(h.Values) > 0 {
		attr(b, "filter-value", joinList(h.Values))
	}
	b.WriteString(">\n")
	for _, s := range h.Services {
		b.WriteString(indent + indent + indent + "<service")
		attr(b, "service-name", s.Service)
		if len(s.Values) > 0 {
			attr(b, "filter-value", joinList(s.Values))
		}
		b.WriteString("/>\n")
	}
	closeTag(b, 2, string(h.Type))
}

func writeDiscovery(b *strings.Builder, d *Discovery) {
	if d == nil || (d.Host == nil && d.Version == nil && d.Region == nil && d.Weight == nil) {
		return
	}
	open(b, 1, "discovery")
	writeHostFilter(b, d.Host)
	writeConsumerRules(b, "version", d.Version)
	writeConsumerRules(b, "region", d.Region)
	if w := d.Weight; w != nil {
		open(b, 2, "weight")
		writeWeightEntries(b, w.Services, WeightVersion)
		writeGlobalWeight(b, "version", w.Version)
		writeWeightEntries(b, w.Services, WeightRegion)
		writeGlobalWeight(b, "region", w.Region)
		closeTag(b, 2, "weight")
	}
	closeTag(b, 1, "discovery")
}

// writeWeightEntries writes the <service> entries of one type; consumer
// entries come first because the parser stores them first.
func writeWeightEntries(b *strings.Builder, list []WeightEntry, t WeightType) {
	for _, e := range list {
		if e.Type != t {
			continue
		}
		b.WriteString(indent + indent + indent + "<service")
		if e.Consumer != "" {
			attr(b, "consumer-service-name", e.Consumer)
		}
		attr(b, "provider-service-name", e.Provider)
		attr(b, "provider-weight-value", e.Weights.String())
		attr(b, "type", string(e.Type))
		b.WriteString("/>\n")
	}
}

func writeGlobalWeight(b *strings.Builder, name string, m WeightMap) {
	if len(m) == 0 {
		return
	}
	b.WriteString(indent + indent + indent + "<" + name)
	attr(b, "provider-weight-value", m.String())
	b.WriteString("/>\n")
}

func writeConsumerRules(b *strings.Builder, kind string, list []ConsumerRule) {
	if len(list) == 0 {
		return
	}
	open(b, 2, kind)
	for _, e := range list {
		b.WriteString(indent + indent + indent + "<service")
		attr(b, "consumer-service-name", e.Consumer)
		attr(b, "provider-service-name", e.Provider)
		if len(e.ConsumerValues) > 0 {
			attr(b, "consumer-"+kind+"-value", joinList(e.ConsumerValues))
		}
		if len(e.ProviderValues) > 0 {
			attr(b, "provider-"+kind+"-value", joinList(e.ProviderValues))
		}
		b.WriteString("/>\n")
	}
	closeTag(b, 2, kind)
}

func writeStrategy(b *strings.Builder, s *Strategy) {
	if s.IsEmpty() {
		return
	}
	open(b, 1, "strategy")
	leaf(b, 2, "version", s.Version)
	leaf(b, 2, "region", s.Region)
	leaf(b, 2, "address", s.Address)
	leaf(b, 2, "version-weight", s.VersionWeight)
	leaf(b, 2, "region-weight", s.RegionWeight)
	closeTag(b, 1, "strategy")
}

func writeRelease(b *strings.Builder, r *StrategyRelease) {
	if r == nil || (len(r.BlueGreen) == 0 && len(r.Gray) == 0 && len(r.Routes) == 0 && r.Header == nil) {
		return
	}
	open(b, 1, "strategy-release")
	if len(r.BlueGreen) > 0 {
		b.WriteString(indent + indent + "<conditions type=\"blue-green\">\n")
		for _, c := range r.BlueGreen {
			b.WriteString(indent + indent + indent + "<condition")
			attr(b, "id", c.ID)
			if c.Expression != "" {
				attr(b, "expression", c.Expression)
			}
			optAttr(b, "version-id", c.VersionID)
			optAttr(b, "region-id", c.RegionID)
			optAttr(b, "address-id", c.AddressID)
			optAttr(b, "version-weight-id", c.VersionWeightID)
			optAttr(b, "region-weight-id", c.RegionWeightID)
			b.WriteString("/>\n")
		}
		closeTag(b, 2, "conditions")
	}
	if len(r.Gray) > 0 {
		b.WriteString(indent + indent + "<conditions type=\"gray\">\n")
		for _, c := range r.Gray {
			b.WriteString(indent + indent + indent + "<condition")
			attr(b, "id", c.ID)
			if c.Expression != "" {
				attr(b, "expression", c.Expression)
			}
			optAttr(b, "version-id", c.Version.String())
			optAttr(b, "region-id", c.Region.String())
			optAttr(b, "address-id", c.Address.String())
			b.WriteString("/>\n")
		}
		closeTag(b, 2, "conditions")
	}
	if len(r.Routes) > 0 {
		open(b, 2, "routes")
		for _, rt := range r.Routes {
			b.WriteString(indent + indent + indent + "<route")
			attr(b, "id", rt.ID)
			attr(b, "type", string(rt.Type))
			b.WriteString(">" + escapeText(rt.Value) + "</route>\n")
		}
		closeTag(b, 2, "routes")
	}
	if r.Header != nil && len(r.Header.Entries) > 0 {
		leaf(b, 2, "header", r.Header.JSON())
	}
	closeTag(b, 1, "strategy-release")
}

func optAttr(b *strings.Builder, name, value string) {
	if value != "" {
		attr(b, name, value)
	}
}

// JSON returns the inner header as compact JSON, as Jackson writes it.
func (h *StrategyHeader) JSON() string {
	keys := make([]string, len(h.Entries))
	values := make([]string, len(h.Entries))
	for i, e := range h.Entries {
		keys[i], values[i] = e.Name, e.Value
	}
	return jackson.StringMap(keys, values)
}

func writeFailover(b *strings.Builder, f *StrategyFailover) {
	if f.IsEmpty() {
		return
	}
	open(b, 1, "strategy-failover")
	leaf(b, 2, "version-prefer", f.VersionPrefer)
	leaf(b, 2, "version-failover", f.VersionFailover)
	leaf(b, 2, "region-transfer", f.RegionTransfer)
	leaf(b, 2, "region-failover", f.RegionFailover)
	leaf(b, 2, "env-failover", f.EnvFailover)
	leaf(b, 2, "zone-failover", f.ZoneFailover)
	leaf(b, 2, "address-failover", f.AddressFailover)
	closeTag(b, 1, "strategy-failover")
}

func writeBlacklist(b *strings.Builder, bl *StrategyBlacklist) {
	if bl.IsEmpty() {
		return
	}
	open(b, 1, "strategy-blacklist")
	leaf(b, 2, "id", bl.ID)
	leaf(b, 2, "address", bl.Address)
	closeTag(b, 1, "strategy-blacklist")
}

func writeParameter(b *strings.Builder, p *Parameter) {
	if p == nil || len(p.Services) == 0 {
		return
	}
	open(b, 1, "parameter")
	for _, s := range p.Services {
		b.WriteString(indent + indent + "<service")
		for _, a := range s.Attrs {
			attr(b, a.Name, a.Value)
		}
		b.WriteString("/>\n")
	}
	closeTag(b, 1, "parameter")
}
