package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/rule"
)

// StartSimulation starts DiscoveryTool's simulation of group@@serviceId and
// answers at once with the run's id. Refused (before anything changes):
// another simulation of the key running (CodeConflict, reason
// verify.running, naming it), a release of the key being operated
// (verify.release.locked, naming who), a service with fewer than two
// versions online, documents or conditions that do not check. A request
// with documents is run and saved as the page's config (its test hook is
// never saved); an empty one runs the saved config.
func (s *Service) StartSimulation(ctx context.Context, actor *switchyard.User, group, serviceID string, req *switchyard.SimulationRequest) (*switchyard.VerifyStarted, error) {
	if err := release.Authorize(actor, group); err != nil {
		return nil, err
	}
	var cfg *switchyard.SimulationConfig
	var err error
	var inject *switchyard.VerifyInject
	if req != nil {
		inject = req.Inject
	}
	if req == nil || req.Basic == "" && req.Release1 == "" && req.Release2 == "" && req.Conditions == nil && req.ConditionsText == "" {
		if cfg, err = s.SimulationConfig(ctx, group, serviceID); switchyard.IsCode(err, switchyard.CodeNotFound) {
			return nil, invalid("basic", "verify.config.none", "no simulation is saved for %s: give the three strategies and the conditions", switchyard.VerifyTask(group, serviceID))
		}
	} else {
		cfg, err = SimulationConfigOf(group, serviceID, req)
	}
	if err != nil {
		return nil, err
	}
	return s.startSimulation(ctx, actor, cfg, inject)
}

// StartNepxionSimulation starts the simulation of DiscoveryTool's
// /simulator-test body (its key is testcase.group@@testcase.service). Like
// DiscoveryTool, a second start of a key already running answers a task id
// too; that task fails at once with Nepxion's message
// (自动化测试任务【key】正在执行中，不能同时并发执行相同的任务).
func (s *Service) StartNepxionSimulation(ctx context.Context, actor *switchyard.User, in *NepxionSimulation) (*switchyard.VerifyStarted, error) {
	if err := release.Authorize(actor, in.Group); err != nil {
		return nil, err
	}
	cfg, err := SimulationConfigOf(in.Group, in.Service, &switchyard.SimulationRequest{Basic: in.Basic, Release1: in.Release1, Release2: in.Release2, Conditions: in.Conditions})
	if err != nil {
		return nil, err
	}
	started, err := s.startSimulation(ctx, actor, cfg, nil)
	if e := switchyard.AsError(err); e != nil && e.Reason == "verify.running" {
		return s.refusedTask(ctx, actor, cfg, e)
	}
	return started, err
}

// refusedTask records the task DiscoveryTool answers for a second start: a
// run that failed before doing anything.
func (s *Service) refusedTask(ctx context.Context, actor *switchyard.User, cfg *switchyard.SimulationConfig, cause *switchyard.Error) (*switchyard.VerifyStarted, error) {
	now := s.now()
	task := switchyard.VerifyTask(cfg.Group, cfg.ServiceID)
	body, _ := json.Marshal(&switchyard.SimulationRun{Config: *cfg})
	reason := &switchyard.Message{Key: "verify.running", Params: cause.Params,
		Text: "自动化测试任务【" + task + "】正在执行中，不能同时并发执行相同的任务 (" + cause.Message + ")"}
	rec := &switchyard.VerifyRecord{ID: switchyard.NewID(now), Kind: switchyard.VerifySimulation, Group: cfg.Group, ServiceID: cfg.ServiceID,
		Status: switchyard.VerifyFailed, StartedBy: actor.Name, StartedAt: now, EndedAt: &now, Reason: reason, Body: body}
	if _, err := s.Store.CreateVerifyRun(ctx, rec); err != nil {
		return nil, err
	}
	v, _ := viewOf(rec)
	return &switchyard.VerifyStarted{ID: rec.ID, Task: task, Run: v}, nil
}

