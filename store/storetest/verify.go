package storetest

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func newVerifyRun(id string, kind switchyard.VerifyKind, group, svc string, started time.Time) *switchyard.VerifyRecord {
	return &switchyard.VerifyRecord{ID: id, Kind: kind, Group: group, ServiceID: svc, Status: switchyard.VerifyRunning, StartedBy: "alice",
		StartedAt: started, Total: 100, Body: json.RawMessage(`{"original":{"version":3}}`), LeaseOwner: "p1", LeaseUntil: started.Add(30 * time.Second)}
}

// testVerifyConfigs: a config is created at revision 1 only when none is
// stored, updated only from the revision read (a stale save is refused and
// changes nothing), saved unconditionally with -1, and kept per kind and key.
func testVerifyConfigs(t *testing.T, s switchyard.Store) {
	now := time.Now().Truncate(time.Millisecond)
	c := &switchyard.VerifyConfig{Kind: switchyard.VerifyInspection, Group: "g", ServiceID: "gw", Body: json.RawMessage(`{"strategy":"a"}`), UpdatedAt: now, UpdatedBy: "alice"}
	_, err := s.FindVerifyConfig(ctx(t), switchyard.VerifyInspection, "g", "gw")
	mustCode(t, err, switchyard.CodeNotFound)
	mustCode(t, s.PutVerifyConfig(ctx(t), c, 1), switchyard.CodeConflict)
	if err := s.PutVerifyConfig(ctx(t), c, 0); err != nil || c.Revision != 1 {
		t.Fatalf("create: %v, revision %d", err, c.Revision)
	}
	mustCode(t, s.PutVerifyConfig(ctx(t), c, 0), switchyard.CodeConflict)
	c.Body, c.UpdatedBy = json.RawMessage(`{"strategy":"b"}`), "bob"
	if err := s.PutVerifyConfig(ctx(t), c, 1); err != nil || c.Revision != 2 {
		t.Fatalf("update: %v, revision %d", err, c.Revision)
	}
	stale := *c
	stale.Body = json.RawMessage(`{"strategy":"stale"}`)
	mustCode(t, s.PutVerifyConfig(ctx(t), &stale, 1), switchyard.CodeConflict)
	got, err := s.FindVerifyConfig(ctx(t), switchyard.VerifyInspection, "g", "gw")
	if err != nil || got.Revision != 2 || string(got.Body) != `{"strategy":"b"}` || got.UpdatedBy != "bob" || !got.UpdatedAt.Equal(now) {
		t.Fatalf("FindVerifyConfig = %+v, %v", got, err)
	}
	c.Body = json.RawMessage(`{"strategy":"c"}`)
	if err := s.PutVerifyConfig(ctx(t), c, -1); err != nil || c.Revision != 3 {
		t.Fatalf("unconditional save: %v, revision %d", err, c.Revision)
	}
	if _, err := s.FindVerifyConfig(ctx(t), switchyard.VerifySimulation, "g", "gw"); switchyard.ErrorCode(err) != switchyard.CodeNotFound {
		t.Fatalf("the inspection's config answered for the simulation: %v", err)
	}
}

