package workflow

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Runner advances executions durably. Every replica of the control plane
// runs one; a lease in the store decides which replica advances an
// execution, and the epoch the claim took fences a replica that lost it.
//
// One advance: claim the execution; apply its pending signals; if its time
// has come, wake it; then, while Decide asks for step ticks: save the state
// (the step running, its attempt and idempotency key, the execution due at
// once) — before the effect — run the ticks, and decide on their outcomes;
// finally save with the next wake time and give the lease up. A replica
// that dies mid-advance leaves the execution due; after the lease runs out
// (at once for the same owner: a restarted single server) the next claim
// re-enters the step with the same attempt and key.
type Runner struct {
	Store      switchyard.Store
	Env        *Env
	Activities map[switchyard.StepType]Activity
	// Owner names this replica in leases. A single server on SQLite uses
	// one stable name, so after a restart it takes its own leases back at
	// once; replicas on PostgreSQL use a name per process.
	Owner string
	// Lease is how long a claim holds an execution (default 30s); Poll how
	// often the runner looks for due executions (default 200ms).
	Lease  time.Duration
	Poll   time.Duration
	Now    func() time.Time
	Logger *slog.Logger
	// Hub hears of every saved event, for the live pages.
	Hub *Hub
	// LockTTL is how long the release lock an execution holds lasts
	// between advances (default 10 min; renewed at every advance).
	LockTTL time.Duration

	wake     chan struct{}
	mu       sync.Mutex
	versions map[string]*switchyard.Workflow // "WF-001@3" → definition
}

// NewRunner returns a runner with defaults.
func NewRunner(store switchyard.Store, env *Env, owner string) *Runner {
	logger := env.Logger
	if logger == nil {
		logger = slog.Default()
	}
	return &Runner{Store: store, Env: env, Activities: Activities(), Owner: owner, Lease: 30 * time.Second, Poll: 200 * time.Millisecond,
		Now: time.Now, Logger: logger, Hub: NewHub(), LockTTL: 10 * time.Minute, wake: make(chan struct{}, 1), versions: map[string]*switchyard.Workflow{}}
}

// Wake makes the runner look for due executions now (after a start or a
// signal on this replica).
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run advances due executions until ctx ends.
func (r *Runner) Run(ctx context.Context) error {
	t := time.NewTicker(r.Poll)
	defer t.Stop()
	for {
		r.advanceDue(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-r.wake:
		}
	}
}

// advanceDue advances every due execution once.
func (r *Runner) advanceDue(ctx context.Context) {
	ids, err := r.Store.DueExecutions(ctx, r.Now(), 50)
	if err != nil {
		if ctx.Err() == nil {
			r.Logger.WarnContext(ctx, "due executions", "err", err)
		}
		return
	}
	for _, id := range ids {
		if ctx.Err() != nil {
			return
		}
		if err := r.Advance(ctx, id); err != nil && ctx.Err() == nil {
			r.Logger.ErrorContext(ctx, "advance execution", "execution", id, "err", err)
		}
	}
}

// maxTicks bounds the step ticks of one advance (a chain of instant steps
// runs in one advance; a loop cannot spin here).
const maxTicks = 64

// Advance claims execution id and advances it as far as it can go now.
// Another replica holding it is not an error: it is skipped.
func (r *Runner) Advance(ctx context.Context, id string) error {
	now := r.Now()
	rec, err := r.Store.ClaimExecution(ctx, id, r.Owner, now, now.Add(r.Lease))
	if switchyard.IsCode(err, switchyard.CodeConflict) {
		return nil
	} else if err != nil {
		return err
	}
	a := &advance{r: r, rec: rec}
	if err := a.load(ctx); err != nil {
		return err
	}
	return a.run(ctx)
}

// advance is one Advance's working state.
type advance struct {
	r        *Runner
	rec      *switchyard.ExecutionRecord
	w        *switchyard.Workflow
	rel      *switchyard.Release
	st       *State
	records  []Record
	consumed []string
	commands []Command
	// flushed: the outbox changed since the last save.
	flushed bool
}

