package rule

// filterKind names the strategy filters, in Nepxion's order
// (strategy/filter/*EnabledFilter, rule-model.md §4.3).
type filterKind int

const (
	filterIDBlacklist filterKind = iota
	filterAddressBlacklist
	filterGroup
	filterEnv
	filterZone
	filterAddress
	filterRegion
	filterVersion
	numFilters
)

// view is the list a Nepxion filter sees while it removes servers from it:
// the survivors so far (idx[:w]), the current server and the ones still to
// check (idx[r:]). Filters that look at "the servers" see exactly this.
type view struct {
	idx  []int
	w, r int
}

func (v *view) each(yield func(int) bool) {
	for _, i := range v.idx[:v.w] {
		if !yield(i) {
			return
		}
	}
	for _, i := range v.idx[v.r:] {
		if !yield(i) {
			return
		}
	}
}

// chain runs the strategy filters over idx in place.
func (s *selector) chain(idx []int) ([]int, error) {
	for f := range numFilters {
		if !s.active(f) {
			continue
		}
		v := view{idx: idx}
		for v.r < len(idx) {
			i := idx[v.r]
			keep, err := s.keep(f, &v, i)
			if err != nil {
				return idx[:0], err
			}
			v.r++
			if keep {
				idx[v.w] = i
				v.w++
			}
		}
		idx = idx[:v.w]
	}
	return idx, nil
}

func (s *selector) value(h RouteHeader) string { return s.vals[h] }

// match is MatchList(s.value(h), value), without the pattern pass when no
// token of the list is a pattern.
func (s *selector) match(h RouteHeader, value string) bool {
	switch s.kind[h] {
	case listOne:
		return value == s.vals[h]
	case listPlain:
		return InList(s.vals[h], value)
	}
	return MatchList(s.vals[h], value)
}

// listKind says how a ";" list of values or patterns can be matched.
type listKind uint8

const (
	listPatterns listKind = iota // MatchList
	listPlain                    // no token is a pattern: InList
	listOne                      // one non-empty plain token: equality
)

func listKindOf(values string) listKind {
	one := values != ""
	for i := 0; i < len(values); i++ {
		switch c := values[i]; {
		case c == ';':
			one = false
		case isPatternByte(c):
			return listPatterns
		}
	}
	if one {
		return listOne
	}
	return listPlain
}

// active reports whether filter f can remove anything for this call, so
// that inactive filters cost nothing per instance.
func (s *selector) active(f filterKind) bool {
	o := &s.h.Options
	switch f {
	case filterIDBlacklist:
		return s.vals[HeaderIDBlacklist] != ""
	case filterAddressBlacklist:
		return s.vals[HeaderAddressBlacklist] != ""
	case filterGroup:
		return o.ConsumerIsolation
	case filterEnv:
		return s.routes[HeaderEnv] != ""
	case filterZone:
		return o.ZoneAffinity
	case filterAddress:
		return s.vals[HeaderAddress] != ""
	case filterRegion:
		return s.vals[HeaderRegion] != "" || o.RegionTransfer
	}
	return s.vals[HeaderVersion] != "" || o.VersionPrefer
}

// keep is one filter's apply(servers, server).
func (s *selector) keep(f filterKind, v *view, i int) (bool, error) {
	in := &s.c[i]
	o := &s.h.Options
	switch f {
	case filterIDBlacklist:
		ids := s.value(HeaderIDBlacklist)
		return ids == "" || !s.match(HeaderIDBlacklist, in.UUID()), nil
	case filterAddressBlacklist:
		a := s.value(HeaderAddressBlacklist)
		return a == "" || !MatchAddress(a, in.Host, in.Port), nil
	case filterGroup:
		return !o.ConsumerIsolation || in.IsGateway() || s.h.Self == nil || orDefault(in.Group) == orDefault(s.h.Self.Group), nil
	case filterEnv:
		return s.keepEnv(v, in), nil
	case filterZone:
		return s.keepZone(v, in), nil
	case filterAddress:
		return s.keepAddress(v, in), nil
	case filterRegion:
		return s.keepRegion(v, in)
	}
	return s.keepVersion(v, in), nil
}

