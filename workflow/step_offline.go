package workflow

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// offlineProgress is an OFFLINE between ticks.
type offlineProgress struct {
	// Old is what is taken offline: service → versions, fixed on the
	// first tick.
	Old map[string][]string `json:"old,omitempty"`
	// Stopped: the deployer was asked to run none of them.
	Stopped bool      `json:"stopped"`
	Since   time.Time `json:"since"`
	// Clear is since when the registry lists none of them.
	Clear *time.Time `json:"clear,omitempty"`
	// Left is how many were still registered at the last tick.
	Left int `json:"left"`
}

// offline is OFFLINE (下线绿环境): for each service, the deployer is asked to
// run no instance of the old version(s) — the step's version, else every
// online version but the new one (the version the last DEPLOY brought up;
// unknown, the step fails rather than guess, and it never takes the new
// version or a service's last version offline); it waits until the
// registry lists none of them and Settle has passed; then, unless
// KeepRelease, 结束发布 (OpEnd), which clears the rule now that the old
// instances are gone.
//
// Idempotency: the versions are fixed in the progress on the first tick;
// a first tick repeated after the old versions went offline finds none
// left to take; Ensure(Instances: 0) of what already stopped stops
// nothing; 结束发布 is skipped when the release read now has already ended.
func offline(ctx context.Context, t *Tick) Outcome {
	cfg := ConfigOf[OfflineConfig](t)
	name := cfg.Deployer
	if name == "" {
		name = defaultDeployer
	}
	d := t.Env.Deployers[name]
	if d == nil {
		return t.Fail(Msg("deploy.no_deployer", "deployer", name), nil)
	}
	p := ProgressOf[offlineProgress](t)
	var recs []Record
	if p.Old == nil && t.State.Traffic < 100 {
		// Taking the old version offline while it still serves traffic
		// would drop requests: shift everything to the new one first.
		return t.Fail(Msg("offline.not_full", "traffic", strconv.FormatFloat(t.State.Traffic, 'f', -1, 64)), nil)
	}
	if p.Old == nil {
		old, reason := oldVersions(ctx, t, cfg)
		if reason != nil {
			return t.Fail(reason, nil)
		}
		p.Old, p.Since = old, t.Now
	}
	if !p.Stopped {
		for _, svc := range sortedKeys(p.Old) {
			for _, v := range p.Old[svc] {
				if _, err := d.Ensure(ctx, switchyard.DeploySpec{Service: svc, Group: t.Release.Group, Version: v, Instances: 0, Key: t.Key}); err != nil {
					return withRecords(t.Fail(Msg("offline.failed", "service", svc, "version", v, "detail", errDetail(err)), p.result(nil)), recs)
				}
			}
			recs = append(recs, logRec(t.Step.ID, "info", Msg("offline.stopping", "service", svc, "versions", strings.Join(p.Old[svc], ", "))))
		}
		p.Stopped = true
	}
	left, err := registered(ctx, t, p.Old)
	if err != nil {
		left = []string{"the registry: " + errDetail(err)} // wait on, within the cap
	}
	if len(left) > 0 {
		if len(left) != p.Left {
			recs = append(recs, logRec(t.Step.ID, "info", Msg("offline.waiting", "count", strconv.Itoa(len(left)))))
		}
		p.Left, p.Clear = len(left), nil
		if t.Step.Timeout == 0 && t.Now.Sub(p.Since) >= instancesCap {
			return withRecords(t.Fail(Msg("offline.timeout", "minutes", strconv.Itoa(int(instancesCap/time.Minute)), "instances", strings.Join(left, ", ")), p.result(nil)), recs)
		}
		return withRecords(t.Again(t.Now.Add(time.Second), "instances", p), recs)
	}
	p.Left = 0
	if p.Clear == nil {
		p.Clear = ptr(t.Now)
	}
	if until := p.Clear.Add(cfg.Settle.D(2 * time.Second)); t.Now.Before(until) {
		return withRecords(t.Again(until, "instances", p), recs)
	}
	if cfg.KeepRelease {
		return withRecords(t.Done(Msg("summary.succeeded"), p.result(nil)), recs)
	}
	return withRecords(endRelease(ctx, t, p), recs)
}