func (s *Service) startSimulation(ctx context.Context, actor *switchyard.User, cfg *switchyard.SimulationConfig, inject *switchyard.VerifyInject) (*switchyard.VerifyStarted, error) {
	if err := s.checkInject(actor, inject); err != nil {
		return nil, err
	}
	key := switchyard.ConfigKey{Group: cfg.Group, DataID: cfg.ServiceID}
	docs, err := ParseSimulationDocs(cfg.Basic, cfg.Release1, cfg.Release2, entryApp(cfg.Group, cfg.ServiceID))
	if err != nil {
		return nil, err
	}
	c := &cfg.Conditions
	t, err := s.resolveTarget(ctx, cfg.Group, cfg.ServiceID, c.InspectURL, c.ContextService, "conditions.inspectUrl", docs.Release1.Service)
	if err != nil {
		return nil, err
	}
	running, err := s.Store.FindVerifyRuns(ctx, switchyard.VerifyFilter{Kind: switchyard.VerifySimulation, Group: cfg.Group, ServiceID: cfg.ServiceID, Status: switchyard.VerifyRunning, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(running) > 0 {
		return nil, runningError(running[0])
	}
	r := newRun(s, nil)
	r.actor = actorOf(cfg.Group, cfg.ServiceID)
	if err := s.refuseOperated(ctx, key, r.actor); err != nil {
		return nil, err
	}
	versions, err := s.versions(ctx, docs)
	if err != nil {
		return nil, err
	}
	sim := &switchyard.SimulationRun{Config: *cfg, Inject: inject, Result: switchyard.SimulationResult{URL: t.url, Services: t.services, Versions: versions}}
	plan := newPlan(docs, c, newSides(versions))
	if plan.total > maxSimulationSamples {
		return nil, refuse("conditions.graySampleCount", rule.ReasonNodes, maxSimulationSamples, "the simulation would send %d samples", plan.total)
	}
	sim.Result.Phases = plan.phases()
	if sim.Original, err = s.snapshot(ctx, key); err != nil {
		return nil, err
	}
	rels, err := s.keyReleases(ctx, key)
	if err != nil {
		return nil, err
	}
	for _, rel := range rels {
		sim.Locks = append(sim.Locks, rel.Name)
	}
	saveCfg := *cfg
	if err := s.saveConfig(ctx, actor, switchyard.VerifySimulation, cfg.Group, cfg.ServiceID, &saveCfg, -1, &saveCfg.Revision, &saveCfg.UpdatedAt, &saveCfg.UpdatedBy); err != nil {
		return nil, err
	}
	sim.Config = saveCfg
	now := s.now()
	body, _ := json.Marshal(sim)
	rec := &switchyard.VerifyRecord{ID: switchyard.NewID(now), Kind: switchyard.VerifySimulation, Group: cfg.Group, ServiceID: cfg.ServiceID,
		Status: switchyard.VerifyRunning, StartedBy: actor.Name, StartedAt: now, Total: plan.total, Body: body, LeaseOwner: s.Owner, LeaseUntil: now.Add(s.LeaseTTL)}
	if _, err := s.Store.CreateVerifyRun(ctx, rec); err != nil {
		return nil, err
	}
	r.rec, r.sim = rec, sim
	if err := r.holdLocks(ctx); err != nil {
		r.finish(ctx, switchyard.VerifyFailed, messageOf(err))
		return nil, err
	}
	sm := &simulation{r: r, t: t, docs: docs, plan: plan, key: key}
	v, _ := viewOf(rec) // before the run owns rec
	if err := s.launch(r, sm.run); err != nil {
		r.finish(ctx, switchyard.VerifyAborted, &switchyard.Message{Key: "verify.shutdown", Text: err.Error()})
		return nil, err
	}
	return &switchyard.VerifyStarted{ID: rec.ID, Task: switchyard.VerifyTask(cfg.Group, cfg.ServiceID), Run: v}, nil
}

// checkInject allows the test hook to admins of a server started with it.
func (s *Service) checkInject(actor *switchyard.User, in *switchyard.VerifyInject) error {
	if in == nil {
		return nil
	}
	if !s.Hooks || actor.Role != switchyard.RoleAdmin || release.IsSystem(actor) {
		return switchyard.Errorf(switchyard.CodeForbidden, "inject is a test hook: only admins may use it, on a server started with SWITCHYARD_TEST_HOOKS=1").
			WithReason("verify.inject.off", nil)
	}
	if in.Phase < 1 || in.Phase > 7 {
		return invalid("inject.phase", "verify.inject.phase", "inject.phase must be from 1 to 7, found %d", in.Phase)
	}
	if strings.TrimSpace(in.Rule) == "" {
		return invalid("inject.rule", "verify.inject.rule", "inject.rule must be the rule to publish instead of the phase's")
	}
	return nil
}

// versions reads each release service's versions online, ordered by the
// first release's sort (VersionSortUtil): old is the first, new the rest;
// at least two are needed.
func (s *Service) versions(ctx context.Context, docs *SimulationDocs) ([]switchyard.ServiceSides, error) {
	services := docs.Release1.Service
	instances, err := s.Releases.Instances(ctx, services)
	if err != nil {
		return nil, err
	}
	out := make([]switchyard.ServiceSides, 0, len(services))
	for i, svc := range services {
		list, err := rule.VersionList(instances, svc, rule.SortType(strings.ToLower(docs.Release1.Sort)))
		if err != nil {
			return nil, inDoc("release1", err)
		}
		if len(list) < 2 {
			return nil, invalid(fieldf("release1.service[%d]", i), "verify.versions", "初始化失败，服务【%s】的版本个数至少2个: service %s has %d version(s) online (%s); a simulation needs an old and a new one",
				svc, svc, len(list), strings.Join(list, ", ")).WithReason("verify.versions", map[string]string{"service": svc, "count": strconv.Itoa(len(list))})
		}
		out = append(out, switchyard.ServiceSides{Service: svc, All: list, Old: list[:1], New: list[1:]})
	}
	return out, nil
}

// simulation is one simulation under way.
type simulation struct {
	r    *run
	t    *target
	docs *SimulationDocs
	plan *plan
	key  switchyard.ConfigKey
}

// run runs the phases in order (DiscoveryTool's TestCaseRunner: once one
// fails, the rest are skipped) and ends the run, putting the rule back.
func (sm *simulation) run(ctx context.Context) {
	r := sm.r
	phases := r.sim.Result.Phases
	failed := false
	var reason *switchyard.Message
	for i := range phases {
		ph := &phases[i]
		if ph.Status == switchyard.PhaseSkipped {
			continue
		}
		if failed || ctx.Err() != nil {
			ph.Status = switchyard.PhaseSkipped
			continue
		}
		now := r.s.now()
		ph.Status, ph.StartedAt = switchyard.PhaseRunning, &now
		r.save(ctx, true)
		err := sm.phase(ctx, ph, sm.plan.specs[i])
		end := r.s.now()
		ph.EndedAt = &end
		switch {
		case ctx.Err() != nil:
			ph.Status = switchyard.PhaseSkipped
			failed = true
		case err != nil:
			ph.Status, failed = switchyard.PhaseFailed, true
			ph.Error = messageOf(err)
			reason = &switchyard.Message{Key: "verify.phase.error", Params: map[string]string{"phase": strconv.Itoa(ph.Index)}, Nested: map[string]*switchyard.Message{"error": ph.Error},
				Text: fmt.Sprintf("phase %d (%s) failed: %s", ph.Index, ph.Name, ph.Error.Text)}
		case !batchesPassed(ph.Batches):
			ph.Status, failed = switchyard.PhaseFailed, true
			reason = failedAssertion(ph)
		default:
			ph.Status = switchyard.PhasePassed
		}
		r.save(ctx, true)
	}
	status := switchyard.VerifyPassed
	switch {
	case ctx.Err() != nil:
		status, reason = switchyard.VerifyAborted, stoppedReason(r)
	case failed:
		status = switchyard.VerifyFailed
	}
	r.finish(ctx, status, reason)
}

// phase makes the phase's change, waits until it is applied and sends its
// batches, stopping at the first batch that fails (as an assertion error
// stops DiscoveryTool's phase).
func (sm *simulation) phase(ctx context.Context, ph *switchyard.VerifyPhase, spec phaseSpec) error {
	r := sm.r
	if err := sm.publish(ctx, ph, "verify.simulation."+ph.Name, func(base *rule.Rule, instances []rule.Instance) (string, error) {
		out, err := spec.apply(base, instances)
		if err != nil {
			return "", err
		}
		return string(out.XML()), nil
	}); err != nil {
		return err
	}
	if in := r.sim.Inject; in != nil && in.Phase == ph.Index {
		if err := sm.publish(ctx, ph, "verify.simulation.inject", func(*rule.Rule, []rule.Instance) (string, error) { return in.Rule, nil }); err != nil {
			return err
		}
		ph.Injected = true
	}
	applied, err := r.s.settle(ctx, sm.key, r.sim.Written, sm.r.await(), r.tick(ctx))
	if err != nil {
		return err
	}
	ph.Applied = applied
	r.save(ctx, true)
	for _, b := range spec.batches {
		passed, err := sm.batch(ctx, ph, b)
		if err != nil || !passed {
			return err
		}
	}
	return nil
}

// publish changes the rule at the key through the one publish path, based
// on the simulation's own last write (someone else's change in between is a
// conflict that stops the simulation).
func (sm *simulation) publish(ctx context.Context, ph *switchyard.VerifyPhase, action string, next func(*rule.Rule, []rule.Instance) (string, error)) error {
	r := sm.r
	base := r.sim.Original.Version
	if r.sim.Written > 0 {
		base = r.sim.Written
	}
	pub, err := r.s.Releases.Publish(ctx, r.actor, release.Change{Key: sm.key, Action: action, IfVersion: base,
		Next: func(e *switchyard.ConfigEntry) (*release.Text, error) {
			stored, err := release.ParseStored(e)
			if err != nil {
				return nil, err
			}
			instances, err := r.s.Releases.Instances(ctx, sm.docs.Release1.Service)
			if err != nil {
				return nil, err
			}
			text, err := next(stored, instances)
			if err != nil {
				return nil, err
			}
			return &release.Text{Content: text}, nil
		}})
	if err != nil {
		return err
	}
	r.sim.Written, ph.RuleVersion, ph.Rule = pub.Version, pub.Version, pub.XML
	r.save(ctx, true)
	return nil
}

// batch sends one batch of samples and asserts it.
func (sm *simulation) batch(ctx context.Context, ph *switchyard.VerifyPhase, b batchSpec) (bool, error) {
	r := sm.r
	header := b.header()
	ph.Batches = append(ph.Batches, switchyard.VerifyBatch{Kind: b.kind, Header: headerMap(header), Loop: b.loop, Planned: b.samples, Assertions: []switchyard.Assertion{}})
	out := &ph.Batches[len(ph.Batches)-1]
	c := newCounter(sm.plan.sides, b.kind != "normal")
	for i := 0; i < b.samples; i++ {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		result, err := r.s.sample(ctx, sm.t, header)
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, switchyard.Errorf(switchyard.CodeUnavailable, "%s", sampleFailed(i+1, b.samples, err).Text).
				WithReason("verify.sample.failed", map[string]string{"sample": strconv.Itoa(i + 1)})
		}
		c.add(result)
		r.topo.add(hopsOf(result))
		r.rec.Done++
		out.Samples, out.Counts = c.samples, c.versionCounts()
		r.save(ctx, false)
	}
	switch b.kind {
	case "normal":
		out.Assertions = c.assertNormal()
	case "basic":
		out.Assertions = c.assertSide("basic.side", "old")
	case "bluegreen":
		out.Assertions = c.assertSide("bluegreen.side", b.want)
	case "gray":
		w := b.weight
		out.Expected = w[:]
		var shares [2]float64
		out.Assertions, shares = c.assertGray(w, sm.r.sim.Config.Conditions.GrayOffset, b.samples)
		out.Weights = shares[:]
	}
	out.Passed = allPassed(out.Assertions)
	r.save(ctx, true)
	return out.Passed, nil
}

func (r *run) await() time.Duration {
	return time.Duration(r.sim.Config.Conditions.AwaitMillis) * time.Millisecond
}

func headerMap(h []Header) map[string]string {
	m := make(map[string]string, len(h))
	for _, x := range h {
		m[x.Name] = x.Value
	}
	return m
}

func batchesPassed(bs []switchyard.VerifyBatch) bool {
	for _, b := range bs {
		if !b.Passed {
			return false
		}
	}
	return true
}

// failedAssertion is the reason of a phase whose assertion failed: the
// first failed assertion with its counts.
func failedAssertion(ph *switchyard.VerifyPhase) *switchyard.Message {
	for _, b := range ph.Batches {
		for _, a := range b.Assertions {
			if !a.Passed {
				return &switchyard.Message{Key: "verify.phase.failed", Params: map[string]string{"phase": strconv.Itoa(ph.Index), "name": ph.Name, "assertion": a.Name,
					"expected": a.Expected, "actual": a.Actual}, Nested: map[string]*switchyard.Message{"assertion": a.Message},
					Text: fmt.Sprintf("phase %d (%s), %s batch: %s — expected %s, got %s", ph.Index, ph.Name, b.Kind, a.Message.Text, a.Expected, a.Actual)}
			}
		}
	}
	return &switchyard.Message{Key: "verify.phase.failed", Text: fmt.Sprintf("phase %d (%s) failed", ph.Index, ph.Name)}
}

// runningError refuses a second simulation of a key, naming the running one.
func runningError(r *switchyard.VerifyRecord) error {
	task := switchyard.VerifyTask(r.Group, r.ServiceID)
	return switchyard.Errorf(switchyard.CodeConflict, "simulation %s of %s is running (started by %s at %s); one simulation per group@@serviceId runs at a time",
		r.ID, task, r.StartedBy, r.StartedAt.Format(time.RFC3339)).
		WithReason("verify.running", map[string]string{"id": r.ID, "task": task, "user": r.StartedBy, "since": r.StartedAt.Format(time.RFC3339)})
}

// messageOf is an error as a message: its reason key, params and text.
func messageOf(err error) *switchyard.Message {
	if err == nil {
		return nil
	}
	if e := switchyard.AsError(err); e != nil && e.Code != switchyard.CodeInternal {
		key := e.Reason
		if key == "" {
			key = "verify.error"
		}
		return &switchyard.Message{Key: key, Params: e.Params, Text: e.Error()}
	}
	return &switchyard.Message{Key: "verify.error", Text: switchyard.Truncate(err.Error(), 1000)}
}