func (a *advance) load(ctx context.Context) error {
	w, err := a.r.workflow(ctx, a.rec.WorkflowID, a.rec.WorkflowVersion)
	if err != nil {
		return err
	}
	a.w = w
	a.st = &State{}
	if err := json.Unmarshal(a.rec.State, a.st); err != nil {
		return fmt.Errorf("execution %s: stored state: %w", a.rec.ID, err)
	}
	rel, err := a.r.Store.FindRelease(ctx, a.rec.ReleaseID)
	if err != nil {
		return err
	}
	a.rel = rel
	return nil
}

func (a *advance) decide(ev Event) error {
	d, err := Decide(a.w, a.rec.ID, a.st, ev, a.r.Now())
	if err != nil {
		return err
	}
	a.records = append(a.records, d.Records...)
	a.commands = append(a.commands, d.Commands...)
	return nil
}

func (a *advance) run(ctx context.Context) error {
	r := a.r
	// Notifications a dead replica saved but may not have sent.
	a.flush(ctx)
	if a.st.Status == switchyard.ExecRunning && a.st.Current == "" && a.st.Entries == 0 {
		// Created by Start, not begun yet: the start itself (its log line,
		// its notification) happens here, durably like every transition.
		if err := a.decide(Start{By: a.rec.StartedBy}); err != nil {
			return err
		}
	}
	sigs, err := r.Store.PendingSignals(ctx, a.rec.ID)
	if err != nil {
		return err
	}
	for _, g := range sigs {
		a.consumed = append(a.consumed, g.ID)
		if err := a.decide(Signal{Kind: g.Kind, StepID: g.StepID, By: g.By, Comment: g.Comment}); err != nil {
			// Refused now (the state moved on since it was asked): say so.
			a.records = append(a.records, Record{Kind: "log", Data: LogRecord{Level: "warn",
				Message: Msg("reason.internal", "detail", g.By+": "+err.Error())}})
		}
	}
	if a.rec.WakeAt != nil && !r.Now().Before(*a.rec.WakeAt) && a.st.Status == switchyard.ExecRunning && len(a.commands) == 0 {
		if err := a.decide(Wake{}); err != nil {
			return err
		}
	}
	a.holdLock(ctx)
	for range maxTicks {
		var ticks []RunStep
		var notes []Notify
		for _, c := range a.commands {
			switch c := c.(type) {
			case RunStep:
				ticks = append(ticks, c)
			case Notify:
				notes = append(notes, c)
			}
		}
		a.commands = nil
		// Before the effect: the step's attempt and the notifications to
		// send are in the store, and the execution is due at once should
		// this replica die under it.
		a.st.Outbox = append(a.st.Outbox, outboxOf(notes)...)
		if err := a.save(ctx, len(ticks) > 0); err != nil {
			return err
		}
		a.flush(ctx)
		if len(ticks) == 0 {
			break
		}
		for _, t := range ticks {
			o := a.tick(ctx, t)
			if err := a.decide(o); err != nil {
				r.Logger.WarnContext(ctx, "stale step outcome", "execution", a.rec.ID, "step", t.StepID, "err", err)
			}
		}
	}
	if a.flushed || len(a.records) > 0 {
		// What flush sent (or gave up on) since the last save.
		if err := a.save(ctx, false); err != nil {
			return err
		}
	}
	if a.st.Status.Finished() {
		a.releaseLock(ctx)
	}
	return nil
}