// endRelease is 结束发布 after the old versions went offline.
func endRelease(ctx context.Context, t *Tick, p offlineProgress) Outcome {
	rel, err := releaseNow(ctx, t)
	if err != nil {
		return t.Fail(Msg("offline.end_failed", "detail", errDetail(err)), p.result(nil))
	}
	switch rel.State {
	case switchyard.StateEnded:
		o := t.Done(Msg("summary.succeeded"), p.result(rel))
		o.Traffic = ptr(100.0)
		return o
	case switchyard.StateNew:
		o := t.Done(Msg("summary.succeeded"), p.result(rel))
		Log(&o, "warn", Msg("offline.end.skipped"))
		return o
	}
	res, err := t.Env.Releases.Execute(ctx, t.Actor(), rel.Name, switchyard.OperationRequest{Operation: switchyard.OpEnd})
	if err != nil {
		return t.Fail(Msg("offline.end_failed", "detail", errDetail(err)), p.result(rel))
	}
	o := t.Done(Msg("summary.succeeded"), p.result(res.Release))
	Log(&o, "info", Msg("offline.ended", "version", strconv.FormatInt(res.Version, 10)))
	// The old versions are gone: every request reaches the new one.
	o.Traffic = ptr(100.0)
	return o
}

func (p offlineProgress) result(rel *switchyard.Release) map[string]any {
	out := map[string]any{"old": p.Old}
	if rel != nil {
		out["state"], out["configVersion"] = rel.State, rel.ConfigVersion
	}
	return out
}

// oldVersions is what OFFLINE takes offline, or why it refuses.
func oldVersions(ctx context.Context, t *Tick, cfg OfflineConfig) (map[string][]string, *switchyard.Message) {
	newVersion, _ := deployed(t)
	if cfg.Version == "" && newVersion == "" {
		return nil, Msg("offline.no_new")
	}
	if cfg.Version != "" && cfg.Version == newVersion {
		return nil, Msg("offline.is_new", "version", cfg.Version)
	}
	services := servicesOf(t, cfg.Services)
	if len(services) == 0 {
		return nil, Msg("step.no_services")
	}
	vs, err := t.Env.Releases.Versions(ctx, services, t.Release.Spec.Sort)
	if err != nil {
		return nil, Msg("offline.versions", "detail", errDetail(err))
	}
	old := map[string][]string{}
	for _, v := range vs {
		take, keep := []string{}, []string{}
		for _, ver := range v.Versions {
			if (cfg.Version != "" && ver == cfg.Version) || (cfg.Version == "" && ver != newVersion) {
				take = append(take, ver)
			} else {
				keep = append(keep, ver)
			}
		}
		if cfg.Version == "" && !slices.Contains(v.Versions, newVersion) {
			return nil, Msg("offline.new_missing", "service", v.Service, "version", newVersion)
		}
		if len(keep) == 0 && len(take) > 0 {
			return nil, Msg("offline.last", "service", v.Service, "versions", strings.Join(take, ", "))
		}
		old[v.Service] = take
	}
	return old, nil
}

// registered lists the instances ("service version host:port") of the
// versions in old the registry still has.
func registered(ctx context.Context, t *Tick, old map[string][]string) ([]string, error) {
	var left []string
	for _, svc := range sortedKeys(old) {
		list, err := t.Env.Registry.Instances(ctx, svc)
		if err != nil {
			return nil, err
		}
		for _, in := range list {
			if slices.Contains(old[svc], in.Version) {
				left = append(left, svc+" "+in.Version+" "+in.Address())
			}
		}
	}
	return left, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
