package release

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/readiness"
)

// rollOut runs the deploy or offline an operation asks for, before its
// publish: nil when it asks for none. The operation's own checks (state,
// form) run first, so nothing starts for an operation that would be
// refused; the caller's lock is held for the rollout's length.
func (s *Service) rollOut(ctx context.Context, actor *switchyard.User, r *switchyard.Release, req switchyard.OperationRequest) (*rollout, error) {
	switch {
	case req.Deploy == nil && req.Offline == nil:
		return nil, nil
	case req.Deploy != nil && req.Operation != switchyard.OpRelease:
		return nil, switchyard.FieldErrorf("deploy", "rollout.operation", "deploy goes with the release operation (执行发布) only, not %s", req.Operation).
			WithReason("rollout.operation", map[string]string{"field": "deploy", "operation": string(req.Operation)})
	case req.Offline != nil && req.Operation != switchyard.OpEnd:
		return nil, switchyard.FieldErrorf("offline", "rollout.operation", "offline goes with the end operation (结束发布) only, not %s", req.Operation).
			WithReason("rollout.operation", map[string]string{"field": "offline", "operation": string(req.Operation)})
	}
	if _, err := Next(r.State, req.Operation); err != nil {
		return nil, err
	}
	spec := r.Spec
	if req.Spec != nil {
		spec = *req.Spec
	}
	defaultSpec(&spec)
	if err := validate(&spec, r.App, req.Operation); err != nil {
		return nil, err
	}
	if s.Rollouts == nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "this server has no deployer: deploying or taking versions offline with a release operation needs deploy.process services in the configuration").
			WithReason("rollout.unavailable", nil)
	}
	if req.Deploy != nil {
		ro := s.begin(r.Name, "deploy", s.keeper(actor, r.Name))
		return ro, ro.end(s.online(ctx, actor, r, req.Deploy, ro))
	}
	ro := s.begin(r.Name, "offline", s.keeper(actor, r.Name))
	return ro, ro.end(s.offline(ctx, r, req.Offline, ro))
}

// rolloutOptions are a deploy's or an offline's checked options.
type rolloutOptions struct {
	services []string
	deployer switchyard.Deployer
	settle   time.Duration
	timeout  time.Duration
}

// options checks what deploy and offline share; field is "deploy" or
// "offline".
func (s *Service) options(r *switchyard.Release, field string, services []string, deployer, settle, timeout string) (*rolloutOptions, error) {
	o := &rolloutOptions{services: services}
	if len(o.services) == 0 {
		o.services = r.Spec.Services
	}
	for i, svc := range o.services {
		if !slices.Contains(r.Spec.Services, svc) {
			f := fmt.Sprintf("%s.services[%d]", field, i)
			return nil, switchyard.FieldErrorf(f, "rollout.service", "%s: %s is not a service of release %s", f, svc, r.Name).
				WithReason("rollout.service", map[string]string{"service": svc})
		}
	}
	name := deployer
	if name == "" {
		name = "process"
	}
	if s.Rollouts != nil {
		o.deployer = s.Rollouts.Deployers[name]
	}
	if o.deployer == nil {
		return nil, switchyard.FieldErrorf(field+".deployer", "rollout.deployer", "no deployer named %q is configured on this server (the local-process deployer needs deploy.process services in the configuration)", name).
			WithReason("rollout.deployer", map[string]string{"deployer": name})
	}
	var err error
	if o.settle, err = boundedDuration(field+".settle", settle, defaultSettle, maxSettle); err != nil {
		return nil, err
	}
	if o.timeout, err = boundedDuration(field+".timeout", timeout, defaultRolloutFor, maxRolloutFor); err != nil {
		return nil, err
	}
	return o, nil
}

