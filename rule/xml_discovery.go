package rule

import (
	"fmt"
	"strings"
)

// The <discovery> part of the XML parser: host, version, region and weight
// filters, stored in Nepxion's map order.

func (p *xmlParser) discovery(path string, n *xnode) (*Discovery, error) {
	d := &Discovery{}
	for _, c := range n.children {
		cpath := path + "/" + c.name
		var err error
		switch c.name {
		case "blacklist", "whitelist":
			if d.Host != nil {
				return nil, fail(cpath, "rule.element.duplicate", "Allow only one filter element to be configed, [blacklist] or [whitelist]")
			}
			d.Host, err = p.hostFilter(cpath, c)
		case "version":
			if d.Version != nil {
				return nil, allowOnlyOne(cpath, "version")
			}
			d.Version, err = p.consumerRules(cpath, c, "version")
		case "region":
			if d.Region != nil {
				return nil, allowOnlyOne(cpath, "region")
			}
			d.Region, err = p.consumerRules(cpath, c, "region")
		case "weight":
			if d.Weight != nil {
				return nil, allowOnlyOne(cpath, "weight")
			}
			d.Weight, err = p.weightFilter(cpath, c)
		default:
			p.unknown(path, c)
		}
		if err != nil {
			return nil, err
		}
	}
	return d, nil
}

// consumerRules parses <discovery><version> or <region>. Entries are grouped
// by consumer in first-appearance order, as Nepxion's map stores them.
func (p *xmlParser) consumerRules(path string, n *xnode, kind string) ([]ConsumerRule, error) {
	var out grouped[ConsumerRule]
	cAttr, pAttr := "consumer-"+kind+"-value", "provider-"+kind+"-value"
	for i, c := range n.children {
		cpath := fmt.Sprintf("%s/service[%d]", path, i)
		if c.name != "service" {
			p.unknown(path, c)
			continue
		}
		p.checkAttrs(cpath, c, "consumer-service-name", "provider-service-name", cAttr, pAttr)
		e := ConsumerRule{}
		var ok bool
		if e.Consumer, ok = c.attr("consumer-service-name"); !ok {
			return nil, missingAttr(cpath, "consumer-service-name", "service")
		}
		if e.Provider, ok = c.attr("provider-service-name"); !ok {
			return nil, missingAttr(cpath, "provider-service-name", "service")
		}
		if v, ok := c.attr(cAttr); ok {
			e.ConsumerValues = splitList(v)
		}
		if v, ok := c.attr(pAttr); ok {
			e.ProviderValues = splitList(v)
		}
		out.add(e.Consumer, e)
	}
	return out.appendTo([]ConsumerRule{}), nil
}

func (p *xmlParser) weightFilter(path string, n *xnode) (*WeightFilter, error) {
	w := &WeightFilter{}
	var versionByConsumer, regionByConsumer grouped[WeightEntry]
	var versionAll, regionAll []WeightEntry
	for i, c := range n.children {
		cpath := fmt.Sprintf("%s/%s[%d]", path, c.name, i)
		switch c.name {
		case "service":
			p.checkAttrs(cpath, c, "consumer-service-name", "provider-service-name", "provider-weight-value", "type")
			t, ok := c.attr("type")
			if !ok {
				return nil, missingAttr(cpath, "type", "service")
			}
			e := WeightEntry{}
			switch strings.ToLower(t) {
			case "version":
				e.Type = WeightVersion
			case "region":
				e.Type = WeightRegion
			default:
				return nil, noMatchedType(cpath+"/@type", t)
			}
			e.Consumer, _ = c.attr("consumer-service-name")
			if e.Provider, ok = c.attr("provider-service-name"); !ok {
				return nil, missingAttr(cpath, "provider-service-name", "service")
			}
			v, ok := c.attr("provider-weight-value")
			if !ok {
				return nil, missingAttr(cpath, "provider-weight-value", "service")
			}
			e.Weights = parseWeights(v)
			switch {
			case e.Type == WeightVersion && e.Consumer != "":
				versionByConsumer.add(e.Consumer, e)
			case e.Type == WeightVersion:
				versionAll = append(versionAll, e)
			case e.Consumer != "":
				regionByConsumer.add(e.Consumer, e)
			default:
				regionAll = append(regionAll, e)
			}
		case "version", "region":
			p.checkAttrs(cpath, c, "provider-weight-value")
			if (c.name == "version" && w.Version != nil) || (c.name == "region" && w.Region != nil) {
				return nil, allowOnlyOne(cpath, c.name)
			}
			v, ok := c.attr("provider-weight-value")
			if !ok {
				return nil, missingAttr(cpath, "provider-weight-value", c.name)
			}
			if c.name == "version" {
				w.Version = parseWeights(v)
			} else {
				w.Region = parseWeights(v)
			}
		default:
			p.unknown(path, c)
		}
	}
	w.Services = append(regionByConsumer.appendTo(append(versionByConsumer.appendTo(nil), versionAll...)), regionAll...)
	return w, nil
}
