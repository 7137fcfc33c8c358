package process

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/switchyard-io/switchyard"
)

// Ensure implements switchyard.Deployer: it makes spec.Instances instances
// of spec.Service at spec.Version run. Under the version's lock it settles
// what the records say (dead instances are forgotten, a half-started one
// is adopted or forgotten, a half-stopped one is stopped), stops the
// highest-numbered extras (side by side), starts what is missing in the lowest free
// slots and waits until each started instance accepts connections on its
// port (Catalog.StartTimeout; an instance that does not is stopped and
// Ensure fails naming its log). Ensuring what runs starts nothing.
//
// Errors: CodeInvalid for an unknown service, a bad version, a count
// outside 0..MaxInstances or one the version's ports cannot hold, and a
// missing group; CodeUnavailable when a port is taken or a process does
// not start. What was started before an error keeps running and is
// counted by the next Ensure.
func (d *Deployer) Ensure(ctx context.Context, spec switchyard.DeploySpec) (*switchyard.DeployStatus, error) {
	svc, err := d.check(spec)
	if err != nil {
		return nil, err
	}
	unlock, err := d.lock(ctx, spec.Service, spec.Version)
	if err != nil {
		return nil, err
	}
	defer unlock()
	st := &switchyard.DeployStatus{Service: spec.Service, Version: spec.Version}
	live, err := d.reconcile(ctx, spec.Service, spec.Version, st)
	if err != nil {
		return nil, err
	}
	if extra := len(live) - spec.Instances; extra > 0 {
		if err := d.stopEach(ctx, live[spec.Instances:]); err != nil {
			return nil, err
		}
		for i := len(live) - 1; i >= spec.Instances; i-- {
			st.Stopped = append(st.Stopped, live[i].id())
		}
		live = live[:spec.Instances]
	}
	var started []*starting
	for len(live)+len(started) < spec.Instances {
		s, serr := d.start(svc, spec, freeIndex(live, started))
		if s != nil {
			started = append(started, s)
		}
		if serr != nil {
			err = serr
			break
		}
	}
	if werr := d.waitStarted(ctx, svc, started); err == nil {
		err = werr
	}
	if err != nil {
		return nil, err
	}
	for _, s := range started {
		live = append(live, s.rec)
		st.Started = append(st.Started, s.rec.id())
	}
	slices.SortFunc(live, func(a, b *record) int { return a.Index - b.Index })
	st.Instances = make([]*switchyard.DeployedInstance, 0, len(live))
	for _, r := range live {
		st.Instances = append(st.Instances, r.instance())
	}
	return st, nil
}

// check validates spec against the catalog before anything is touched.
func (d *Deployer) check(spec switchyard.DeploySpec) (*Service, error) {
	svc, err := d.service(spec.Service)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(spec.Version); err != nil {
		return nil, err
	}
	if spec.Instances < 0 || spec.Instances > d.cat.MaxInstances {
		return nil, switchyard.FieldErrorf("instances", "", "instances: %d instances of %s asked; the process deployer runs 0 to %d per version", spec.Instances, spec.Service, d.cat.MaxInstances)
	}
	v := svc.version(spec.Version)
	if spec.Instances > len(v.Ports) && svc.Ports.empty() {
		if len(v.Ports) == 0 {
			return nil, switchyard.FieldErrorf("version", "", "version: the process deployer has no port for %s %s: give the version fixed ports or the service a port range", spec.Service, spec.Version)
		}
		return nil, switchyard.FieldErrorf("instances", "", "instances: %s %s has %d fixed ports and no port range, so it runs at most %d instances, not %d", spec.Service, spec.Version, len(v.Ports), len(v.Ports), spec.Instances)
	}
	if cmp.Or(spec.Group, svc.Group) == "" && usesGroup(svc.Args, v.Args) {
		return nil, switchyard.FieldErrorf("group", "", "group: the command of %s names {group} and neither the spec nor the catalog gives one", spec.Service)
	}
	return svc, nil
}

// freeIndex is the lowest index no live or started instance has.
func freeIndex(live []*record, started []*starting) int {
	used := map[int]bool{}
	for _, r := range live {
		used[r.Index] = true
	}
	for _, s := range started {
		used[s.rec.Index] = true
	}
	for i := 1; ; i++ {
		if !used[i] {
			return i
		}
	}
}

