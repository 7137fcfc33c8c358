package verify

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// How often a run saves its progress, renews the operating locks it holds,
// and how long its end (the restore) may take.
const (
	saveEvery    = 250 * time.Millisecond
	renewEvery   = 15 * time.Second
	finishWithin = 30 * time.Second
)

// run is one run under way in this process.
type run struct {
	s    *Service
	rec  *switchyard.VerifyRecord
	insp *switchyard.InspectionRun
	sim  *switchyard.SimulationRun
	// actor makes a simulation's rule changes (verify/group@@serviceId).
	actor *switchyard.User
	topo  *topology

	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	stopped *switchyard.Message // why the run was stopped (abort, shutdown)

	saved   time.Time
	renewed time.Time
	lost    bool // the lease went to another process
}

func newRun(s *Service, rec *switchyard.VerifyRecord) *run {
	now := s.now()
	return &run{s: s, rec: rec, done: make(chan struct{}), saved: now, renewed: now, topo: newTopology()}
}

// stop cancels the run with a reason (the first reason wins).
func (r *run) stop(reason *switchyard.Message) {
	r.mu.Lock()
	if r.stopped == nil {
		r.stopped = reason
	}
	r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

func (r *run) stopReason() *switchyard.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stopped
}

// body is the run's config and result as the store keeps them.
func (r *run) body() json.RawMessage {
	var b []byte
	if r.insp != nil {
		r.insp.Result.Topology = r.topo.graph()
		b, _ = json.Marshal(r.insp)
	} else {
		r.sim.Result.Topology = r.topo.graph()
		b, _ = json.Marshal(r.sim)
	}
	return b
}

// save writes the progress (at most every saveEvery unless force), renews
// the lease and the locks, takes an abort request another process
// recorded, and hands the run to its watchers.
func (r *run) save(ctx context.Context, force bool) {
	s := r.s
	now := s.now()
	if r.lost || !force && now.Sub(r.saved) < saveEvery {
		return
	}
	r.rec.Body = r.body()
	if !r.rec.Status.Finished() {
		r.rec.LeaseOwner, r.rec.LeaseUntil = s.Owner, now.Add(s.LeaseTTL)
	}
	if err := s.Store.SaveVerifyRun(context.WithoutCancel(ctx), r.rec); err != nil {
		if switchyard.IsCode(err, switchyard.CodeConflict) {
			s.Logger.WarnContext(ctx, "verification run lost its lease; stopping without touching the rule", "run", r.rec.ID, "err", err)
			r.lost = true
			r.stop(&switchyard.Message{Key: "verify.lease.lost", Text: "another process took the run over"})
			return
		}
		s.Logger.WarnContext(ctx, "save verification run", "run", r.rec.ID, "err", err)
		return
	}
	r.saved = now
	if r.rec.AbortBy != "" && !r.rec.Status.Finished() {
		r.stop(&switchyard.Message{Key: "verify.aborted", Params: map[string]string{"user": r.rec.AbortBy}, Text: "aborted by " + r.rec.AbortBy})
	}
	if r.sim != nil && now.Sub(r.renewed) >= renewEvery && !r.rec.Status.Finished() {
		r.renewed = now
		if err := r.holdLocks(context.WithoutCancel(ctx)); err != nil {
			// Someone took a release of the key over (an admin broke the
			// lock): the simulation stops rather than change the rule
			// under their hands.
			m := &switchyard.Message{Key: "verify.release.locked", Text: err.Error()}
			if e := switchyard.AsError(err); e != nil {
				m.Params = e.Params
			}
			r.stop(m)
		}
	}
	if s.hub.Watched(r.rec.ID) {
		if v, err := viewOf(r.rec); err == nil {
			s.hub.Publish(r.rec.ID, v)
		}
	}
}

// tick saves when it is time (a long wait keeps the lease).
func (r *run) tick(ctx context.Context) func() { return func() { r.save(ctx, false) } }

