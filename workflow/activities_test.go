package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// The activities' tests run against a real release service (SQLite store,
// built-in config center and registry, as release/helpers_test.go) and
// hand-written fakes of the deployer and the metrics provider.

const (
	guideGroup   = "discovery-guide-group"
	guideGateway = "discovery-guide-gateway"
	guideA       = "discovery-guide-service-a"
	guideB       = "discovery-guide-service-b"
	guideRelease = "V1.1"
)

// fakeDeployer ensures instances in memory; with a registry it registers
// what it starts and deregisters what it stops, as real processes do.
type fakeDeployer struct {
	mu      sync.Mutex
	reg     switchyard.Registry
	running map[string][]*switchyard.DeployedInstance // "service@version"
	regIDs  map[string]string                         // deployed id → registry id
	port    int
	starts  int
	stops   int
	calls   []switchyard.DeploySpec
	fail    map[string]error // by service
}

var _ switchyard.Deployer = (*fakeDeployer)(nil)

func newFakeDeployer(reg switchyard.Registry) *fakeDeployer {
	return &fakeDeployer{reg: reg, running: map[string][]*switchyard.DeployedInstance{}, regIDs: map[string]string{}, port: 7000, fail: map[string]error{}}
}

func (d *fakeDeployer) Ensure(ctx context.Context, spec switchyard.DeploySpec) (*switchyard.DeployStatus, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, spec)
	if err := d.fail[spec.Service]; err != nil {
		return nil, err
	}
	k := spec.Service + "@" + spec.Version
	st := &switchyard.DeployStatus{Service: spec.Service, Version: spec.Version}
	for len(d.running[k]) < spec.Instances {
		d.port++
		in := &switchyard.DeployedInstance{ID: fmt.Sprintf("p%d", d.port), Service: spec.Service, Version: spec.Version,
			Address: fmt.Sprintf("127.0.0.1:%d", d.port), StartedBy: spec.Key}
		if d.reg != nil {
			got, err := d.reg.Register(ctx, &switchyard.Instance{Service: spec.Service, Group: spec.Group, Version: spec.Version, Host: "127.0.0.1", Port: d.port})
			if err != nil {
				return nil, err
			}
			d.regIDs[in.ID] = got.ID
		}
		d.running[k] = append(d.running[k], in)
		st.Started = append(st.Started, in.ID)
		d.starts++
	}
	for len(d.running[k]) > spec.Instances {
		in := d.running[k][len(d.running[k])-1]
		d.running[k] = d.running[k][:len(d.running[k])-1]
		if d.reg != nil {
			_ = d.reg.Deregister(ctx, d.regIDs[in.ID])
		}
		st.Stopped = append(st.Stopped, in.ID)
		d.stops++
	}
	st.Instances = slices.Clone(d.running[k])
	return st, nil
}

func (d *fakeDeployer) Status(_ context.Context, service, version string) ([]*switchyard.DeployedInstance, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.running[service+"@"+version]), nil
}

// fakeMetrics answers per service what the test sets; errs are returned
// first, one per call.
type fakeMetrics struct {
	mu      sync.Mutex
	by      map[string][]switchyard.VersionMetrics
	errs    []error
	calls   int
	windows []time.Duration
}

var _ switchyard.MetricsProvider = (*fakeMetrics)(nil)

func (m *fakeMetrics) ServiceMetrics(_ context.Context, service string, window time.Duration) (*switchyard.ServiceMetrics, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	m.windows = append(m.windows, window)
	if len(m.errs) > 0 {
		err := m.errs[0]
		m.errs = m.errs[1:]
		if err != nil {
			return nil, err
		}
	}
	return &switchyard.ServiceMetrics{Service: service, Window: window.String(), Versions: slices.Clone(m.by[service])}, nil
}

func (m *fakeMetrics) set(service string, vs ...switchyard.VersionMetrics) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.by == nil {
		m.by = map[string][]switchyard.VersionMetrics{}
	}
	m.by[service] = vs
}

// vmOf is a version's metrics: requests at a success rate and latency.
func vmOf(version string, requests int64, rate, avg float64) switchyard.VersionMetrics {
	return switchyard.VersionMetrics{Version: version, Requests: requests, SuccessRate: rate, AvgLatencyMs: avg, P99LatencyMs: avg * 2}
}