// reconcile settles the records of service at version against the
// processes that run and returns the live instances by index. It stops
// what a previous stop left half done (adding to st.Stopped).
func (d *Deployer) reconcile(ctx context.Context, service, version string, st *switchyard.DeployStatus) ([]*record, error) {
	recs, bad, err := d.st.list(service, version, true)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		d.log.Warn("deployer: unreadable instance record set aside", "service", service, "version", version, "err", b)
	}
	var live []*record
	claimed := map[int]bool{}
	for _, r := range recs {
		if r.Status != statusStarting && r.alive() {
			claimed[r.Pid] = true
		}
	}
	for _, r := range recs {
		switch {
		case r.Status == statusStarting:
			ok, err := d.settleStart(r, claimed)
			if err != nil {
				return nil, err
			}
			if ok {
				claimed[r.Pid] = true
				live = append(live, r)
			}
		case !r.alive():
			action := ActionDied
			if r.Status == statusStopping {
				action = ActionStop // a stop cut off after its signal
			}
			if err := d.forget(r, action); err != nil {
				return nil, err
			}
		case r.Status == statusStopping:
			if err := d.stop(ctx, r); err != nil {
				return nil, err
			}
			st.Stopped = append(st.Stopped, r.id())
		default:
			live = append(live, r)
		}
	}
	return live, nil
}

// settleStart decides a "starting" record a control plane left when it
// died between writing the intent and recording the pid: the process it
// started (a live one with exactly the argv, not another instance's) is
// adopted; if there is none, the start never happened and the record goes.
func (d *Deployer) settleStart(r *record, claimed map[int]bool) (bool, error) {
	pid, p, ok := findByArgv(r.Argv, claimed)
	if !ok {
		d.log.Info("deployer: an instance's start was cut off before it happened", "instance", r.name())
		return false, d.forget(r, "")
	}
	r.Pid, r.ProcStart, r.Status = pid, p.start, statusRunning
	if r.StartedAt.IsZero() {
		r.StartedAt = r.IntentAt
	}
	if err := d.st.write(r); err != nil {
		return false, err
	}
	d.log.Info("deployer: adopted an instance whose start was cut off after it happened", "instance", r.name(), "pid", pid)
	d.follow(r, -1)
	return true, nil
}

// forget removes r's record and frees its port, journaling action (if
// any).
func (d *Deployer) forget(r *record, action string) error {
	if err := d.st.remove(r); err != nil {
		return err
	}
	d.mu.Lock()
	if d.ports[r.Port] == r.name() {
		delete(d.ports, r.Port)
	}
	if f := d.followers[r.name()]; f != nil {
		f.stop()
		delete(d.followers, r.name())
	}
	d.mu.Unlock()
	if action == "" {
		return nil
	}
	if action == ActionDied {
		d.log.Warn("deployer: an instance died", "instance", r.name(), "pid", r.Pid, "log", r.Log)
	}
	return d.st.journal(JournalEntry{Time: d.now(), Action: action, Instance: r.name(), Service: r.Service, Version: r.Version, Pid: r.Pid, Port: r.Port, Key: r.Key})
}

// StopAll stops every instance the deployer runs, of every service and
// version: the demo's exit. If ctx ends first the remaining grace is cut
// short (SIGKILL at once).
func (d *Deployer) StopAll(ctx context.Context) error {
	var errs []error
	for _, s := range d.cat.Services {
		versions, err := d.st.versions(s.Name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, v := range versions {
			errs = append(errs, d.stopVersion(ctx, s.Name, v))
		}
	}
	return errors.Join(errs...)
}

func (d *Deployer) stopVersion(ctx context.Context, service, version string) error {
	unlock, err := d.lock(context.WithoutCancel(ctx), service, version)
	if err != nil {
		return err
	}
	defer unlock()
	live, err := d.reconcile(ctx, service, version, &switchyard.DeployStatus{})
	if err != nil {
		return err
	}
	if err := d.stopEach(ctx, live); err != nil {
		return fmt.Errorf("process: stop %s %s: %w", service, version, err)
	}
	return nil
}

// stopEach stops recs at once, so their graces run side by side.
func (d *Deployer) stopEach(ctx context.Context, recs []*record) error {
	errc := make(chan error, len(recs))
	for _, r := range recs {
		go func() { errc <- d.stop(ctx, r) }()
	}
	var errs []error
	for range recs {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}
