// Package deploytest is the conformance suite of switchyard.Deployer: every
// implementation (deploy/process, and the command, CI-webhook and
// Kubernetes deployers to come) passes it, so the workflow's DEPLOY and
// OFFLINE steps can rely on the same behaviour from each: Ensure converges
// on a count and ensuring it again changes nothing, scaling down stops only
// the extra, Status reports without changing, versions are independent,
// concurrent Ensures of one spec start each instance once, and an unknown
// service or a bad count is CodeInvalid naming the field.
//
// It also has Fake, an in-memory Deployer for tests of the steps that call
// the port.
package deploytest

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// Harness is what the suite needs of an implementation.
type Harness struct {
	// New returns a deployer that runs nothing yet, for one test; it
	// cleans up after itself (t.Cleanup), including what it started.
	New func(t *testing.T) switchyard.Deployer
	// Service is a service the deployer knows, Versions two versions of
	// it it can run, Group the group to pass.
	Service  string
	Versions [2]string
	Group    string
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness, d switchyard.Deployer)
	}{
		{"EnsureStarts", testEnsureStarts},
		{"EnsureAgainStartsNothing", testIdempotent},
		{"ScaleUpKeepsWhatRuns", testScaleUp},
		{"ScaleDownStopsOnlyTheExtra", testScaleDown},
		{"ZeroStopsTheVersion", testZero},
		{"VersionsAreIndependent", testVersions},
		{"StatusOfNothing", testStatusEmpty},
		{"ConcurrentEnsureStartsOnce", testConcurrent},
		{"UnknownService", testUnknownService},
		{"BadInstances", testBadInstances},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, h, h.New(t)) })
	}
}

func (h Harness) spec(v, n int, key string) switchyard.DeploySpec {
	return switchyard.DeploySpec{Service: h.Service, Group: h.Group, Version: h.Versions[v], Instances: n, Key: key}
}

func ensure(t *testing.T, d switchyard.Deployer, spec switchyard.DeploySpec) *switchyard.DeployStatus {
	t.Helper()
	st, err := d.Ensure(t.Context(), spec)
	if err != nil {
		t.Fatalf("Ensure(%+v): %v", spec, err)
	}
	if st.Service != spec.Service || st.Version != spec.Version || len(st.Instances) != spec.Instances {
		t.Fatalf("Ensure(%+v) = %s %s with %d instances, want %d", spec, st.Service, st.Version, len(st.Instances), spec.Instances)
	}
	return st
}

func ids(in []*switchyard.DeployedInstance) []string {
	out := make([]string, len(in))
	for i, x := range in {
		out[i] = x.ID
	}
	slices.Sort(out)
	return out
}

func status(t *testing.T, d switchyard.Deployer, service, version string) []*switchyard.DeployedInstance {
	t.Helper()
	in, err := d.Status(t.Context(), service, version)
	if err != nil {
		t.Fatalf("Status(%s, %q): %v", service, version, err)
	}
	return in
}

func testEnsureStarts(t *testing.T, h Harness, d switchyard.Deployer) {
	st := ensure(t, d, h.spec(0, 2, "EXE-1/deploy/1"))
	if len(st.Started) != 2 || len(st.Stopped) != 0 {
		t.Fatalf("started %v, stopped %v; want 2 started", st.Started, st.Stopped)
	}
	if !slices.Equal(slices.Sorted(slices.Values(st.Started)), ids(st.Instances)) {
		t.Fatalf("started %v, but runs %v", st.Started, ids(st.Instances))
	}
	addrs := map[string]bool{}
	for _, in := range st.Instances {
		if in.Service != h.Service || in.Version != h.Versions[0] || in.Address == "" || in.StartedAt.IsZero() || in.StartedBy != "EXE-1/deploy/1" {
			t.Fatalf("instance %+v", in)
		}
		addrs[in.Address] = true
	}
	if len(addrs) != 2 {
		t.Fatalf("two instances on one address: %v", addrs)
	}
	if got := ids(status(t, d, h.Service, h.Versions[0])); !slices.Equal(got, ids(st.Instances)) {
		t.Fatalf("Status = %v, Ensure said %v", got, ids(st.Instances))
	}
}

func testIdempotent(t *testing.T, h Harness, d switchyard.Deployer) {
	first := ensure(t, d, h.spec(0, 2, "EXE-1/deploy/1"))
	for i := range 2 {
		// The same step re-entered after a crash, then another step.
		again := ensure(t, d, h.spec(0, 2, []string{"EXE-1/deploy/1", "EXE-2/deploy/1"}[i]))
		if len(again.Started) != 0 || len(again.Stopped) != 0 {
			t.Fatalf("Ensure of what runs started %v and stopped %v", again.Started, again.Stopped)
		}
		if !slices.Equal(ids(again.Instances), ids(first.Instances)) {
			t.Fatalf("Ensure of what runs: %v, first %v", ids(again.Instances), ids(first.Instances))
		}
	}
}

func testScaleUp(t *testing.T, h Harness, d switchyard.Deployer) {
	first := ensure(t, d, h.spec(0, 1, ""))
	more := ensure(t, d, h.spec(0, 3, ""))
	if len(more.Started) != 2 || len(more.Stopped) != 0 || !slices.Contains(ids(more.Instances), first.Instances[0].ID) {
		t.Fatalf("1 → 3: started %v, stopped %v, runs %v; want the first kept and 2 started", more.Started, more.Stopped, ids(more.Instances))
	}
}