// actEnv is a release with the guide's services online, the ports, and a
// clock.
type actEnv struct {
	t        *testing.T
	store    switchyard.Store
	cc       *builtin.ConfigCenter
	reg      *builtin.Registry
	svc      *release.Service
	deployer *fakeDeployer
	metrics  *fakeMetrics
	env      *Env
	now      time.Time
	w        *switchyard.Workflow
	st       *State
}

var (
	opAlice = &switchyard.User{Name: "alice", Role: switchyard.RoleOperator, Groups: []string{guideGroup}}
	errDown = errors.New("connection refused")
)

// newActEnv starts 1.0 and 1.1 of both services (through the fake
// deployer, so they are in the registry) and the gateway, and creates the
// release.
func newActEnv(t *testing.T) *actEnv {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &actEnv{t: t, store: st, cc: builtin.NewConfigCenter(st, nil), reg: builtin.NewRegistry(), now: t0, metrics: &fakeMetrics{}}
	e.reg.Now, e.reg.Logger = e.clock, slog.New(slog.DiscardHandler)
	e.deployer = newFakeDeployer(e.reg)
	for _, s := range []string{guideA, guideB} {
		for _, v := range []string{"1.0", "1.1"} {
			if _, err := e.deployer.Ensure(t.Context(), switchyard.DeploySpec{Service: s, Group: guideGroup, Version: v, Instances: 1, Key: "setup"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.deployer.starts, e.deployer.calls = 0, nil
	if _, err := e.reg.Register(t.Context(), &switchyard.Instance{Service: guideGateway, Type: switchyard.TypeGateway, Group: guideGroup, Version: "1.0", Host: "127.0.0.1", Port: 5001}); err != nil {
		t.Fatal(err)
	}
	e.svc = release.New(st, e.cc, e.reg, nil)
	e.svc.Now = e.clock
	if _, err := e.svc.Create(t.Context(), opAlice, switchyard.NewRelease{Name: guideRelease, Subscription: switchyard.Partial, Group: guideGroup, App: guideGateway,
		Spec: switchyard.ReleaseSpec{Services: []string{guideA, guideB}, Sort: "version",
			GrayConditions: []switchyard.GrayCondition{{Expression: "#H['region'] == 'north'", Weight: 30}}}}); err != nil {
		t.Fatal(err)
	}
	e.env = &Env{Releases: e.svc, Registry: e.reg, Metrics: e.metrics, Deployers: map[string]switchyard.Deployer{"process": e.deployer}}
	e.use(&switchyard.Workflow{ID: "WF-001", Version: 1, ReleaseID: guideRelease})
	return e
}

func (e *actEnv) clock() time.Time { return e.now }

// use makes w the workflow the ticks belong to, with a fresh state.
func (e *actEnv) use(w *switchyard.Workflow) {
	e.w, e.st = w, NewState(w)
}

// step adds a step of type typ with cfg (and an edge to next, when set) to
// the workflow and returns it.
func (e *actEnv) step(id string, typ switchyard.StepType, cfg any, next ...string) *switchyard.Step {
	b, _ := json.Marshal(cfg)
	e.w.Steps = append(e.w.Steps, switchyard.Step{ID: id, Name: id, Type: typ, Config: b})
	for _, n := range next {
		e.w.Edges = append(e.w.Edges, switchyard.Edge{From: id, To: n})
	}
	e.st.Steps[id] = &StepState{Status: switchyard.StepPending}
	return e.w.Step(id)
}

// tick builds the tick of step s with progress, as the runner does (the
// release read at the start of the advance).
func (e *actEnv) tick(s *switchyard.Step, progress json.RawMessage) *Tick {
	e.t.Helper()
	r, err := e.store.FindRelease(e.t.Context(), guideRelease)
	if err != nil {
		e.t.Fatal(err)
	}
	if s.ID == RollbackStep && e.st.Rollback == nil {
		e.st.Rollback = &StepState{}
	}
	ss := e.st.step(s.ID)
	if ss.Attempt == 0 {
		ss.Status, ss.Attempt = switchyard.StepRunning, 1
	}
	return &Tick{Execution: &switchyard.ExecutionRecord{ID: "EXE-001", WorkflowID: e.w.ID, WorkflowVersion: 1, ReleaseID: guideRelease, StartedAt: t0, StartedBy: "alice"},
		Workflow: e.w, Release: r, Step: s, Attempt: ss.Attempt, Key: "EXE-001/" + s.ID + "/" + fmt.Sprint(ss.Attempt), Progress: progress, State: e.st, Now: e.now, Env: e.env}
}

// run ticks act for step s until it is no longer running, moving the clock
// to each wait; it returns every outcome.
func (e *actEnv) run(act ActivityFunc, s *switchyard.Step, limit int) []Outcome {
	e.t.Helper()
	var out []Outcome
	var progress json.RawMessage
	for range limit {
		o := act(e.t.Context(), e.tick(s, progress))
		out = append(out, o)
		if o.Status != switchyard.StepRunning {
			return out
		}
		progress = o.Progress
		if o.Next.After(e.now) {
			e.now = o.Next
		}
	}
	e.t.Fatalf("step %s still running after %d ticks", s.ID, limit)
	return nil
}

// completed marks step id completed with result, as the engine would.
func (e *actEnv) completed(id string, result any) {
	b, _ := json.Marshal(result)
	e.st.Steps[id] = &StepState{Status: switchyard.StepCompleted, Attempt: 1, Started: at(e.now), Ended: at(e.now), Result: b}
}

// deployedNew actRecords a completed DEPLOY of 1.1 for both services.
func (e *actEnv) deployedNew() {
	e.step("deploy", switchyard.StepDeploy, DeployConfig{Version: "1.1"})
	e.completed("deploy", deployResult{Version: "1.1", Deployer: "process", Services: []*switchyard.DeployStatus{{Service: guideA, Version: "1.1"}, {Service: guideB, Version: "1.1"}}})
}

// release reads the release now.
func (e *actEnv) release() *switchyard.Release {
	e.t.Helper()
	r, err := e.store.FindRelease(e.t.Context(), guideRelease)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// configVersions is how many versions the release's rule key has.
func (e *actEnv) configVersions() int {
	e.t.Helper()
	h, err := e.cc.History(e.t.Context(), switchyard.ConfigKey{Group: guideGroup, DataID: guideGateway}, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(h)
}

// history lists the release's operations, oldest first.
func (e *actEnv) history() []switchyard.Operation {
	e.t.Helper()
	h, err := e.store.ReleaseHistory(e.t.Context(), guideRelease, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var ops []switchyard.Operation
	for i := len(h) - 1; i >= 0; i-- {
		ops = append(ops, h[i].Operation)
	}
	return ops
}

// execute runs op on the release as the execution's actor.
func (e *actEnv) execute(op switchyard.Operation, spec *switchyard.ReleaseSpec) {
	e.t.Helper()
	actor := release.SystemActor("workflow/EXE-001", guideGroup)
	if _, err := e.svc.Execute(e.t.Context(), actor, guideRelease, switchyard.OperationRequest{Operation: op, Spec: spec}); err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
}

// actLogs renders the log actRecords of outcomes in lang.
func actLogs(lang string, outs ...Outcome) []string {
	var lines []string
	for _, o := range outs {
		for _, r := range o.Records {
			if l, ok := r.Data.(LogRecord); ok && r.Kind == "log" {
				lines = append(lines, Render(l.Message, lang))
			}
		}
	}
	return lines
}

// actRecords returns the data of outcomes' actRecords of kind.
func actRecords[T any](kind string, outs ...Outcome) []T {
	var out []T
	for _, o := range outs {
		for _, r := range o.Records {
			if v, ok := r.Data.(T); ok && r.Kind == kind {
				out = append(out, v)
			}
		}
	}
	return out
}

func actReason(o Outcome, lang string) string { return Render(o.Reason, lang) }

func wantContains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s = %q; want it to contain %q", what, got, w)
		}
	}
}

func TestActivitiesCoverEveryStepTypeButTheEnginesOwn(t *testing.T) {
	acts := Activities()
	for _, typ := range switchyard.StepTypes {
		own := typ == switchyard.StepStart || typ == switchyard.StepEnd || typ == switchyard.StepDecision
		if _, ok := acts[typ]; ok == own {
			t.Errorf("step type %s: activity registered = %v", typ, ok)
		}
	}
}
