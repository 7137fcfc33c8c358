package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
)

// transitions is the state machine: for each operation, the states it may
// start from and the state it leaves. ENDED is final.
var transitions = map[switchyard.Operation]map[switchyard.ReleaseState]switchyard.ReleaseState{
	switchyard.OpFallback: {switchyard.StateNew: switchyard.StateFallback, switchyard.StateFallback: switchyard.StateFallback,
		switchyard.StateReleased: switchyard.StateFallback, switchyard.StateRolledBack: switchyard.StateFallback},
	switchyard.OpRelease: {switchyard.StateNew: switchyard.StateReleased, switchyard.StateFallback: switchyard.StateReleased,
		switchyard.StateReleased: switchyard.StateReleased, switchyard.StateRolledBack: switchyard.StateReleased},
	switchyard.OpRollback: {switchyard.StateReleased: switchyard.StateRolledBack},
	switchyard.OpEnd: {switchyard.StateFallback: switchyard.StateEnded, switchyard.StateReleased: switchyard.StateEnded,
		switchyard.StateRolledBack: switchyard.StateEnded},
}

// Next returns the state op leaves a release in from state, or an error
// saying why the operation is not allowed now.
func Next(state switchyard.ReleaseState, op switchyard.Operation) (switchyard.ReleaseState, error) {
	from, ok := transitions[op]
	if !ok {
		return "", switchyard.FieldErrorf("operation", "release.operation", "operation %q must be fallback, release, rollback or end", op).
			WithReason("release.operation", nil)
	}
	next, ok := from[state]
	if !ok {
		shown := string(state)
		if shown == "" {
			shown = "NEW (never executed)"
		}
		return "", switchyard.Errorf(switchyard.CodeConflict, "cannot %s a release in state %s", op, shown).
			WithReason("release.transition", map[string]string{"operation": string(op), "state": string(state)})
	}
	return next, nil
}

// plan is an operation worked out but not yet published.
type plan struct {
	release  *switchyard.Release
	spec     switchyard.ReleaseSpec
	next     switchyard.ReleaseState
	doc      *releasedoc.Doc
	base     *switchyard.ConfigEntry
	rule     *rule.Rule
	versions []switchyard.ServiceVersions
}

// prepare checks and computes an operation on r (as read from the store):
// state, form, versions online, the rule it publishes on top of the stored
// one.
func (s *Service) prepare(ctx context.Context, r *switchyard.Release, req switchyard.OperationRequest) (*plan, error) {
	name := r.Name
	if req.Revision != 0 && req.Revision != r.Revision {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "release %q was changed by someone else (revision %d is stale); reload and try again", name, req.Revision).
			WithReason("revision.stale", map[string]string{"kind": "release", "name": name})
	}
	next, err := Next(r.State, req.Operation)
	if err != nil {
		return nil, err
	}
	p := &plan{release: r, spec: r.Spec, next: next}
	if req.Spec != nil {
		p.spec = *req.Spec
		if p.spec.GatewayOnly != r.Spec.GatewayOnly {
			return nil, switchyard.FieldErrorf("spec.gatewayOnly", "release.fixed", "the gateway-only switch is fixed once the release exists").WithReason("release.fixed", map[string]string{"field": "gatewayOnly"})
		}
	}
	defaultSpec(&p.spec)
	if err := validate(&p.spec, r.App, req.Operation); err != nil {
		return nil, err
	}
	instances, err := s.instances(ctx, p.spec.Services)
	if err != nil {
		return nil, err
	}
	if p.versions, err = versionsOf(instances, p.spec.Services, p.spec.Sort); err != nil {
		return nil, err
	}
	var base *rule.Rule
	if p.base, base, err = s.baseRule(ctx, r.Key()); err != nil {
		return nil, err
	}
	p.doc = docOf(&p.spec, req.Operation)
	p.rule, err = ruleFor(req.Operation, base, p.doc, instances, p.versions)
	return p, err
}

// ruleFor is what each operation publishes (docs/releases.md):
//   - fallback and rollback: every service pinned to its old version, the
//     release conditions removed (Nepxion's create without conditions would
//     keep them, so they are cleared first);
//   - release: the old versions as the fallback route plus the conditions,
//     routes to the old (route-0) and new (route-1) chains, inner header;
//   - end: the release rule cleared; while old instances are still online,
//     every service is pinned to its new version instead.
//
// Other elements of the stored rule (discovery filters, failover,
// blacklists, parameters) are kept.
func ruleFor(op switchyard.Operation, base *rule.Rule, doc *releasedoc.Doc, instances []rule.Instance, versions []switchyard.ServiceVersions) (*rule.Rule, error) {
	var r *rule.Rule
	var err error
	switch op {
	case switchyard.OpFallback, switchyard.OpRollback:
		r, err = releasedoc.CreateRelease(releasedoc.ClearRelease(base), doc, instances)
	case switchyard.OpRelease:
		r, err = releasedoc.CreateRelease(base, doc, instances)
	case switchyard.OpEnd:
		r = releasedoc.ClearRelease(base)
		if oldOnline(versions) {
			r.Strategy = &rule.Strategy{Version: versionMap(versions, func(v switchyard.ServiceVersions) string { return v.New })}
		}
	}
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "%v", err).WithReason("release.build", nil).WithCause(err)
	}
	return r, nil
}

// oldOnline reports whether any service still runs more than one version.
func oldOnline(vs []switchyard.ServiceVersions) bool {
	for _, v := range vs {
		if len(v.Versions) > 1 {
			return true
		}
	}
	return false
}

