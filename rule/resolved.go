package rule

import (
	"strings"
	"unsafe"
)

// resolvedValues holds ServiceValue of every route value a rule carries,
// worked out once per rule: Select resolves the values a decision of the
// rule took from it without scanning their JSON on every call. A value is
// found by the address and length of its bytes, so a value that came from
// anywhere else (a request header) is resolved as before.
type resolvedValues struct {
	list []resolved
	at   map[*byte][]int // for many values: the entries whose bytes start at an address
}

// resolved is ServiceValue(raw, s) for every service s: by service for the
// keys of the raw JSON object, other for any other service.
type resolved struct {
	raw      string
	services []string
	values   []string
	other    string
}

// manyValues is how many values are found by comparing each.
const manyValues = 8

// add resolves raw, unless it is empty, known, or an object with escaped
// keys (which ServiceValue compares after unescaping).
func (x *resolvedValues) add(raw string) {
	if raw == "" || x.find(raw) != nil {
		return
	}
	keys, ok := objectKeys(raw)
	if !ok {
		return
	}
	r := resolved{raw: raw, other: ServiceValue(raw, strings.Repeat("\x00", len(raw)+1))} // no key is longer than raw
	for _, k := range keys {
		r.services = append(r.services, k)
		r.values = append(r.values, ServiceValue(raw, k))
	}
	x.list = append(x.list, r)
	switch {
	case x.at != nil:
		p := unsafe.StringData(raw)
		x.at[p] = append(x.at[p], len(x.list)-1)
	case len(x.list) > manyValues:
		x.at = make(map[*byte][]int, 2*len(x.list))
		for i := range x.list {
			p := unsafe.StringData(x.list[i].raw)
			x.at[p] = append(x.at[p], i)
		}
	}
}

// find returns the entry of the very bytes of v, or nil.
func (x *resolvedValues) find(v string) *resolved {
	p := unsafe.StringData(v)
	if x.at != nil {
		for _, i := range x.at[p] {
			if len(x.list[i].raw) == len(v) {
				return &x.list[i]
			}
		}
		return nil
	}
	for i := range x.list {
		if r := &x.list[i]; unsafe.StringData(r.raw) == p && len(r.raw) == len(v) {
			return r
		}
	}
	return nil
}

// serviceValue is ServiceValue(value, service), from the rule's resolved
// values when value is one of them. c may be nil.
func (c *Compiled) serviceValue(value, service string) string {
	if c != nil && value != "" {
		if r := c.resolved.find(value); r != nil {
			for i, s := range r.services {
				if s == service {
					return r.values[i]
				}
			}
			return r.other
		}
	}
	return ServiceValue(value, service)
}

// objectKeys lists the keys of the members of the JSON object raw, as far
// as ServiceValue reads them (ServiceValue gives raw itself to every service
// past a syntax error); ok is false when a key has escapes.
func objectKeys(raw string) (keys []string, ok bool) {
	s := jscan{s: raw}
	s.space()
	if !s.byte('{') {
		return nil, true
	}
	for {
		s.space()
		key, escaped, good := s.str()
		if escaped {
			return nil, false
		}
		if !good {
			return keys, true
		}
		keys = append(keys, key)
		s.space()
		if !s.byte(':') {
			return keys, true
		}
		s.space()
		if !s.value() {
			return keys, true
		}
		s.space()
		if !s.byte(',') {
			return keys, true
		}
	}
}
