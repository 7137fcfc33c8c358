package deploytest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

var _ switchyard.Deployer = (*Fake)(nil)

// Fake is an in-memory switchyard.Deployer: it passes the suite and counts
// what it is asked, for tests of the steps that call the port ("the DEPLOY
// step re-entered after a crash started nothing twice"). Instances are
// addressed 127.0.0.1:<n>, never listened on.
type Fake struct {
	// Now is the clock of StartedAt (default time.Now).
	Now func() time.Time

	mu       sync.Mutex
	services map[string]bool
	running  map[string][]*switchyard.DeployedInstance // by service/version
	next     int
	calls    []switchyard.DeploySpec
	starts   int
	stops    int
	fail     error
}

// NewFake returns a Fake that knows services.
func NewFake(services ...string) *Fake {
	f := &Fake{services: map[string]bool{}, running: map[string][]*switchyard.DeployedInstance{}}
	for _, s := range services {
		f.services[s] = true
	}
	return f
}

// FailNext makes the next Ensure fail with err, changing nothing.
func (f *Fake) FailNext(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

// Calls returns every spec Ensure was asked, in order.
func (f *Fake) Calls() []switchyard.DeploySpec {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Starts counts the instances started so far.
func (f *Fake) Starts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.starts
}

// Stops counts the instances stopped so far.
func (f *Fake) Stops() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stops
}

// Ensure implements switchyard.Deployer.
func (f *Fake) Ensure(ctx context.Context, spec switchyard.DeploySpec) (*switchyard.DeployStatus, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.known(spec.Service); err != nil {
		return nil, err
	}
	if spec.Version == "" {
		return nil, switchyard.FieldErrorf("version", "", "version: the spec names no version")
	}
	if spec.Instances < 0 || spec.Instances > 16 {
		return nil, switchyard.FieldErrorf("instances", "", "instances: %d instances asked; the fake runs 0 to 16", spec.Instances)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, spec)
	if err := f.fail; err != nil {
		f.fail = nil
		return nil, err
	}
	k := spec.Service + "/" + spec.Version
	run := f.running[k]
	st := &switchyard.DeployStatus{Service: spec.Service, Version: spec.Version}
	for len(run) > spec.Instances {
		st.Stopped = append(st.Stopped, run[len(run)-1].ID)
		run = run[:len(run)-1]
		f.stops++
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	for len(run) < spec.Instances {
		f.next++
		in := &switchyard.DeployedInstance{ID: fmt.Sprintf("fake-%d", f.next), Service: spec.Service, Version: spec.Version,
			Address: fmt.Sprintf("127.0.0.1:%d", f.next), StartedAt: now(), StartedBy: spec.Key}
		run = append(run, in)
		st.Started = append(st.Started, in.ID)
		f.starts++
	}
	f.running[k] = run
	st.Instances = cloneAll(run)
	return st, nil
}

// Status implements switchyard.Deployer.
func (f *Fake) Status(ctx context.Context, service, version string) ([]*switchyard.DeployedInstance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := f.known(service); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := []*switchyard.DeployedInstance{}
	for _, k := range slices.Sorted(maps.Keys(f.running)) {
		run := f.running[k]
		if len(run) > 0 && run[0].Service == service && (version == "" || run[0].Version == version) {
			out = append(out, cloneAll(run)...)
		}
	}
	return out, nil
}

func (f *Fake) known(service string) error {
	if !f.services[service] {
		return switchyard.FieldErrorf("service", "", "service: the fake deployer does not know service %q", service)
	}
	return nil
}

func cloneAll(in []*switchyard.DeployedInstance) []*switchyard.DeployedInstance {
	out := make([]*switchyard.DeployedInstance, len(in))
	for i, x := range in {
		c := *x
		out[i] = &c
	}
	return out
}