func (s *selector) keepEnv(v *view, in *Instance) bool {
	env := s.routes[HeaderEnv]
	if env == "" {
		return true
	}
	found := false
	for i := range v.each {
		if s.c[i].EnvOr() == env {
			found = true
			break
		}
	}
	if !found && s.h.Options.EnvFailover {
		fo := s.value(HeaderEnvFailover)
		if fo == "" {
			fo = "common"
		}
		return MatchList(fo, in.EnvOr())
	}
	return in.EnvOr() == env
}

func (s *selector) keepZone(v *view, in *Instance) bool {
	if !s.h.Options.ZoneAffinity {
		return true
	}
	zone := Default
	if s.h.Self != nil {
		zone = s.h.Self.ZoneOr()
	}
	found := false
	for i := range v.each {
		if s.c[i].ZoneOr() == zone {
			found = true
			break
		}
	}
	if !found && s.h.Options.ZoneFailover {
		fo := s.value(HeaderZoneFailover)
		return fo == "" || s.match(HeaderZoneFailover, in.ZoneOr())
	}
	return in.ZoneOr() == zone
}

func (s *selector) keepAddress(v *view, in *Instance) bool {
	addrs := s.value(HeaderAddress)
	if addrs == "" {
		return true
	}
	if s.h.Options.AddressFailover {
		matched := false
		for i := range v.each {
			if MatchAddress(addrs, s.c[i].Host, s.c[i].Port) {
				matched = true
				break
			}
		}
		if !matched {
			fo := s.value(HeaderAddressFailover)
			return fo == "" || MatchAddress(fo, in.Host, in.Port)
		}
	}
	return MatchAddress(addrs, in.Host, in.Port)
}

func (s *selector) keepRegion(v *view, in *Instance) (bool, error) {
	regions := s.value(HeaderRegion)
	if regions == "" {
		if !s.h.Options.RegionTransfer {
			return true, nil
		}
		rt := s.value(HeaderRegionTransfer)
		if rt == "" {
			return false, ErrRegionTransferMissing
		}
		return s.match(HeaderRegionTransfer, in.RegionOr()), nil
	}
	if s.h.Options.RegionFailover {
		matched := false
		for i := range v.each {
			if s.match(HeaderRegion, s.c[i].RegionOr()) {
				matched = true
				break
			}
		}
		if !matched {
			if in.Active {
				return false, nil // a multi-active provider is never a failover target
			}
			fo := s.value(HeaderRegionFailover)
			return fo == "" || s.match(HeaderRegionFailover, in.RegionOr()), nil
		}
	}
	return s.match(HeaderRegion, in.RegionOr()), nil
}

func (s *selector) keepVersion(v *view, in *Instance) bool {
	versions := s.value(HeaderVersion)
	o := &s.h.Options
	if versions == "" {
		if !o.VersionPrefer {
			return true
		}
		if vp := s.value(HeaderVersionPrefer); vp != "" {
			return s.match(HeaderVersionPrefer, in.VersionOr())
		}
		return s.oldestStable(v, in)
	}
	if o.VersionFailover {
		matched := false
		for i := range v.each {
			if s.match(HeaderVersion, s.c[i].VersionOr()) {
				matched = true
				break
			}
		}
		if !matched {
			if vf := s.value(HeaderVersionFailover); vf != "" {
				return s.match(HeaderVersionFailover, in.VersionOr())
			}
			return !o.VersionFailoverStable || s.oldestStable(v, in)
		}
	}
	return s.match(HeaderVersion, in.VersionOr())
}

// oldestStable is StrategyVersionEnabledFilter.containVersion: an instance
// without version is always kept, as are all when one version is online;
// otherwise only the oldest version (by version string, or start time).
func (s *selector) oldestStable(v *view, in *Instance) bool {
	own := in.VersionOr()
	if own == Default {
		return true
	}
	var oldest *Instance
	distinct := 0
	first := ""
	for i := range v.each {
		c := &s.c[i]
		if distinct == 0 {
			first, distinct = c.VersionOr(), 1
		} else if distinct == 1 && c.VersionOr() != first {
			distinct = 2
		}
		if oldest == nil || s.older(c, oldest) {
			oldest = c
		}
	}
	if distinct <= 1 {
		return true
	}
	return oldest.VersionOr() == own
}

func (s *selector) older(a, b *Instance) bool {
	if s.h.Options.VersionSort == SortByTime {
		return compareStart(a, b) < 0
	}
	return javaCompare(a.VersionOr(), b.VersionOr()) < 0
}
