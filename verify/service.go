package verify

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
	"github.com/switchyard-io/switchyard/release"
)

// Service runs inspections and simulations.
type Service struct {
	Store    switchyard.Store
	Releases *release.Service
	Registry switchyard.Registry
	Logger   *slog.Logger
	Now      func() time.Time
	// Owner names this process in the runs' leases: a stable name on a
	// server alone on its store (a restarted SQLite server takes its runs
	// back at once), a name per process where replicas share one.
	Owner string
	// HTTP sends the samples and asks the instances for their rule status
	// (nil: a client without proxy or redirects, with timeouts).
	HTTP *http.Client
	// Resolve resolves host names (nil: the system resolver).
	Resolve func(ctx context.Context, host string) ([]string, error)
	// Hooks allows the simulation's test hook (SWITCHYARD_TEST_HOOKS=1).
	Hooks bool
	// Keep is how many finished runs are kept per kind and key (50).
	Keep int
	// LeaseTTL is the lease of a run; a process renews it as it saves
	// progress (30 s).
	LeaseTTL time.Duration

	defaultHTTP *http.Client
	hub         *watch.Hub[string, *switchyard.VerifyRun]
	base        context.Context
	stop        context.CancelFunc

	mu     sync.Mutex
	local  map[string]*run
	closed bool
	wg     sync.WaitGroup
}

// New returns a service.
func New(store switchyard.Store, releases *release.Service, registry switchyard.Registry, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	base, stop := context.WithCancel(context.Background())
	return &Service{Store: store, Releases: releases, Registry: registry, Logger: logger, Now: time.Now, Owner: "switchyard", Keep: 50, LeaseTTL: 30 * time.Second,
		defaultHTTP: newHTTPClient(), hub: watch.NewHub[string](func(r *switchyard.VerifyRun) int64 { return r.Seq }),
		base: base, stop: stop, local: map[string]*run{}}
}

func (s *Service) now() time.Time { return s.Now().Truncate(time.Millisecond) }

// Run returns a run with its config and result.
func (s *Service) Run(ctx context.Context, id string) (*switchyard.VerifyRun, error) {
	rec, err := s.Store.FindVerifyRun(ctx, id)
	if err != nil {
		return nil, err
	}
	return viewOf(rec)
}

// Runs lists runs (their headers), newest first.
func (s *Service) Runs(ctx context.Context, f switchyard.VerifyFilter) ([]*switchyard.VerifyRun, error) {
	list, err := s.Store.FindVerifyRuns(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]*switchyard.VerifyRun, 0, len(list))
	for _, rec := range list {
		v, err := viewOf(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Running lists the simulations running now (Nepxion's testcases-running).
func (s *Service) Running(ctx context.Context) ([]*switchyard.VerifyRun, error) {
	return s.Runs(ctx, switchyard.VerifyFilter{Kind: switchyard.VerifySimulation, Status: switchyard.VerifyRunning, Limit: 500})
}

// viewOf turns a record into what the API shows.
func viewOf(rec *switchyard.VerifyRecord) (*switchyard.VerifyRun, error) {
	v := &switchyard.VerifyRun{ID: rec.ID, Kind: rec.Kind, Task: switchyard.VerifyTask(rec.Group, rec.ServiceID), Group: rec.Group, ServiceID: rec.ServiceID,
		Status: rec.Status, StartedBy: rec.StartedBy, StartedAt: rec.StartedAt, EndedAt: rec.EndedAt, Reason: rec.Reason, Done: rec.Done, Total: rec.Total,
		AbortBy: rec.AbortBy, Seq: rec.Seq}
	if len(rec.Body) == 0 {
		return v, nil
	}
	var err error
	switch rec.Kind {
	case switchyard.VerifyInspection:
		v.Inspection = &switchyard.InspectionRun{}
		err = json.Unmarshal(rec.Body, v.Inspection)
	case switchyard.VerifySimulation:
		v.Simulation = &switchyard.SimulationRun{}
		err = json.Unmarshal(rec.Body, v.Simulation)
	}
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeInternal, "verification run %s cannot be read: %v", rec.ID, err).WithCause(err)
	}
	return v, nil
}

// Watch sends the run now and after every change until it has finished or
// ctx ends (the channel is closed then). Changes made here arrive at once;
// the store is read every second for those another process makes. A slow
// reader sees only the latest.
func (s *Service) Watch(ctx context.Context, id string) (<-chan *switchyard.VerifyRun, error) {
	ctx, cancel := context.WithCancel(ctx)
	in, err := s.hub.Subscribe(ctx, id, func() (*switchyard.VerifyRun, error) { return s.Run(ctx, id) })
	if err != nil {
		cancel()
		return nil, err
	}
	go func() {
		t := time.NewTicker(watchPoll)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if v, err := s.Run(ctx, id); err == nil {
					s.hub.Publish(id, v)
				}
			}
		}
	}()
	out := make(chan *switchyard.VerifyRun, 1)
	go func() {
		defer cancel()
		defer close(out)
		for v := range in {
			select {
			case <-out: // replace an unread older value
			default:
			}
			out <- v
			if v.Status.Finished() {
				return
			}
		}
	}()
	return out, nil
}

// watchPoll is how often Watch reads the store (a variable for tests).
var watchPoll = time.Second

// Close stops every run of this process — each puts the rule it changed
// back and records itself as aborted — and waits until they have, or ctx
// ends.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	for _, r := range s.local {
		r.stop(&switchyard.Message{Key: "verify.shutdown", Text: "the server stopped while the run was under way"})
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.stop()
		return nil
	case <-ctx.Done():
		s.stop()
		return ctx.Err()
	}
}

// launch runs fn for r on its own goroutine, under the service's context.
func (s *Service) launch(r *run, fn func(ctx context.Context)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return switchyard.Errorf(switchyard.CodeUnavailable, "the server is shutting down; start the run again on the next one").WithReason("verify.shutdown", nil)
	}
	ctx, cancel := context.WithCancel(s.base)
	r.cancel = cancel
	s.local[r.rec.ID] = r
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		fn(ctx)
		s.mu.Lock()
		delete(s.local, r.rec.ID)
		s.mu.Unlock()
	}()
	return nil
}

func (s *Service) localRun(id string) *run {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local[id]
}

// Abort asks a running run to stop: a run of this process stops at once
// (and puts the rule back), one of a dead process is recovered now, one of
// another live process stops at its next save. It answers the run as it is
// when this process's run has finished or after a few seconds.
func (s *Service) Abort(ctx context.Context, actor *switchyard.User, id string) (*switchyard.VerifyRun, error) {
	rec, err := s.Store.FindVerifyRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := release.Authorize(actor, rec.Group); err != nil {
		return nil, err
	}
	rec, err = s.Store.RequestVerifyAbort(ctx, id, actor.Name, s.now())
	if err != nil {
		return nil, err
	}
	reason := &switchyard.Message{Key: "verify.aborted", Params: map[string]string{"user": rec.AbortBy}, Text: "aborted by " + rec.AbortBy}
	if r := s.localRun(id); r != nil {
		r.stop(reason)
		select {
		case <-r.done:
		case <-time.After(10 * time.Second):
		case <-ctx.Done():
		}
	} else if !rec.LeaseUntil.After(s.now()) {
		if err := s.recover(ctx, id, reason); err != nil && !switchyard.IsCode(err, switchyard.CodeConflict) {
			return nil, err
		}
	}
	return s.Run(ctx, id)
}
