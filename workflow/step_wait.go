package workflow

import (
	"context"
	"time"
)

// waitProgress is a WAIT's deadline, fixed on its first tick.
type waitProgress struct {
	Until time.Time `json:"until"`
}

// wait holds the execution for the configured duration: a deadline in the
// store, not a goroutine asleep, so it survives restarts and pauses.
func wait(_ context.Context, t *Tick) Outcome {
	p := ProgressOf[waitProgress](t)
	if p.Until.IsZero() {
		p.Until = t.Now.Add(ConfigOf[WaitConfig](t).Duration.D(0))
	}
	if t.Now.Before(p.Until) {
		return t.Again(p.Until, "timer", p)
	}
	return t.Done(Msg("summary.succeeded"), map[string]any{"until": p.Until})
}

var _ Activity = ActivityFunc(wait)
