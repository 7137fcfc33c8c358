package workflow

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
)

// Activity is what one step type does, one tick at a time: it carries out
// its effects through the ports — each idempotent, keyed by Tick.Key, so a
// tick repeated after a crash converges instead of repeating — and says
// what it found. A step that takes time (a gradual shift, a monitor, a
// health check, an approval) returns StepRunning with the time of its next
// tick and its progress so far; the engine keeps both in the store, so the
// next tick, in this process or another, continues from there.
type Activity interface {
	Tick(ctx context.Context, t *Tick) Outcome
}

// ActivityFunc adapts a function to Activity.
type ActivityFunc func(ctx context.Context, t *Tick) Outcome

// Tick implements Activity.
func (f ActivityFunc) Tick(ctx context.Context, t *Tick) Outcome { return f(ctx, t) }

// Tick is one tick's input: the execution, the step, the attempt and its
// idempotency key, the progress the last tick left, and the ports.
type Tick struct {
	Execution *switchyard.ExecutionRecord
	Workflow  *switchyard.Workflow
	Release   *switchyard.Release
	// Step is the step ticking (for the engine's own rollback, a ROLLBACK
	// step with the id RollbackStep).
	Step    *switchyard.Step
	Attempt int
	Key     string
	// Progress is what the last tick of this attempt returned (nil on the
	// first).
	Progress json.RawMessage
	// State is the execution's engine state, read-only: the traffic
	// published, the verdicts, the steps' results.
	State *State
	Now   time.Time
	Env   *Env
}

// Env is what activities act through.
type Env struct {
	// Releases is the one publish path: traffic shifts, rollbacks and the
	// release's end go through it as the execution's system actor.
	Releases  *release.Service
	Registry  switchyard.Registry
	Metrics   switchyard.MetricsProvider
	Deployers map[string]switchyard.Deployer
	Notifiers []switchyard.Notifier
	// HTTP probes health endpoints and sends test requests.
	HTTP   *http.Client
	Logger *slog.Logger
	// BaseURL is the console's address, for links in notifications.
	BaseURL string
	// AllowCommands lets TEST steps run commands on the control plane's
	// host (server config workflow.allow_commands, off by default): anyone
	// who may edit a workflow could otherwise run anything there.
	AllowCommands bool
}

// Actor is the system actor an execution acts as: named after it, limited
// to its release's group, bound by the release's lock like a person.
func (t *Tick) Actor() *switchyard.User {
	return release.SystemActor("workflow/"+t.Execution.ID, t.Release.Group)
}

// Done is the outcome of a step that succeeded, with its summary.
func (t *Tick) Done(summary *switchyard.Message, result any) Outcome {
	o := Outcome{StepID: t.Step.ID, Attempt: t.Attempt, Status: switchyard.StepCompleted, Summary: summary}
	o.Result = marshal(result)
	return o
}

// Fail is the outcome of a step that failed, with why.
func (t *Tick) Fail(reason *switchyard.Message, result any) Outcome {
	o := Outcome{StepID: t.Step.ID, Attempt: t.Attempt, Status: switchyard.StepFailed, Reason: reason}
	o.Result = marshal(result)
	return o
}

// Again is the outcome of a step that is not done: tick again at next,
// keeping progress.
func (t *Tick) Again(next time.Time, waiting string, progress any) Outcome {
	return Outcome{StepID: t.Step.ID, Attempt: t.Attempt, Status: switchyard.StepRunning, Next: next, Waiting: waiting, Progress: marshal(progress)}
}

// Log adds a line to o's records.
func Log(o *Outcome, level string, msg *switchyard.Message) {
	o.Records = append(o.Records, Record{Kind: "log", Data: LogRecord{Message: msg, StepID: o.StepID, Level: level}})
}

func marshal(v any) json.RawMessage {
	switch v := v.(type) {
	case nil:
		return nil
	case json.RawMessage:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// ProgressOf decodes the last tick's progress into a T (zero on the first).
func ProgressOf[T any](t *Tick) T {
	var p T
	if len(t.Progress) > 0 {
		_ = json.Unmarshal(t.Progress, &p)
	}
	return p
}

// ConfigOf decodes the step's config into a T.
func ConfigOf[T any](t *Tick) T { return configOf[T](t.Step) }