// save writes the state, the records and the consumed signals. keep holds
// the lease (more work follows) and makes the execution due now; otherwise
// the lease is given up and the execution wakes at its next time.
func (a *advance) save(ctx context.Context, keep bool) error {
	r := a.r
	now := r.Now()
	b, err := json.Marshal(a.st)
	if err != nil {
		return err
	}
	rec := *a.rec
	rec.Status, rec.CurrentStep, rec.State, rec.EndedAt = a.st.Status, a.st.Current, b, a.st.Ended
	rec.WakeAt, rec.LeaseUntil = a.st.WakeAt, time.Time{}
	if a.st.Status == switchyard.ExecRunning && r.LockTTL > 0 {
		// A long wait (an approval, a WAIT, a retry backoff) still comes back
		// in time to renew the release's lock.
		if renew := now.Add(r.LockTTL / 2); rec.WakeAt == nil || rec.WakeAt.After(renew) {
			rec.WakeAt = &renew
		}
	}
	if len(a.st.Outbox) > 0 && !keep {
		// A notification to try again.
		retry := now.Add(10 * time.Second)
		if rec.WakeAt == nil || rec.WakeAt.After(retry) {
			rec.WakeAt = &retry
		}
	}
	if keep {
		rec.WakeAt, rec.LeaseUntil = &now, now.Add(r.Lease)
	}
	events := make([]*switchyard.ExecutionEvent, 0, len(a.records))
	for _, rc := range a.records {
		data, err := json.Marshal(rc.Data)
		if err != nil {
			return err
		}
		rec.Seq++
		events = append(events, &switchyard.ExecutionEvent{ExecutionID: rec.ID, Seq: rec.Seq, Time: now, Kind: rc.Kind, Data: data})
	}
	if err := r.Store.SaveExecution(ctx, &rec, events, a.consumed); err != nil {
		return err
	}
	*a.rec = rec
	a.records, a.consumed, a.flushed = nil, nil, false
	if len(events) > 0 {
		r.Hub.Publish(rec.ID)
	}
	return nil
}

// tick runs one tick of a step's activity, bounded in time; a panic is the
// step failing, not the engine.
func (a *advance) tick(ctx context.Context, rs RunStep) (o Outcome) {
	step := a.w.Step(rs.StepID)
	if rs.StepID == RollbackStep {
		step = &switchyard.Step{ID: RollbackStep, Name: "回滚", Type: switchyard.StepRollback}
	}
	fail := func(detail string) Outcome {
		return Outcome{StepID: rs.StepID, Attempt: rs.Attempt, Status: switchyard.StepFailed, Reason: Msg("reason.internal", "detail", detail)}
	}
	if step == nil {
		return fail("no step " + rs.StepID)
	}
	act := a.r.Activities[step.Type]
	if act == nil {
		return fail("no activity for step type " + string(step.Type))
	}
	// The release may have changed since the advance began (an earlier
	// tick of it published): each tick sees it as it is now.
	if rel, err := a.r.Store.FindRelease(ctx, a.rel.Name); err == nil {
		a.rel = rel
	}
	tctx, cancel := context.WithTimeout(ctx, maxTick)
	defer cancel()
	stop := a.keepLease(tctx)
	defer stop()
	defer func() {
		if v := recover(); v != nil {
			a.r.Logger.ErrorContext(ctx, "step activity panicked", "execution", a.rec.ID, "step", rs.StepID, "panic", v, "stack", string(debug.Stack()))
			o = fail(fmt.Sprint("the step's activity failed: ", v))
		}
	}()
	o = act.Tick(tctx, &Tick{Execution: a.rec, Workflow: a.w, Release: a.rel, Step: step, Attempt: rs.Attempt, Key: rs.Key,
		Progress: rs.Progress, State: a.st, Now: a.r.Now(), Env: a.r.Env})
	o.StepID, o.Attempt = rs.StepID, rs.Attempt
	return o
}

// maxTick bounds one tick of an activity (a TEST command may run minutes;
// the lease is renewed meanwhile).
const maxTick = 15 * time.Minute