// finish ends the run: a simulation's rule put back and its locks let go,
// the status, reason and end time saved with the lease released, and the
// oldest finished runs of the key beyond Keep removed.
func (r *run) finish(ctx context.Context, status switchyard.VerifyStatus, reason *switchyard.Message) {
	s := r.s
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishWithin)
	defer cancel()
	defer close(r.done)
	if r.lost {
		return
	}
	if r.sim != nil {
		r.sim.Restore = s.restore(ctx, r.actor, r.sim)
		r.releaseLocks(ctx)
		if r.sim.Restore.Status == "failed" && status != switchyard.VerifyAborted {
			status = switchyard.VerifyFailed
			if reason == nil {
				reason = r.sim.Restore.Message
			}
		}
	}
	end := s.now()
	r.rec.Status, r.rec.Reason, r.rec.EndedAt = status, reason, &end
	r.rec.LeaseOwner, r.rec.LeaseUntil = "", time.Time{}
	r.save(ctx, true)
	if _, err := s.Store.PruneVerifyRuns(ctx, r.rec.Kind, r.rec.Group, r.rec.ServiceID, s.Keep); err != nil {
		s.Logger.WarnContext(ctx, "prune verification runs", "task", switchyard.VerifyTask(r.rec.Group, r.rec.ServiceID), "err", err)
	}
	s.Logger.InfoContext(ctx, "verification run finished", "run", r.rec.ID, "kind", r.rec.Kind, "task", switchyard.VerifyTask(r.rec.Group, r.rec.ServiceID),
		"status", status, "samples", r.rec.Done)
}

// actorOf is the system actor of a simulation's rule changes: it may change
// the rules of the key's group only, is named in the audit log and the
// config history, and holds the release locks of the key.
func actorOf(group, serviceID string) *switchyard.User {
	u := release.SystemActor("verify/"+switchyard.VerifyTask(group, serviceID), group)
	u.DisplayName = "simulation " + switchyard.VerifyTask(group, serviceID)
	return u
}

// recover ends a run whose process died (or that this process held before
// it restarted): the lease is claimed (fencing out the old process), the
// rule put back and the run recorded as aborted.
func (s *Service) recover(ctx context.Context, id string, reason *switchyard.Message) error {
	now := s.now()
	rec, err := s.Store.ClaimVerifyRun(ctx, id, s.Owner, now, now.Add(s.LeaseTTL))
	if err != nil {
		return err
	}
	if rec.Status.Finished() {
		return nil
	}
	r := newRun(s, rec)
	switch rec.Kind {
	case switchyard.VerifyInspection:
		r.insp = &switchyard.InspectionRun{}
		err = json.Unmarshal(rec.Body, r.insp)
		if err == nil {
			r.topo.load(r.insp.Result.Topology)
		}
	default:
		r.sim = &switchyard.SimulationRun{}
		err = json.Unmarshal(rec.Body, r.sim)
		r.actor = actorOf(rec.Group, rec.ServiceID)
		if err == nil {
			r.topo.load(r.sim.Result.Topology)
			for i := range r.sim.Result.Phases {
				if p := &r.sim.Result.Phases[i]; p.Status == switchyard.PhaseRunning || p.Status == switchyard.PhasePending {
					p.Status = switchyard.PhaseSkipped
				}
			}
		}
	}
	if err != nil {
		return switchyard.Errorf(switchyard.CodeInternal, "verification run %s cannot be read: %v", id, err).WithCause(err)
	}
	s.Logger.WarnContext(ctx, "recovering a verification run", "run", id, "kind", rec.Kind, "task", switchyard.VerifyTask(rec.Group, rec.ServiceID), "owner", rec.LeaseOwner)
	r.finish(ctx, switchyard.VerifyAborted, reason)
	return nil
}

// Recover ends the runs left RUNNING by a process that is gone: those whose
// lease ran out, and those this process's owner name held before it
// restarted (a SQLite server is alone on its store). Call it once at start,
// before serving, and from RunSweeper where processes share the store.
func (s *Service) Recover(ctx context.Context) (int, error) {
	list, err := s.Store.FindVerifyRuns(ctx, switchyard.VerifyFilter{Status: switchyard.VerifyRunning, Limit: 500})
	if err != nil {
		return 0, err
	}
	n := 0
	now := s.now()
	for _, rec := range list {
		if s.localRun(rec.ID) != nil || rec.LeaseOwner != s.Owner && rec.LeaseUntil.After(now) {
			continue
		}
		reason := &switchyard.Message{Key: "verify.recovered", Params: map[string]string{"owner": rec.LeaseOwner},
			Text: "the process running it (" + rec.LeaseOwner + ") stopped; the next server to start ended it and put the rule back"}
		if err := s.recover(ctx, rec.ID, reason); err != nil {
			if !switchyard.IsCode(err, switchyard.CodeConflict) {
				return n, err
			}
			continue
		}
		n++
	}
	return n, nil
}

// RunSweeper recovers the runs of dead processes every interval until ctx
// ends (replicas sharing a store).
func (s *Service) RunSweeper(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Recover(ctx); err != nil && ctx.Err() == nil {
				s.Logger.WarnContext(ctx, "recover verification runs", "err", err)
			}
		}
	}
}
