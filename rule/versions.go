package rule

import (
	"cmp"
	"slices"
	"strings"
)

// SortType is how the online versions of a service are ordered to find the
// old (first) and the new (the rest) versions: by the console when it
// builds a release, by the data plane's version filters
// (spring.application.strategy.version.sort.type).
type SortType string

// The sort types.
const (
	SortByVersion SortType = "version" // plain string order of versions (Java String.compareTo)
	SortByTime    SortType = "time"    // instance start time
)

// VersionList returns the online versions of service, oldest first, as the
// console orders them (VersionSortUtil.assembleVersionList): instances in
// registry order (host, then port), stable-sorted by version string (Java
// String.compareTo, so "1.10" < "1.2") or by start time, de-duplicated, with
// "default" moved first because unversioned instances are always old.
// It returns nil when the service has no instance.
func VersionList(instances []Instance, service string, sort SortType) ([]string, error) {
	var list []Instance
	for _, in := range instances {
		if strings.EqualFold(in.Service, service) {
			list = append(list, in)
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	slices.SortStableFunc(list, func(a, b Instance) int {
		if (a.Host == "") != (b.Host == "") {
			if a.Host == "" {
				return 1
			}
			return -1
		}
		if c := javaCompare(a.Host, b.Host); c != 0 {
			return c
		}
		return cmp.Compare(a.Port, b.Port)
	})
	if sort == SortByTime {
		for _, in := range list {
			if in.StartTime.IsZero() && in.UUID() == "" {
				return nil, invalid("instances", "release.instance.start", "Service[%s] instance %s has no start time to sort by", service, in.Address())
			}
		}
		slices.SortStableFunc(list, func(a, b Instance) int { return compareStart(&a, &b) })
	} else {
		slices.SortStableFunc(list, func(a, b Instance) int { return javaCompare(a.VersionOr(), b.VersionOr()) })
	}
	var versions []string
	for _, in := range list {
		if v := in.VersionOr(); !slices.Contains(versions, v) {
			versions = append(versions, v)
		}
	}
	if i := slices.Index(versions, Default); i > 0 {
		versions = append([]string{Default}, slices.Delete(versions, i, i+1)...)
	}
	return versions, nil
}

// compareStart orders instances by start time; without one, by the UUID
// Nepxion sorts (its yyyyMMdd-HHmmss-SSS prefix is the start time).
func compareStart(a, b *Instance) int {
	if !a.StartTime.IsZero() && !b.StartTime.IsZero() {
		return a.StartTime.Compare(b.StartTime)
	}
	return strings.Compare(a.UUID(), b.UUID())
}
