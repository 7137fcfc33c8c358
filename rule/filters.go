package rule

import "strings"

// discoveryFilters applies the consumer rule's <discovery> listeners: host
// filter, then version, then region (rule-model.md §1.3).
func (h *Hop) discoveryFilters(c []Instance, idx []int) []int {
	if h.Rule == nil || h.Rule.discovery == nil {
		return idx
	}
	d := h.Rule.discovery
	if d.Host != nil {
		idx = hostFilter(d.Host, h.Provider, c, idx)
	}
	self := h.Self
	if self == nil {
		self = &Instance{}
	}
	if d.Version != nil {
		idx = consumerFilter(d.Version, self.Service, self.VersionOr(), h.Provider, c, idx, (*Instance).VersionOr)
	}
	if d.Region != nil {
		idx = consumerFilter(d.Region, self.Service, self.RegionOr(), h.Provider, c, idx, (*Instance).RegionOr)
	}
	return idx
}

// hostFilter hides providers by IP prefix: a blacklist removes hosts starting
// with a prefix, a whitelist keeps only those (global plus per-service lists).
func hostFilter(f *HostFilter, provider string, c []Instance, idx []int) []int {
	var service []string
	for _, s := range f.Services {
		if s.Service == provider {
			service = s.Values
		}
	}
	if len(f.Values) == 0 && len(service) == 0 {
		return idx
	}
	out := idx[:0]
	for _, i := range idx {
		hit := hasPrefix(f.Values, c[i].Host) || hasPrefix(service, c[i].Host)
		if hit == (f.Type == FilterWhitelist) {
			out = append(out, i)
		}
	}
	return out
}

func hasPrefix(prefixes []string, host string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(host, p) {
			return true
		}
	}
	return false
}

// consumerFilter is VersionFilterLoadBalanceListener (and its region twin):
// the union of provider values of the entries for (consumer, provider) whose
// consumer values contain the consumer's own value (or are empty). No entry
// for the pair: no filter; entries but none matching: nothing is left; only
// empty provider values: no filter.
func consumerFilter(rules []ConsumerRule, consumer, own, provider string, c []Instance, idx []int, get func(*Instance) string) []int {
	if own == "" {
		return idx
	}
	pair, matched, constrained := false, false, false
	for i := range rules {
		r := &rules[i]
		if r.Consumer != consumer || r.Provider != provider {
			continue
		}
		pair = true
		if len(r.ConsumerValues) == 0 || containsString(r.ConsumerValues, own) {
			matched = true
			constrained = constrained || len(r.ProviderValues) > 0
		}
	}
	if !pair {
		return idx
	}
	if !matched {
		return idx[:0]
	}
	if !constrained {
		return idx
	}
	out := idx[:0]
	for _, i := range idx {
		v := get(&c[i])
		for j := range rules {
			r := &rules[j]
			if r.Consumer == consumer && r.Provider == provider &&
				(len(r.ConsumerValues) == 0 || containsString(r.ConsumerValues, own)) && containsString(r.ProviderValues, v) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// weightOf resolves a strategy weight value (n-d-version-weight or
// n-d-region-weight) for one provider key, like Nepxion's
// StrategyWeightRandomLoadBalanceAdapter: a JSON object of string values is
// per provider service (compared case-insensitively), anything else is one
// global "key=weight;…" list. -1 means undefined.
func weightOf(value, provider, key string) int {
	if value == "" {
		return -1
	}
	if entry, isJSON := weightEntry(value, provider); isJSON {
		if entry == "" {
			return -1
		}
		return weightIn(entry, key)
	}
	return weightIn(value, key)
}

// weightEntry returns the entry of provider in a JSON object whose values
// are all strings; isJSON is false when value is not such an object.
func weightEntry(value, provider string) (entry string, isJSON bool) {
	s := jscan{s: value}
	s.space()
	if !s.byte('{') {
		return "", false
	}
	found := false
	s.space()
	if s.byte('}') {
		return "", true
	}
	for {
		s.space()
		key, keyEsc, ok := s.str()
		if !ok {
			return "", false
		}
		s.space()
		if !s.byte(':') {
			return "", false
		}
		s.space()
		raw, esc, ok := s.str()
		if !ok {
			return "", false // a non-string value: Nepxion's cast fails, plain parsing follows
		}
		if !found && keyFold(key, keyEsc, provider) {
			found, entry = true, raw
			if esc {
				if entry, ok = unescapeJSON(raw); !ok {
					return "", false
				}
			}
		}
		s.space()
		if s.byte('}') {
			return entry, true
		}
		if !s.byte(',') {
			return "", false
		}
	}
}

func keyFold(raw string, escaped bool, want string) bool {
	if escaped {
		k, ok := unescapeJSON(raw)
		return ok && strings.EqualFold(k, want)
	}
	return strings.EqualFold(raw, want)
}

// weightIn returns the weight of key in "k=v;k=v" (the last one wins, as in
// a map), 0 for a value that is not a non-negative integer, -1 when absent.
func weightIn(list, key string) int {
	w := -1
	for tok := range tokens(list) {
		k, v, _ := strings.Cut(strings.TrimLeft(tok, "="), "=")
		if strings.TrimSpace(k) != key {
			continue
		}
		v = strings.TrimSpace(strings.Trim(v, "="))
		if i := strings.IndexByte(v, '='); i >= 0 {
			v = strings.TrimSpace(v[:i])
		}
		n, ok := parseJavaInt(v)
		if !ok || n < 0 {
			n = 0
		}
		w = n
	}
	return w
}
