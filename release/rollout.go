package release

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Rollouts join 执行发布 to bringing the new version online and 结束发布 to
// taking the old one offline (seed 003 ② and ④), through the deployers the
// workflows use. Both happen before the operation's publish, within the
// caller's request, and change no rule themselves: a failure on the way
// leaves the rule as it was and names the service or instance. What they
// do is kept in memory per release while they run (the release page polls
// it through Status) and, in words, in the operation's history entry.

// The bounds of a rollout's options.
const (
	defaultSettle     = 2 * time.Second
	maxSettle         = 10 * time.Minute
	defaultRolloutFor = 2 * time.Minute
	maxRolloutFor     = 30 * time.Minute
	maxInstances      = 100
	rolloutPoll       = 500 * time.Millisecond
)

var versionText = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Rollouts is what a release service needs to run them.
type Rollouts struct {
	// Deployers by name ("process": the local-process deployer).
	Deployers map[string]switchyard.Deployer
	// HTTP probes the new instances' health endpoints (nil: a client
	// without proxy or redirects).
	HTTP *http.Client

	mu   sync.Mutex
	last map[string]*switchyard.RolloutProgress
}

// progressOf is a copy of the release's rollout progress, or nil.
func (ro *Rollouts) progressOf(name string) *switchyard.RolloutProgress {
	if ro == nil {
		return nil
	}
	ro.mu.Lock()
	defer ro.mu.Unlock()
	p := ro.last[name]
	if p == nil {
		return nil
	}
	c := *p
	c.Lines = slices.Clone(p.Lines)
	return &c
}

// rollout is one run's progress writer.
type rollout struct {
	ro  *Rollouts
	p   *switchyard.RolloutProgress
	now func() time.Time
	// keep renews the caller's lock while the rollout waits.
	keep func(context.Context) error
}

func (s *Service) begin(name, kind string, keep func(context.Context) error) *rollout {
	ro := s.Rollouts
	ro.mu.Lock()
	defer ro.mu.Unlock()
	if ro.last == nil {
		ro.last = map[string]*switchyard.RolloutProgress{}
	}
	p := &switchyard.RolloutProgress{Kind: kind, Running: true, Started: s.Now(), Lines: []switchyard.RolloutLine{}}
	ro.last[name] = p
	return &rollout{ro: ro, p: p, now: s.Now, keep: keep}
}

func (r *rollout) log(key, text string, params ...string) {
	r.ro.mu.Lock()
	defer r.ro.mu.Unlock()
	r.p.Lines = append(r.p.Lines, switchyard.RolloutLine{Time: r.now(), Message: rolloutMsg(key, text, params...)})
}

// end marks the run failed with err (nil rollout: nothing to mark) and
// returns err.
func (r *rollout) end(err error) error {
	if r != nil {
		r.finish(err)
	}
	return err
}

// done marks the run finished and returns what it did (nil rollout: nil).
func (r *rollout) done() *switchyard.RolloutProgress {
	if r == nil {
		return nil
	}
	return r.finish(nil)
}

func (r *rollout) finish(failed error) *switchyard.RolloutProgress {
	r.ro.mu.Lock()
	defer r.ro.mu.Unlock()
	r.p.Running = false
	if failed != nil {
		m := rolloutMsg("rollout.failed", failed.Error(), "detail", failed.Error())
		if e := switchyard.AsError(failed); e != nil && e.Reason != "" {
			m = switchyard.Message{Key: "error." + e.Reason, Params: e.Params, Text: e.Message}
		}
		r.p.Failed = &m
	}
	c := *r.p
	c.Lines = slices.Clone(r.p.Lines)
	return &c
}

// summaryOf is a run in words, for the history entry's detail.
func summaryOf(p *switchyard.RolloutProgress) string {
	texts := make([]string, 0, len(p.Lines))
	for _, l := range p.Lines {
		texts = append(texts, l.Message.Text)
	}
	return p.Kind + ": " + strings.Join(texts, "; ")
}

func rolloutMsg(key, text string, params ...string) switchyard.Message {
	m := switchyard.Message{Key: key, Text: text}
	if len(params) > 0 {
		m.Params = map[string]string{}
		for i := 0; i+1 < len(params); i += 2 {
			m.Params[params[i]] = params[i+1]
		}
	}
	return m
}