func testScaleDown(t *testing.T, h Harness, d switchyard.Deployer) {
	three := ids(ensure(t, d, h.spec(0, 3, "")).Instances)
	one := ensure(t, d, h.spec(0, 1, ""))
	if len(one.Started) != 0 || len(one.Stopped) != 2 {
		t.Fatalf("3 → 1: started %v, stopped %v; want 2 stopped", one.Started, one.Stopped)
	}
	kept := one.Instances[0].ID
	if !slices.Contains(three, kept) || slices.Contains(one.Stopped, kept) {
		t.Fatalf("3 → 1 kept %s of %v, stopped %v", kept, three, one.Stopped)
	}
	for _, id := range one.Stopped {
		if !slices.Contains(three, id) {
			t.Fatalf("stopped %s, which did not run (%v)", id, three)
		}
	}
	if got := ids(status(t, d, h.Service, h.Versions[0])); !slices.Equal(got, []string{kept}) {
		t.Fatalf("Status after 3 → 1 = %v, want [%s]", got, kept)
	}
}

func testZero(t *testing.T, h Harness, d switchyard.Deployer) {
	two := ids(ensure(t, d, h.spec(0, 2, "")).Instances)
	zero := ensure(t, d, h.spec(0, 0, ""))
	if !slices.Equal(slices.Sorted(slices.Values(zero.Stopped)), two) {
		t.Fatalf("2 → 0 stopped %v, want %v", zero.Stopped, two)
	}
	if got := status(t, d, h.Service, h.Versions[0]); len(got) != 0 {
		t.Fatalf("Status after 0 = %v", ids(got))
	}
	again := ensure(t, d, h.spec(0, 0, ""))
	if len(again.Started)+len(again.Stopped) != 0 {
		t.Fatalf("0 → 0 started %v, stopped %v", again.Started, again.Stopped)
	}
}

func testVersions(t *testing.T, h Harness, d switchyard.Deployer) {
	old := ids(ensure(t, d, h.spec(0, 1, "")).Instances)
	nu := ids(ensure(t, d, h.spec(1, 2, "")).Instances)
	if got := ids(status(t, d, h.Service, "")); !slices.Equal(got, slices.Sorted(slices.Values(slices.Concat(old, nu)))) {
		t.Fatalf("Status of every version = %v, want %v and %v", got, old, nu)
	}
	if got := ids(status(t, d, h.Service, h.Versions[1])); !slices.Equal(got, nu) {
		t.Fatalf("Status(%s) = %v, want %v", h.Versions[1], got, nu)
	}
	ensure(t, d, h.spec(0, 0, ""))
	if got := ids(status(t, d, h.Service, h.Versions[1])); !slices.Equal(got, nu) {
		t.Fatalf("taking %s offline touched %s: %v, want %v", h.Versions[0], h.Versions[1], got, nu)
	}
}

func testStatusEmpty(t *testing.T, h Harness, d switchyard.Deployer) {
	if got := status(t, d, h.Service, h.Versions[1]); len(got) != 0 {
		t.Fatalf("Status of a version never deployed = %v", ids(got))
	}
	if got := status(t, d, h.Service, ""); len(got) != 0 {
		t.Fatalf("Status of a service never deployed = %v", ids(got))
	}
}

func testConcurrent(t *testing.T, h Harness, d switchyard.Deployer) {
	const callers = 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	var started []string
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			st, err := d.Ensure(t.Context(), h.spec(0, 2, "EXE-1/deploy/1"))
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			started = append(started, st.Started...)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Ensure: %v", err)
	}
	if got := ids(status(t, d, h.Service, h.Versions[0])); len(started) != 2 || !slices.Equal(slices.Sorted(slices.Values(started)), got) {
		t.Fatalf("%d concurrent Ensures of 2 started %v; runs %v", callers, started, got)
	}
}

func testUnknownService(t *testing.T, h Harness, d switchyard.Deployer) {
	const name = "no-such-service"
	_, err := d.Ensure(t.Context(), switchyard.DeploySpec{Service: name, Version: h.Versions[0], Instances: 1})
	checkInvalid(t, "Ensure of an unknown service", err, "service", name)
	_, err = d.Status(t.Context(), name, "")
	checkInvalid(t, "Status of an unknown service", err, "service", name)
}

func testBadInstances(t *testing.T, h Harness, d switchyard.Deployer) {
	_, err := d.Ensure(t.Context(), h.spec(0, -1, ""))
	checkInvalid(t, "Ensure of -1 instances", err, "instances", "-1")
	if got := status(t, d, h.Service, ""); len(got) != 0 {
		t.Fatalf("a refused Ensure started %v", ids(got))
	}
}

func checkInvalid(t *testing.T, what string, err error, field, mention string) {
	t.Helper()
	e := switchyard.AsError(err)
	if e == nil || e.Code != switchyard.CodeInvalid || e.Field != field || !strings.Contains(e.Message, mention) {
		t.Fatalf("%s: %v (%#v); want CodeInvalid on field %s naming %q", what, err, e, field, mention)
	}
}