func boundedDuration(field, text string, def, most time.Duration) (time.Duration, error) {
	if text == "" {
		return def, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil || d < 0 || d > most {
		return 0, switchyard.FieldErrorf(field, "rollout.duration", "%s must be a duration from 0s to %s, found %q", field, most, switchyard.Truncate(text, 40)).
			WithReason("rollout.duration", map[string]string{"field": field, "max": most.String()})
	}
	return d, nil
}

// online is 上线新服务 before 执行发布: the deployer is asked to run the
// instances, then it waits until every one is registered and has answered
// its health endpoint for the settle time. Nothing is published here.
func (s *Service) online(ctx context.Context, actor *switchyard.User, r *switchyard.Release, d *switchyard.ReleaseDeploy, ro *rollout) (err error) {
	if !versionText.MatchString(d.Version) {
		return switchyard.FieldErrorf("deploy.version", "rollout.version", "deploy.version must be 1-64 of A-Z a-z 0-9 . _ -, found %q", switchyard.Truncate(d.Version, 70)).
			WithReason("rollout.version", nil)
	}
	want := d.Instances
	if want == 0 {
		want = 1
	}
	if want < 1 || want > maxInstances {
		return switchyard.FieldErrorf("deploy.instances", "rollout.instances", "deploy.instances must be from 1 to %d, found %d", maxInstances, d.Instances).
			WithReason("rollout.instances", map[string]string{"max": strconv.Itoa(maxInstances)})
	}
	o, err := s.options(r, "deploy", d.Services, d.Deployer, d.Settle, d.Timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	pin, err := s.pinOld(ctx, actor, r, ro)
	if err != nil {
		return err
	}
	// A failed deploy takes back the instances it brought up where none of
	// the version ran before (new instances with no rule over them would
	// get traffic), then puts the rule back.
	var brought []string
	defer func() {
		if err == nil {
			return
		}
		undo := context.WithoutCancel(ctx)
		for _, svc := range brought {
			if _, e := o.deployer.Ensure(undo, switchyard.DeploySpec{Service: svc, Group: r.Group, Version: d.Version, Instances: 0, Key: "release/" + r.Name}); e != nil {
				ro.log("rollout.undo_failed", fmt.Sprintf("%s %s could not be stopped again: %v", svc, d.Version, e), "service", svc, "version", d.Version, "detail", e.Error())
				continue
			}
			ro.log("rollout.undone", fmt.Sprintf("%s %s: the instances this deploy started are stopped again", svc, d.Version), "service", svc, "version", d.Version)
		}
		if pin != nil {
			s.unpin(undo, actor, r, pin, ro)
		}
	}()
	for _, svc := range o.services {
		st, err := o.deployer.Ensure(ctx, switchyard.DeploySpec{Service: svc, Group: r.Group, Version: d.Version, Instances: want, Key: "release/" + r.Name})
		if err != nil {
			return switchyard.Errorf(switchyard.CodeUnavailable, "deploying %s %s failed: %v", svc, d.Version, err).
				WithReason("rollout.deploy", map[string]string{"service": svc, "version": d.Version, "detail": err.Error()}).WithCause(err)
		}
		started := 0
		if st != nil {
			started = len(st.Started)
			if started > 0 && started == len(st.Instances) {
				brought = append(brought, svc)
			}
		}
		ro.log("rollout.deployed", fmt.Sprintf("%s %s: %d instance(s) asked for, %d started", svc, d.Version, want, started),
			"service", svc, "version", d.Version, "want", strconv.Itoa(want), "started", strconv.Itoa(started))
	}
	client := s.probeClient()
	healthy := map[string]time.Time{}
	seen := map[string]string{}
	for {
		ready, waiting := true, ""
		for _, svc := range o.services {
			list, err := readiness.Check(ctx, s.Registry, client, svc, d.Version, "")
			if err != nil {
				ready, waiting = false, fmt.Sprintf("the registry cannot list %s: %v", svc, err)
				continue
			}
			ok, pic := settled(list, want, o.settle, healthy, s.Now())
			picture := pic.String()
			if seen[svc] != picture {
				seen[svc] = picture
				ro.log("rollout.health", svc+" "+d.Version+": "+picture, "service", svc, "version", d.Version,
					"registered", strconv.Itoa(pic.registered), "want", strconv.Itoa(want), "healthy", strconv.Itoa(pic.healthy), "problem", pic.problem)
			}
			if !ok {
				ready = false
				if waiting == "" {
					waiting = svc + " " + d.Version + ": " + picture
				}
			}
		}
		if ready {
			ro.log("rollout.ready", "every new instance is registered and healthy; publishing")
			return nil
		}
		if err := ro.keep(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return switchyard.Errorf(switchyard.CodeUnavailable, "the new version did not become ready within %s: %s; the rule was left as it was", o.timeout, waiting).
				WithReason("rollout.not_ready", map[string]string{"detail": waiting, "timeout": o.timeout.String()})
		case <-time.After(rolloutPoll):
		}
	}
}

// picture is how far a service's new instances are.
type picture struct {
	registered, want, healthy int
	// problem names the first unhealthy instance and why ("" if none).
	problem string
}

func (p picture) String() string {
	s := fmt.Sprintf("%d of %d registered, %d healthy", p.registered, p.want, p.healthy)
	if p.problem != "" {
		s += "; " + p.problem
	}
	return s
}

// settled notes since when each instance is healthy and says whether want
// of them are registered and all have been healthy for settle, with the
// picture (naming the first unhealthy instance and why).
func settled(list []readiness.Instance, want int, settle time.Duration, healthy map[string]time.Time, now time.Time) (bool, picture) {
	pic := picture{registered: len(list), want: want}
	done := 0
	for _, in := range list {
		if !in.Healthy() {
			delete(healthy, in.ID)
			if pic.problem == "" {
				pic.problem = fmt.Sprintf("instance %s (%s): %v", in.ID, in.Address, in.Err)
			}
			continue
		}
		since, ok := healthy[in.ID]
		if !ok {
			since = now
			healthy[in.ID] = since
		}
		pic.healthy++
		if now.Sub(since) >= settle {
			done++
		}
	}
	return len(list) >= want && done == len(list), pic
}

// offline is 下线旧服务 before 结束发布: refused unless the rule in effect
// sends the old version nothing (released with gray 100 % to the new
// version for all traffic); the deployer is asked to run no instance of
// each service's old version; it waits until the registry lists none and
// the settle time passed. The rule is cleared by the end that follows.
func (s *Service) offline(ctx context.Context, r *switchyard.Release, off *switchyard.ReleaseOffline, ro *rollout) error {
	if !allNew(r) {
		return switchyard.Errorf(switchyard.CodeConflict, "release %s still sends traffic to the old version; execute it with gray weight 100 for all traffic (a gray condition without expression) before taking the old version offline", r.Name).
			WithReason("rollout.traffic", map[string]string{"name": r.Name})
	}
	o, err := s.options(r, "offline", off.Services, off.Deployer, off.Settle, off.Timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	instances, err := s.instances(ctx, o.services)
	if err != nil {
		return err
	}
	versions, err := versionsOf(instances, o.services, r.Spec.Sort)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if v.Old == v.New {
			return switchyard.Errorf(switchyard.CodeConflict, "%s runs only version %s; taking it offline would leave no instance", v.Service, v.Old).
				WithReason("rollout.last_version", map[string]string{"service": v.Service, "version": v.Old})
		}
	}
	for _, v := range versions {
		if _, err := o.deployer.Ensure(ctx, switchyard.DeploySpec{Service: v.Service, Group: r.Group, Version: v.Old, Instances: 0, Key: "release/" + r.Name}); err != nil {
			return switchyard.Errorf(switchyard.CodeUnavailable, "taking %s %s offline failed: %v", v.Service, v.Old, err).
				WithReason("rollout.offline", map[string]string{"service": v.Service, "version": v.Old, "detail": err.Error()}).WithCause(err)
		}
		ro.log("rollout.stopping", fmt.Sprintf("%s %s: stopping every instance", v.Service, v.Old), "service", v.Service, "version", v.Old)
	}
	var clearSince time.Time
	for {
		left := ""
		for _, v := range versions {
			n, err := readiness.Registered(ctx, s.Registry, v.Service, v.Old)
			if err != nil {
				left = fmt.Sprintf("the registry cannot list %s: %v", v.Service, err)
				break
			}
			if n > 0 {
				left = fmt.Sprintf("%s %s: %d instance(s) still registered", v.Service, v.Old, n)
				break
			}
		}
		switch {
		case left != "":
			clearSince = time.Time{}
		case clearSince.IsZero():
			clearSince = s.Now()
			ro.log("rollout.gone", "the old version is deregistered everywhere; settling")
		case s.Now().Sub(clearSince) >= o.settle:
			ro.log("rollout.offline_done", "the old version is offline; clearing the rule")
			return nil
		}
		if err := ro.keep(ctx); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			if left == "" {
				left = "settling"
			}
			return switchyard.Errorf(switchyard.CodeUnavailable, "the old version did not go offline within %s: %s; the rule was not changed", o.timeout, left).
				WithReason("rollout.not_gone", map[string]string{"detail": left, "timeout": o.timeout.String()})
		case <-time.After(rolloutPoll):
		}
	}
}

// allNew reports whether the release in effect sends the old version
// nothing: released, gray only, every condition at 100 and one of them
// for all traffic (no expression).
func allNew(r *switchyard.Release) bool {
	sp := r.Spec
	if r.State != switchyard.StateReleased || sp.BlueGreenEnabled || !sp.GrayEnabled || len(sp.GrayConditions) == 0 {
		return false
	}
	catchAll := false
	for _, g := range sp.GrayConditions {
		if g.Weight != 100 {
			return false
		}
		if strings.TrimSpace(g.Expression) == "" {
			catchAll = true
		}
	}
	return catchAll
}

func (s *Service) probeClient() *http.Client {
	if s.Rollouts != nil && s.Rollouts.HTTP != nil {
		return s.Rollouts.HTTP
	}
	return &http.Client{Timeout: readiness.ProbeTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{Proxy: nil}}
}

// keeper renews the caller's lock on the release while a rollout waits,
// at most every third of its lease.
func (s *Service) keeper(actor *switchyard.User, name string) func(context.Context) error {
	var last time.Time
	return func(ctx context.Context) error {
		if now := s.Now(); now.Sub(last) >= s.LockTTL/3 {
			if _, err := s.hold(ctx, actor, name, s.LockTTL); err != nil {
				return err
			}
			last = now
		}
		return nil
	}
}

// pinOld keeps the traffic on the old chain while the new version comes
// up: a release never executed has no rule in effect, and without one the
// entry and the services balance over every registered version, so chains
// would mix the moment a new instance registers. It publishes the release's
// 兜底 rule (every service pinned to its old version) without changing the
// release; nil when a rule of the release is in effect already, or when a
// service has no instance yet (a first deployment: no old chain to keep).
func (s *Service) pinOld(ctx context.Context, actor *switchyard.User, r *switchyard.Release, ro *rollout) (*Published, error) {
	if r.State != "" {
		return nil, nil
	}
	for _, svc := range r.Spec.Services {
		list, err := s.Registry.Instances(ctx, svc)
		if err != nil {
			return nil, unavailable("read the instances of "+svc, err)
		}
		if len(list) == 0 {
			ro.log("rollout.pin_skipped", svc+" has no instance online yet: no old chain to keep", "service", svc)
			return nil, nil
		}
	}
	p, err := s.prepare(ctx, r, switchyard.OperationRequest{Operation: switchyard.OpFallback})
	if err != nil {
		return nil, err
	}
	text := string(p.rule.XML())
	pub, err := s.Publish(ctx, actor, Change{Key: r.Key(), Action: "release.pin", IfVersion: p.base.Version,
		Next: func(*switchyard.ConfigEntry) (*Text, error) { return &Text{Content: text, Format: "xml"}, nil }})
	if err != nil {
		return nil, err
	}
	ro.log("rollout.pinned", "traffic pinned to the old versions before the new one starts (config version "+strconv.FormatInt(pub.Version, 10)+")",
		"version", strconv.FormatInt(pub.Version, 10))
	return pub, nil
}

// unpin puts back the rule pinOld replaced, after a failed deploy, unless
// someone changed the key since.
func (s *Service) unpin(ctx context.Context, actor *switchyard.User, r *switchyard.Release, pin *Published, ro *rollout) {
	t := &Text{Content: pin.Before, Format: "xml"}
	if pin.prevEntry != nil && pin.prevEntry.Format != "" {
		t.Format = pin.prevEntry.Format
	}
	if pin.prevEntry == nil || pin.prevEntry.Version == 0 || pin.prevEntry.Deleted {
		t = &Text{Delete: true}
	}
	if _, err := s.Publish(ctx, actor, Change{Key: r.Key(), Action: "release.unpin", IfVersion: pin.Version,
		Next: func(*switchyard.ConfigEntry) (*Text, error) { return t, nil }}); err != nil {
		s.Logger.Warn("put back the rule after a failed deploy", "release", r.Name, "err", err)
		ro.log("rollout.unpin_failed", "the rule before the deploy could not be put back: "+err.Error(), "detail", err.Error())
		return
	}
	ro.log("rollout.unpinned", "the rule before the deploy is back")
}
