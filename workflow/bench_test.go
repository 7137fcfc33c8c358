package workflow

import (
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/postgres/pgtest"
	"github.com/switchyard-io/switchyard/store/sqlite"
)

// BenchmarkTimers1000 is issue 11's measurement: 1,000 executions at once,
// each entering a WAIT of an hour, on one node. It reports
//   - transitions/s: step entries and timer arms the runner writes per
//     second while it starts them all (every one a transaction);
//   - B/execution: the Go heap the runner holds per waiting execution
//     (nothing: a waiting execution is a row with a wake time);
//   - idle-cpu-%: the runner's CPU while all of them wait (it asks the
//     store for due executions every Poll).
//
// Run on SQLite always and on PostgreSQL when SWITCHYARD_TEST_POSTGRES
// names a database: `make bench` (go test -bench Timers ./workflow/).
func BenchmarkTimers1000(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchTimers(b, st)
	})
	b.Run("postgres", func(b *testing.B) {
		st, err := postgres.Open(b.Context(), pgtest.FreshSchema(b))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchTimers(b, st)
	})
}

func benchTimers(b *testing.B, st switchyard.Store) {
	const n = 1000
	ctx := context.Background()
	rel := &switchyard.Release{Name: "bench", Type: switchyard.Gray, Subscription: switchyard.Partial, Group: "g", App: "gw"}
	if err := st.CreateRelease(ctx, rel); err != nil {
		b.Fatal(err)
	}
	cfg, _ := json.Marshal(WaitConfig{Duration: "1h"})
	w := &switchyard.Workflow{ReleaseID: "bench", Name: "wait", Template: switchyard.TemplateCustom, Steps: []switchyard.Step{
		{ID: "start", Name: "开始", Type: switchyard.StepStart},
		{ID: "wait", Name: "等待", Type: switchyard.StepWait, Config: cfg},
		{ID: "end", Name: "结束", Type: switchyard.StepEnd},
	}, Edges: []switchyard.Edge{{From: "start", To: "wait"}, {From: "wait", To: "end"}}}
	if err := st.CreateWorkflow(ctx, w); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		b.StopTimer()
		ids := make([]string, 0, n)
		for range n {
			state, _ := json.Marshal(NewState(w))
			now := time.Now()
			rec := &switchyard.ExecutionRecord{WorkflowID: w.ID, WorkflowVersion: w.Version, ReleaseID: "bench", Status: switchyard.ExecRunning,
				StartedAt: now, StartedBy: "bench", State: state, WakeAt: &now}
			if err := st.CreateExecution(ctx, rec, nil); err != nil {
				b.Fatal(err)
			}
			ids = append(ids, rec.ID)
		}
		r := NewRunner(st, &Env{}, "bench")
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()
		start := time.Now()
		for _, id := range ids {
			if err := r.Advance(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
		elapsed := time.Since(start)
		b.StopTimer()
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		// Per execution: START entered and completed, WAIT entered, its
		// first tick arming the timer — three transitions, two saves.
		b.ReportMetric(float64(3*n)/elapsed.Seconds(), "transitions/s")
		b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "B/execution")
		if due, err := st.DueExecutions(ctx, time.Now(), 10); err != nil || len(due) != 0 {
			b.Fatalf("after starting them all, %d are due (%v); want every one waiting", len(due), err)
		}
		b.ReportMetric(idleCPU(b, r), "idle-cpu-%")
	}
}

// idleCPU runs r for two seconds with nothing due and returns the process's
// CPU use over that time, in percent of one core.
func idleCPU(b *testing.B, r *Runner) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var before, after syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	_ = r.Run(ctx)
	wall := time.Since(start)
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) * time.Nanosecond
	return 100 * cpu.Seconds() / wall.Seconds()
}