// versionMap writes {"svc":"version",…} compactly in service order, as
// Nepxion's Jackson does.
func versionMap(vs []switchyard.ServiceVersions, pick func(switchyard.ServiceVersions) string) string {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(v.Service)
		val, _ := json.Marshal(pick(v))
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.String()
}

// instances reads the instances of services from the registry.
func (s *Service) instances(ctx context.Context, services []string) ([]rule.Instance, error) {
	var out []rule.Instance
	for _, svc := range services {
		list, err := s.Registry.Instances(ctx, svc)
		if err != nil {
			return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot read the instances of %s from the registry: %v", svc, err).WithCause(err)
		}
		for _, in := range list {
			out = append(out, rule.InstanceOf(in))
		}
	}
	return out, nil
}

// versionsOf orders each service's online versions (old first) as the
// console does; a service with no instance online is an error naming it.
func versionsOf(instances []rule.Instance, services []string, sort string) ([]switchyard.ServiceVersions, error) {
	var out []switchyard.ServiceVersions
	var errs []*switchyard.Error
	for i, svc := range services {
		list, err := rule.VersionList(instances, svc, rule.SortType(strings.ToLower(sort)))
		if err != nil {
			return nil, switchyard.FieldErrorf("spec.sort", "sort.invalid", "%v", err)
		}
		if len(list) == 0 {
			field := fmt.Sprintf("spec.services[%d]", i)
			errs = append(errs, switchyard.FieldErrorf(field, "service.offline", "%s: service %s has no instance online, so it has no versions; start it or remove it from the release", field, svc).
				WithReason("service.offline", map[string]string{"service": svc}))
			continue
		}
		v := switchyard.ServiceVersions{Service: svc, Versions: list, Old: list[0], New: list[0]}
		if len(list) > 1 {
			v.New = strings.Join(list[1:], ";")
		}
		out = append(out, v)
	}
	if len(errs) > 0 {
		first := *errs[0]
		first.Code, first.Details = switchyard.CodeConflict, errs
		return nil, &first
	}
	return out, nil
}

// Preview works out what an operation would publish, without publishing.
func (s *Service) Preview(ctx context.Context, name string, req switchyard.OperationRequest) (*switchyard.Preview, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	p, err := s.prepare(ctx, r, req)
	if err != nil {
		return nil, err
	}
	out := &switchyard.Preview{Operation: req.Operation, Key: p.release.Key(), YAML: string(p.doc.YAML()), XML: string(p.rule.XML()), Before: p.base.Content, Versions: p.versions}
	if p.rule.Strategy != nil {
		out.Default = p.rule.Strategy.Version
	}
	if p.rule.StrategyRelease != nil {
		for _, rt := range p.rule.StrategyRelease.Routes {
			out.Routes = append(out.Routes, switchyard.RouteView{ID: rt.ID, Type: string(rt.Type), Value: rt.Value})
		}
	}
	for _, v := range p.versions {
		if len(v.Versions) == 1 && req.Operation == switchyard.OpRelease {
			out.Warnings = append(out.Warnings, fmt.Sprintf("%s runs only version %s: its old and new routes are the same", v.Service, v.Old))
		}
	}
	return out, nil
}

// Execute runs an operation: checks, the lock, then the one publish path,
// which saves the release and its history together with the write (and
// finishes or undoes it on the next start if the server dies in between).
func (s *Service) Execute(ctx context.Context, actor *switchyard.User, name string, req switchyard.OperationRequest) (*switchyard.OperationResult, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return nil, err
	}
	// The lock of the caller's session (an ended release holds none:
	// prepare refuses every operation on it).
	if r.State != switchyard.StateEnded {
		if _, err := s.hold(ctx, actor, name, s.LockTTL); err != nil {
			return nil, err
		}
	}
	ro, err := s.rollOut(ctx, actor, r, req)
	if err != nil {
		return nil, err
	}
	p, err := s.prepare(ctx, r, req)
	if err != nil {
		return nil, ro.end(err)
	}
	now := s.Now()
	rel := *p.release
	before := rel.State
	rel.State, rel.Spec, rel.Type = p.next, p.spec, p.spec.Type()
	rel.ExecutedAt, rel.ExecutedBy = &now, actor.Name
	h := &switchyard.ReleaseHistory{Release: name, Operation: req.Operation, StateBefore: before, StateAfter: p.next, Type: rel.Type,
		YAML: string(p.doc.YAML()), ConfigKey: rel.Key(), By: actor.Name, At: now}
	if ro != nil {
		h.Detail = summaryOf(ro.p)
	}
	pub, err := s.write(ctx, &write{actor: actor, action: "release." + string(req.Operation), key: rel.Key(), base: p.base,
		text: Text{Content: string(p.rule.XML()), Format: "xml"}, skipUnchanged: true, release: &rel, history: h})
	if err != nil {
		return nil, ro.end(err)
	}
	return &switchyard.OperationResult{Release: &rel, History: h, XML: pub.XML, Version: pub.Version, Rollout: ro.done()}, nil
}

// History lists a release's operations, newest first.
func (s *Service) History(ctx context.Context, name string, limit int) ([]*switchyard.ReleaseHistory, error) {
	if _, err := s.Store.FindRelease(ctx, name); err != nil {
		return nil, err
	}
	return s.Store.ReleaseHistory(ctx, name, limit)
}