// testVerifyRuns: runs keep their header and body; lists are newest first
// without the body; a save names its epoch (a claim by another process
// fences the first one out); an abort request is kept and read back by the
// next save; a finished run refuses an abort; pruning keeps the newest
// finished runs and never a running one.
func testVerifyRuns(t *testing.T, s switchyard.Store) {
	t0 := time.Now().Truncate(time.Millisecond)
	r := newVerifyRun(switchyard.NewID(t0), switchyard.VerifySimulation, "g", "gw", t0)
	if running, err := s.CreateVerifyRun(ctx(t), r); err != nil || running != nil || r.Epoch != 1 || r.Seq != 1 {
		t.Fatalf("CreateVerifyRun: %v, running %v, epoch %d seq %d", err, running, r.Epoch, r.Seq)
	}
	got, err := s.FindVerifyRun(ctx(t), r.ID)
	if err != nil || got.Status != switchyard.VerifyRunning || got.Kind != switchyard.VerifySimulation || got.StartedBy != "alice" || !got.StartedAt.Equal(t0) ||
		string(got.Body) != `{"original":{"version":3}}` || got.LeaseOwner != "p1" || !got.LeaseUntil.Equal(t0.Add(30*time.Second)) || got.Total != 100 {
		t.Fatalf("FindVerifyRun = %+v, %v", got, err)
	}
	_, err = s.FindVerifyRun(ctx(t), "missing")
	mustCode(t, err, switchyard.CodeNotFound)

	r.Done, r.Body, r.Reason = 40, json.RawMessage(`{"phase":2}`), &switchyard.Message{Key: "verify.phase", Text: "phase 2"}
	if err := s.SaveVerifyRun(ctx(t), r); err != nil || r.Seq != 2 {
		t.Fatalf("SaveVerifyRun: %v, seq %d", err, r.Seq)
	}
	// Another process claims the run once its lease ran out: the first
	// process's next save is refused and writes nothing.
	_, err = s.ClaimVerifyRun(ctx(t), r.ID, "p2", t0.Add(time.Second), t0.Add(time.Minute))
	mustCode(t, err, switchyard.CodeConflict)
	claimed, err := s.ClaimVerifyRun(ctx(t), r.ID, "p2", t0.Add(31*time.Second), t0.Add(time.Minute))
	if err != nil || claimed.Epoch != 2 || claimed.LeaseOwner != "p2" || string(claimed.Body) != `{"phase":2}` || claimed.Reason == nil || claimed.Reason.Key != "verify.phase" {
		t.Fatalf("ClaimVerifyRun = %+v, %v", claimed, err)
	}
	r.Done = 99
	mustCode(t, s.SaveVerifyRun(ctx(t), r), switchyard.CodeConflict)
	if again, _ := s.FindVerifyRun(ctx(t), r.ID); again.Done != 40 {
		t.Fatalf("a save with a lost epoch wrote: done = %d", again.Done)
	}

	ab, err := s.RequestVerifyAbort(ctx(t), r.ID, "bob", t0.Add(40*time.Second))
	if err != nil || ab.AbortBy != "bob" || ab.AbortAt == nil {
		t.Fatalf("RequestVerifyAbort = %+v, %v", ab, err)
	}
	if ab, err := s.RequestVerifyAbort(ctx(t), r.ID, "carol", t0.Add(41*time.Second)); err != nil || ab.AbortBy != "bob" {
		t.Fatalf("second abort request replaced the first: %+v, %v", ab, err)
	}
	claimed.Done = 50
	if err := s.SaveVerifyRun(ctx(t), claimed); err != nil || claimed.AbortBy != "bob" || claimed.AbortAt == nil || !claimed.AbortAt.Equal(t0.Add(40*time.Second)) {
		t.Fatalf("save did not read back the abort request: %v, %+v", err, claimed)
	}
	end := t0.Add(time.Minute)
	claimed.Status, claimed.EndedAt, claimed.LeaseUntil = switchyard.VerifyAborted, &end, time.Time{}
	if err := s.SaveVerifyRun(ctx(t), claimed); err != nil {
		t.Fatal(err)
	}
	_, err = s.RequestVerifyAbort(ctx(t), r.ID, "bob", end)
	mustCode(t, err, switchyard.CodeConflict)
	if e := switchyard.AsError(err); e.Reason != "verify.finished" {
		t.Fatalf("reason %q, want verify.finished", e.Reason)
	}
	_, err = s.RequestVerifyAbort(ctx(t), "missing", "bob", end)
	mustCode(t, err, switchyard.CodeNotFound)

	// More runs: lists newest first, filtered, without the body.
	var ids []string
	for i := 1; i <= 4; i++ {
		x := newVerifyRun(switchyard.NewID(t0.Add(time.Duration(i)*time.Second)), switchyard.VerifyInspection, "g", "gw", t0.Add(time.Duration(i)*time.Second))
		if i < 4 {
			x.Status = switchyard.VerifyCompleted
		}
		if _, err := s.CreateVerifyRun(ctx(t), x); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, x.ID)
	}
	list, err := s.FindVerifyRuns(ctx(t), switchyard.VerifyFilter{Kind: switchyard.VerifyInspection, Group: "g", ServiceID: "gw"})
	if err != nil || len(list) != 4 || list[0].ID != ids[3] || list[3].ID != ids[0] || list[0].Body != nil {
		t.Fatalf("FindVerifyRuns = %d runs, %v", len(list), err)
	}
	if l, _ := s.FindVerifyRuns(ctx(t), switchyard.VerifyFilter{Status: switchyard.VerifyRunning}); len(l) != 1 || l[0].ID != ids[3] {
		t.Fatalf("running runs = %v", l)
	}
	if l, _ := s.FindVerifyRuns(ctx(t), switchyard.VerifyFilter{Limit: 2}); len(l) != 2 {
		t.Fatalf("limit 2 gave %d", len(l))
	}
	n, err := s.PruneVerifyRuns(ctx(t), switchyard.VerifyInspection, "g", "gw", 1)
	if err != nil || n != 2 {
		t.Fatalf("PruneVerifyRuns = %d, %v; want the 2 oldest finished", n, err)
	}
	list, _ = s.FindVerifyRuns(ctx(t), switchyard.VerifyFilter{Kind: switchyard.VerifyInspection})
	if len(list) != 2 || list[0].ID != ids[3] || list[1].ID != ids[2] {
		t.Fatalf("after prune: %v", list)
	}
	if l, _ := s.FindVerifyRuns(ctx(t), switchyard.VerifyFilter{Kind: switchyard.VerifySimulation}); len(l) != 1 {
		t.Fatalf("prune touched another kind: %v", l)
	}
}

