package workflow

import (
	"context"
	"strconv"

	"github.com/switchyard-io/switchyard"
)

// deployResult is a DEPLOY's result: the version it brought up (later
// steps find the new version here), the deployer and what runs.
type deployResult struct {
	Version  string                     `json:"version"`
	Deployer string                     `json:"deployer"`
	Services []*switchyard.DeployStatus `json:"services"`
	// Pinned is the config version of the rule DEPLOY published to keep
	// traffic on the old versions (0: the release was already in effect).
	Pinned int64 `json:"pinned,omitempty"`
}

// defaultDeployer is the deployer a step names none of: the local-process
// one.
const defaultDeployer = "process"

// deploy is DEPLOY (部署到蓝环境): the deployer is asked to ensure Instances
// copies of each service at Version run. It returns once the processes are
// started; HEALTH_CHECK waits for them to be registered and healthy.
//
// Before anything starts, the traffic is pinned to the old versions: a
// release with no rule in effect (never executed, rolled back, fallen back,
// ended) is executed at 0% to the new version, so the entry sends every
// request along the old chain and the new instances stay dark until the
// first TRAFFIC_SHIFT. Without that rule the gateway and the services
// would balance over every registered version, the new one included, and
// chains would mix versions the moment it registers.
//
// Idempotency: Ensure states a desired state, not an action, and carries
// the tick's key; a tick repeated after a crash finds the instances the
// first one started running and starts none (the deployer's contract).
func deploy(ctx context.Context, t *Tick) Outcome {
	cfg := ConfigOf[DeployConfig](t)
	if cfg.Version == "" {
		return t.Fail(Msg("deploy.no_version"), nil)
	}
	name := cfg.Deployer
	if name == "" {
		name = defaultDeployer
	}
	d := t.Env.Deployers[name]
	if d == nil {
		return t.Fail(Msg("deploy.no_deployer", "deployer", name), nil)
	}
	services := servicesOf(t, cfg.Services)
	if len(services) == 0 {
		return t.Fail(Msg("step.no_services"), nil)
	}
	n := cfg.Instances
	if n <= 0 {
		n = 1
	}
	res := deployResult{Version: cfg.Version, Deployer: name, Services: []*switchyard.DeployStatus{}}
	var recs []Record
	pinned, offline, err := pinOld(ctx, t)
	switch {
	case err != nil:
		return t.Fail(Msg("deploy.pin_failed", "detail", errDetail(err)), res)
	case pinned != nil:
		res.Pinned = pinned.Version
		recs = append(recs, logRec(t.Step.ID, "info", Msg("deploy.pinned", "version", strconv.FormatInt(pinned.Version, 10))))
	case offline != "":
		recs = append(recs, logRec(t.Step.ID, "info", Msg("deploy.pin_skipped", "service", offline)))
	}
	for _, svc := range services {
		st, err := d.Ensure(ctx, switchyard.DeploySpec{Service: svc, Group: t.Release.Group, Version: cfg.Version, Instances: n, Key: t.Key})
		if err != nil {
			return withRecords(t.Fail(Msg("deploy.failed", "service", svc, "version", cfg.Version, "detail", errDetail(err)), res), recs)
		}
		res.Services = append(res.Services, st)
		recs = append(recs, logRec(t.Step.ID, "info", Msg("deploy.service", "service", svc, "version", cfg.Version,
			"running", strconv.Itoa(len(st.Instances)), "started", strconv.Itoa(len(st.Started)))))
	}
	return withRecords(t.Done(Msg("summary.succeeded"), res), recs)
}

// pinOld executes the release at 0% to the new version when no release
// rule of it is in effect. It publishes nothing when one is (a repeated
// tick finds the rule its first run published), or when one of the
// release's services has no instance online (a first deployment: there is
// no old chain to keep, and no rule can name its versions) — offline names
// that service.
func pinOld(ctx context.Context, t *Tick) (res *switchyard.OperationResult, offline string, err error) {
	rel, err := releaseNow(ctx, t)
	if err != nil {
		return nil, "", err
	}
	if rel.State == switchyard.StateReleased {
		return nil, "", nil
	}
	for _, svc := range rel.Spec.Services {
		ins, err := t.Env.Registry.Instances(ctx, svc)
		if err != nil {
			return nil, "", err
		}
		if len(ins) == 0 {
			return nil, svc, nil
		}
	}
	res, err = publishWeight(ctx, t, 0)
	return res, "", err
}