// keepLease renews the execution's lease while a tick runs, so a long one
// (a test command) keeps its claim; the returned function stops it.
func (a *advance) keepLease(ctx context.Context) func() {
	r := a.r
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(r.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.Store.RenewLease(ctx, a.rec.ID, a.rec.Epoch, r.Now().Add(r.Lease)); err != nil {
					r.Logger.WarnContext(ctx, "renew the execution lease", "execution", a.rec.ID, "err", err)
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// Outgoing is a notification waiting to be sent: kept in the execution's
// state (the outbox) from the save before it is sent until it was, so a
// crash in between sends it again on the next advance — at least once,
// with its deduplication key for the receiver.
type Outgoing struct {
	Notify
	Attempts int `json:"attempts,omitempty"`
}

// maxNotifyAttempts bounds the tries of a notification (one per advance).
const maxNotifyAttempts = 5

func outboxOf(notes []Notify) []Outgoing {
	out := make([]Outgoing, 0, len(notes))
	for _, n := range notes {
		out = append(out, Outgoing{Notify: n})
	}
	return out
}

// flush sends the outbox: what is delivered (to every notifier) leaves it;
// what fails stays for the next advance, until it was tried
// maxNotifyAttempts times. A notifier failing is logged and written to
// the execution log, and never holds the execution back.
func (a *advance) flush(ctx context.Context) {
	if len(a.st.Outbox) == 0 {
		return
	}
	a.flushed = true
	if len(a.r.Env.Notifiers) == 0 {
		a.st.Outbox = nil
		return
	}
	var left []Outgoing
	for _, o := range a.st.Outbox {
		msg := Notification(a.rec, a.w, a.r.Now(), o.Notify, a.r.Env.BaseURL)
		failed := false
		for _, nf := range a.r.Env.Notifiers {
			nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := nf.Notify(nctx, msg)
			cancel()
			if err != nil {
				failed = true
				a.r.Logger.WarnContext(ctx, "notify", "execution", a.rec.ID, "notifier", nf.Name(), "key", o.Key, "err", err)
				a.records = append(a.records, Record{Kind: "log", Data: LogRecord{Level: "warn", StepID: o.StepID,
					Message: Msg("notify.failed", "notifier", nf.Name(), "detail", err.Error())}})
			}
		}
		if o.Attempts++; failed && o.Attempts < maxNotifyAttempts {
			left = append(left, o)
		}
	}
	a.st.Outbox = left
}

// holdLock keeps the release's lock for the execution while it runs: the
// execution is an actor like a person, and nobody else operates the release
// under it.
func (a *advance) holdLock(ctx context.Context) {
	if a.st.Status.Finished() || a.r.Env.Releases == nil {
		return
	}
	actor := (&Tick{Execution: a.rec, Release: a.rel}).Actor()
	if _, err := a.r.Env.Releases.HoldFor(ctx, actor, a.rel.Name, a.r.LockTTL); err != nil {
		a.r.Logger.WarnContext(ctx, "hold the release lock", "execution", a.rec.ID, "release", a.rel.Name, "err", err)
	}
}

func (a *advance) releaseLock(ctx context.Context) {
	if a.r.Env.Releases == nil {
		return
	}
	actor := (&Tick{Execution: a.rec, Release: a.rel}).Actor()
	if err := a.r.Env.Releases.Unlock(ctx, actor, a.rel.Name); err != nil && !switchyard.IsCode(err, switchyard.CodeNotFound) {
		a.r.Logger.WarnContext(ctx, "give the release lock up", "execution", a.rec.ID, "err", err)
	}
}

// workflow returns a saved version of a workflow (cached: versions never
// change).
func (r *Runner) workflow(ctx context.Context, id string, version int) (*switchyard.Workflow, error) {
	key := fmt.Sprintf("%s@%d", id, version)
	r.mu.Lock()
	w := r.versions[key]
	r.mu.Unlock()
	if w != nil {
		return w, nil
	}
	w, err := r.Store.FindWorkflowVersion(ctx, id, version)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.versions[key] = w
	r.mu.Unlock()
	return w, nil
}