// testVerifyOneSimulationPerKey: of eight concurrent starts of a simulation
// on one key exactly one is stored; the others are refused naming it. A
// simulation of another key, and inspections of the same key, are not
// refused; once the first has finished, a new one starts.
func testVerifyOneSimulationPerKey(t *testing.T, s switchyard.Store) {
	t0 := time.Now().Truncate(time.Millisecond)
	const n = 8
	var wg sync.WaitGroup
	type outcome struct {
		id      string
		running *switchyard.VerifyRecord
		err     error
	}
	results := make(chan outcome, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newVerifyRun(switchyard.NewID(t0), switchyard.VerifySimulation, "g", "gw", t0)
			running, err := s.CreateVerifyRun(ctx(t), r)
			results <- outcome{r.ID, running, err}
		}()
	}
	wg.Wait()
	close(results)
	var winner string
	var refused []outcome
	for o := range results {
		switch switchyard.ErrorCode(o.err) {
		case "":
			if winner != "" {
				t.Fatalf("two simulations of one key were stored: %s and %s", winner, o.id)
			}
			winner = o.id
		case switchyard.CodeConflict:
			refused = append(refused, o)
		default:
			t.Fatalf("unexpected error: %v", o.err)
		}
	}
	if winner == "" || len(refused) != n-1 {
		t.Fatalf("winner %q, %d refused", winner, len(refused))
	}
	for _, o := range refused {
		e := switchyard.AsError(o.err)
		if o.running == nil || o.running.ID != winner || e.Reason != "verify.running" || e.Params["id"] != winner || e.Params["user"] != "alice" {
			t.Fatalf("refusal does not name the running simulation %s: %v, %+v", winner, o.err, o.running)
		}
	}
	other := newVerifyRun(switchyard.NewID(t0), switchyard.VerifySimulation, "g", "other", t0)
	if _, err := s.CreateVerifyRun(ctx(t), other); err != nil {
		t.Fatalf("a simulation of another key was refused: %v", err)
	}
	insp := newVerifyRun(switchyard.NewID(t0), switchyard.VerifyInspection, "g", "gw", t0)
	if _, err := s.CreateVerifyRun(ctx(t), insp); err != nil {
		t.Fatalf("an inspection of the key was refused: %v", err)
	}
	w, _ := s.FindVerifyRun(ctx(t), winner)
	end := t0.Add(time.Second)
	w.Status, w.EndedAt = switchyard.VerifyPassed, &end
	if err := s.SaveVerifyRun(ctx(t), w); err != nil {
		t.Fatal(err)
	}
	next := newVerifyRun(switchyard.NewID(t0.Add(2*time.Second)), switchyard.VerifySimulation, "g", "gw", t0.Add(2*time.Second))
	if _, err := s.CreateVerifyRun(ctx(t), next); err != nil {
		t.Fatalf("a simulation after the first finished was refused: %v", err)
	}
}
