package rule

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/switchyard-io/switchyard/rule/internal/budget"
)

// ParseXML parses a rule in Nepxion's XML format. Errors carry the element
// path in Field and, for every check Nepxion's XmlConfigParser makes,
// Nepxion's own message ("Allow only one element[strategy] to be configed").
// Unknown elements and attributes are accepted, as Nepxion does, and reported
// as warnings by Validate.
//
// The text must be within the limits (DefaultLimits): at most RuleBytes, and
// its shape within Depth, Nodes, Members, Attributes and StringBytes.
func ParseXML(data []byte) (*Rule, error) {
	if err := budget.CheckSize(data, limits.RuleBytes, "the rule"); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nepxionError("rule.empty", "Config is null or empty")
	}
	if err := xmlShape(data, &limits); err != nil {
		return nil, err
	}
	root, err := parseDOM(data)
	if e, ok := budget.Of(err); ok {
		return nil, e
	}
	if err != nil {
		return nil, invalid("", "rule.xml.syntax", "invalid XML: %v", err)
	}
	p := &xmlParser{}
	r, err := p.root(root)
	if err != nil {
		return nil, err
	}
	r.warnings = p.warnings
	return r, nil
}

type xmlParser struct {
	warnings Issues
}

func fail(path, reason, format string, args ...any) error {
	return invalid(path, reason, format, args...)
}

func allowOnlyOne(path, name string) error {
	return fail(path, "rule.element.duplicate", "Allow only one element[%s] to be configed", name)
}

func missingAttr(path, attr, elem string) error {
	return fail(path, "rule.attribute.missing", "Attribute[%s] in element[%s] is missing", attr, elem)
}

func noMatchedType(path, value string) error {
	return fail(path, "rule.type.unknown", "No matched type with value=%s", value)
}

// onlyOne checks that each named child appears at most once.
func onlyOne(n *xnode, path string, names ...string) error {
	for _, name := range names {
		if n.count(name) > 1 {
			return allowOnlyOne(path+"/"+name, name)
		}
	}
	return nil
}

// unknown records a warning for an element Nepxion would silently ignore.
func (p *xmlParser) unknown(path string, n *xnode) {
	p.warnings.warnf(path+"/"+n.name, "rule.element.unknown", "unknown element[%s] is ignored", n.name)
}

// checkAttrs warns about attributes Nepxion never reads.
func (p *xmlParser) checkAttrs(path string, n *xnode, known ...string) {
	for _, a := range n.attrs {
		if a.Name.Space != "" || strings.HasPrefix(a.Name.Local, "xmlns") {
			continue
		}
		ok := false
		for _, k := range known {
			if a.Name.Local == k {
				ok = true
				break
			}
		}
		if !ok {
			p.warnings.warnf(path+"/@"+a.Name.Local, "rule.attribute.unknown", "unknown attribute[%s] in element[%s] is ignored", a.Name.Local, n.name)
		}
	}
}

