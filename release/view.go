package release

import (
	"context"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Versions returns the online versions of services, old to new by sort.
func (s *Service) Versions(ctx context.Context, services []string, sort string) ([]switchyard.ServiceVersions, error) {
	if sort == "" {
		sort = "version"
	}
	instances, err := s.instances(ctx, services)
	if err != nil {
		return nil, err
	}
	out := []switchyard.ServiceVersions{}
	for _, svc := range services {
		list, err := rule.VersionList(instances, svc, rule.SortType(strings.ToLower(sort)))
		if err != nil {
			return nil, switchyard.FieldErrorf("sort", "sort.invalid", "%v", err)
		}
		v := switchyard.ServiceVersions{Service: svc, Versions: list}
		if v.Versions == nil {
			v.Versions = []string{}
		}
		if len(list) > 0 {
			v.Old, v.New = list[0], list[0]
		}
		if len(list) > 1 {
			v.New = strings.Join(list[1:], ";")
		}
		out = append(out, v)
	}
	return out, nil
}

// EffectiveRule reads the rule in effect at the release's key and draws it:
// the entry, the services and where each condition sends traffic.
func (s *Service) EffectiveRule(ctx context.Context, name string) (*switchyard.RuleView, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	e, err := s.Config.Get(ctx, r.Key())
	if err != nil {
		return nil, unavailable("read the rule at "+r.Key().String(), err)
	}
	v := &switchyard.RuleView{Key: r.Key(), Entry: *e}
	if e.Deleted || strings.TrimSpace(e.Content) == "" {
		v.Topology = topologyOf(r, &rule.Rule{})
		return v, nil
	}
	parsed, err := rule.Parse([]byte(e.Content))
	if err != nil {
		// The stored text is shown with why it does not parse: that is the
		// answer, not a failure of this call.
		v.ParseError = err.Error()
		return v, nil //nolint:nilerr // reported in the view
	}
	v.Topology = topologyOf(r, parsed)
	return v, nil
}

// topologyOf lays a rule out over the release's services.
func topologyOf(r *switchyard.Release, ru *rule.Rule) *switchyard.Topology {
	entry := r.App
	if entry == "" {
		entry = r.Group
	}
	t := &switchyard.Topology{Entry: entry, Services: append([]string(nil), r.Spec.Services...), Default: map[string]string{}, Conditions: []switchyard.TopologyCondition{}}
	perService := func(value string) map[string]string {
		m := map[string]string{}
		for _, svc := range t.Services {
			if v := rule.ServiceValue(value, svc); v != "" {
				m[svc] = v
			}
		}
		return m
	}
	if ru.Strategy != nil && ru.Strategy.Version != "" {
		t.Default = perService(ru.Strategy.Version)
	}
	rel := ru.StrategyRelease
	if rel == nil {
		return t
	}
	routes := map[string]string{}
	for _, rt := range rel.Routes {
		if rt.Type == rule.RouteVersion {
			routes[rt.ID] = rt.Value
		}
	}
	for _, c := range rel.BlueGreen {
		tc := switchyard.TopologyCondition{Kind: "blue-green", ID: c.ID, Expression: c.Expression}
		if v, ok := routes[c.VersionID]; ok {
			tc.Routes = []switchyard.TopologyRoute{{Route: c.VersionID, Weight: -1, Versions: perService(v)}}
		}
		t.Conditions = append(t.Conditions, tc)
	}
	for _, c := range rel.Gray {
		tc := switchyard.TopologyCondition{Kind: "gray", ID: c.ID, Expression: c.Expression}
		for _, w := range c.Version {
			if v, ok := routes[w.Key]; ok {
				tc.Routes = append(tc.Routes, switchyard.TopologyRoute{Route: w.Key, Weight: w.Value, Versions: perService(v)})
			}
		}
		t.Conditions = append(t.Conditions, tc)
	}
	if rel.Header != nil {
		t.Header = map[string]string{}
		for _, e := range rel.Header.Entries {
			t.Header[e.Name] = e.Value
		}
	}
	return t
}