func (p *xmlParser) root(n *xnode) (*Rule, error) {
	if n.name != "rule" {
		return nil, fail(n.name, "rule.root", "root element must be [rule], found [%s]", n.name)
	}
	if err := onlyOne(n, "rule", "register", "discovery", "strategy", "strategy-release", "strategy-failover", "strategy-blacklist", "parameter"); err != nil {
		return nil, err
	}
	r := &Rule{}
	var err error
	for _, c := range n.children {
		path := "rule/" + c.name
		switch c.name {
		case "register":
			r.Register, err = p.register(path, c)
		case "discovery":
			r.Discovery, err = p.discovery(path, c)
		case "strategy":
			r.Strategy, err = p.strategy(path, c)
		case "strategy-release":
			r.StrategyRelease, err = p.release(path, c)
		case "strategy-failover":
			r.StrategyFailover, err = p.failover(path, c)
		case "strategy-blacklist":
			r.StrategyBlacklist, err = p.blacklist(path, c)
		case "parameter":
			r.Parameter, err = p.parameter(path, c)
		default:
			p.unknown("rule", c)
		}
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (p *xmlParser) register(path string, n *xnode) (*Register, error) {
	reg := &Register{}
	for _, c := range n.children {
		var err error
		switch c.name {
		case "blacklist", "whitelist":
			if reg.Host != nil {
				return nil, fail(path+"/"+c.name, "rule.element.duplicate", "Allow only one filter element to be configed, [blacklist] or [whitelist]")
			}
			reg.Host, err = p.hostFilter(path+"/"+c.name, c)
		case "count":
			if reg.Count != nil {
				return nil, allowOnlyOne(path+"/count", "count")
			}
			reg.Count, err = p.countFilter(path+"/count", c)
		default:
			p.unknown(path, c)
		}
		if err != nil {
			return nil, err
		}
	}
	return reg, nil
}

func (p *xmlParser) hostFilter(path string, n *xnode) (*HostFilter, error) {
	p.checkAttrs(path, n, "filter-value")
	h := &HostFilter{Type: FilterType(n.name)}
	if v, ok := n.attr("filter-value"); ok {
		h.Values = splitList(v)
	}
	var pos positions
	for i, c := range n.children {
		cpath := fmt.Sprintf("%s/service[%d]", path, i)
		if c.name != "service" {
			p.unknown(path, c)
			continue
		}
		p.checkAttrs(cpath, c, "service-name", "filter-value")
		name, ok := c.attr("service-name")
		if !ok {
			return nil, missingAttr(cpath, "service-name", "service")
		}
		var values []string
		if v, ok := c.attr("filter-value"); ok {
			values = splitList(v)
		}
		// LinkedHashMap.put: a repeated service keeps its position.
		if i, ok := pos.find(len(h.Services), func(i int) string { return h.Services[i].Service }, name); ok {
			h.Services[i].Values = values
			continue
		}
		pos.added(name, len(h.Services))
		h.Services = append(h.Services, ServiceValues{Service: name, Values: values})
	}
	return h, nil
}

func (p *xmlParser) countFilter(path string, n *xnode) (*CountFilter, error) {
	p.checkAttrs(path, n, "filter-value")
	f := &CountFilter{}
	v, err := countValue(path, n)
	if err != nil {
		return nil, err
	}
	f.Value = v
	var pos positions
	for i, c := range n.children {
		cpath := fmt.Sprintf("%s/service[%d]", path, i)
		if c.name != "service" {
			p.unknown(path, c)
			continue
		}
		p.checkAttrs(cpath, c, "service-name", "filter-value")
		name, ok := c.attr("service-name")
		if !ok {
			return nil, missingAttr(cpath, "service-name", "service")
		}
		v, err := countValue(cpath, c)
		if err != nil {
			return nil, err
		}
		if j, ok := pos.find(len(f.Services), func(j int) string { return f.Services[j].Service }, name); ok {
			f.Services[j].Value = v
			continue
		}
		pos.added(name, len(f.Services))
		f.Services = append(f.Services, ServiceCount{Service: name, Value: v})
	}
	return f, nil
}

func countValue(path string, n *xnode) (*int, error) {
	s, ok := n.attr("filter-value")
	if !ok || s == "" {
		return nil, nil
	}
	v, ok := parseJavaInt(s)
	if !ok {
		return nil, fail(path+"/@filter-value", "rule.count.invalid", "Attribute[filter-value] value in element[%s] is invalid, must be int type", n.name)
	}
	return &v, nil
}

func (p *xmlParser) strategy(path string, n *xnode) (*Strategy, error) {
	if err := onlyOne(n, path, "version", "region", "address", "version-weight", "region-weight"); err != nil {
		return nil, err
	}
	s := &Strategy{}
	for _, c := range n.children {
		switch c.name {
		case "version":
			s.Version = c.textTrim()
		case "region":
			s.Region = c.textTrim()
		case "address":
			s.Address = c.textTrim()
		case "version-weight":
			s.VersionWeight = c.textTrim()
		case "region-weight":
			s.RegionWeight = c.textTrim()
		default:
			p.unknown(path, c)
		}
	}
	return s, nil
}

func (p *xmlParser) failover(path string, n *xnode) (*StrategyFailover, error) {
	names := []string{"version-prefer", "version-failover", "region-transfer", "region-failover", "env-failover", "zone-failover", "address-failover"}
	if err := onlyOne(n, path, names...); err != nil {
		return nil, err
	}
	f := &StrategyFailover{}
	fields := []*string{&f.VersionPrefer, &f.VersionFailover, &f.RegionTransfer, &f.RegionFailover, &f.EnvFailover, &f.ZoneFailover, &f.AddressFailover}
	for _, c := range n.children {
		i := indexOf(names, c.name)
		if i < 0 {
			p.unknown(path, c)
			continue
		}
		*fields[i] = c.textTrim()
	}
	return f, nil
}

func (p *xmlParser) blacklist(path string, n *xnode) (*StrategyBlacklist, error) {
	if err := onlyOne(n, path, "id", "address"); err != nil {
		return nil, err
	}
	b := &StrategyBlacklist{}
	for _, c := range n.children {
		switch c.name {
		case "id":
			b.ID = c.textTrim()
		case "address":
			b.Address = c.textTrim()
		default:
			p.unknown(path, c)
		}
	}
	return b, nil
}

func (p *xmlParser) parameter(path string, n *xnode) (*Parameter, error) {
	par := &Parameter{}
	var services grouped[ParameterService]
	for i, c := range n.children {
		cpath := fmt.Sprintf("%s/service[%d]", path, i)
		if c.name != "service" {
			p.unknown(path, c)
			continue
		}
		name, ok := c.attr("service-name")
		if !ok {
			return nil, missingAttr(cpath, "service-name", "service")
		}
		s := ParameterService{Service: name}
		for _, a := range c.attrs {
			if a.Name.Space != "" {
				continue
			}
			s.Attrs = append(s.Attrs, Attr{Name: a.Name.Local, Value: javaTrim(a.Value)})
		}
		services.add(s.Service, s)
	}
	par.Services = services.appendTo(nil)
	return par, nil
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// conditionCount is Nepxion's StringUtil.count(expression, "#H['"): -1 for an
// empty expression, so basic conditions sort last.
func conditionCount(expr string) int {
	if expr == "" {
		return -1
	}
	return strings.Count(expr, "#H['")
}
