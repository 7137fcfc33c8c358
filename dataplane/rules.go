package dataplane

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Rules keeps the effective rule of one service: the partial key (group,
// service) assembled over the global key (group, group), as Nepxion does.
// A new text is parsed and compiled once and swapped in atomically; a text
// that does not parse or compile is refused and the last good rule stays.
type Rules struct {
	cc      switchyard.ConfigCenter
	partial switchyard.ConfigKey
	global  switchyard.ConfigKey
	cache   *ruleCache
	logger  *slog.Logger
	metrics *Metrics
	now     func() time.Time

	cur atomic.Pointer[rule.Compiled]

	mu   sync.Mutex
	keys map[switchyard.ConfigKey]*keyState
	// OnChange, if set, is called after every swap.
	OnChange func()
}

// keyState is the last good and the last refused text of one key.
type keyState struct {
	status KeyStatus
	rule   *rule.Rule // nil: no rule at this key
	text   string     // the applied text
}

// KeyStatus reports one key: what is applied and what was refused.
type KeyStatus struct {
	Key       switchyard.ConfigKey `json:"key"`
	Version   int64                `json:"version" doc:"version applied; 0 = none"`
	Source    string               `json:"source" enum:"none,cache,config-center,admin"`
	AppliedAt time.Time            `json:"appliedAt,omitzero"`
	// Error is why the newest version was refused; empty when it applied.
	Error        string    `json:"error,omitempty"`
	ErrorVersion int64     `json:"errorVersion,omitempty"`
	ErrorAt      time.Time `json:"errorAt,omitzero"`
}

// RuleStatus reports the effective rule of a process.
type RuleStatus struct {
	OK      bool      `json:"ok" doc:"false when the newest version of a key was refused (the last good rule is in use)"`
	Partial KeyStatus `json:"partial"`
	Global  KeyStatus `json:"global"`
}

// NewRules prepares the rule of service in group. cacheDir may be empty (no
// disk cache).
func NewRules(cc switchyard.ConfigCenter, group, service, cacheDir string, metrics *Metrics, logger *slog.Logger) *Rules {
	if logger == nil {
		logger = slog.Default()
	}
	r := &Rules{cc: cc, partial: switchyard.ConfigKey{Group: group, DataID: service}, global: switchyard.ConfigKey{Group: group, DataID: group},
		cache: newRuleCache(cacheDir), logger: logger, metrics: metrics, now: time.Now, keys: map[switchyard.ConfigKey]*keyState{}}
	for _, k := range []switchyard.ConfigKey{r.partial, r.global} {
		r.keys[k] = &keyState{status: KeyStatus{Key: k, Source: "none"}}
	}
	empty, _ := rule.Compile(&rule.Rule{})
	r.cur.Store(empty)
	return r
}

// Compiled returns the rule to route by (never nil; empty when none).
func (r *Rules) Compiled() *rule.Compiled { return r.cur.Load() }

// Status reports both keys.
func (r *Rules) Status() RuleStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	p, g := r.keys[r.partial].status, r.keys[r.global].status
	return RuleStatus{OK: p.Error == "" && g.Error == "", Partial: p, Global: g}
}

// Start applies the cached rule, then watches both keys until ctx ends. It
// returns once the config center answered for both keys or wait passed, so a
// process starts with its rule when the control plane is up and without it
// (on the cached rule) when it is not.
func (r *Rules) Start(ctx context.Context, wait time.Duration) {
	for _, k := range []switchyard.ConfigKey{r.partial, r.global} {
		if e, ok := r.cache.load(k); ok {
			_ = r.apply(e, "cache") // a refusal is logged and shown in the status
		}
	}
	var ready sync.WaitGroup
	for _, k := range []switchyard.ConfigKey{r.partial, r.global} {
		ready.Add(1)
		go r.watch(ctx, k, ready.Done)
	}
	done := make(chan struct{})
	go func() { ready.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		r.logger.WarnContext(ctx, "config center did not answer; routing by the cached rule", "wait", wait)
	case <-ctx.Done():
	}
}

func (r *Rules) watch(ctx context.Context, key switchyard.ConfigKey, ready func()) {
	ch, err := r.cc.Watch(ctx, key)
	if err != nil {
		r.logger.ErrorContext(ctx, "watch rule", "key", key.String(), "err", err)
		ready()
		return
	}
	first := true
	for e := range ch {
		_ = r.apply(e, "config-center") // a refusal is logged and shown in the status
		if first {
			ready()
			first = false
		}
	}
	if first {
		ready()
	}
}

// Texts returns the applied global and partial rule texts ("" when none).
func (r *Rules) Texts() (global, partial string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keys[r.global].text, r.keys[r.partial].text
}

// SetPartial applies a partial rule text given directly (Nepxion's admin
// endpoint /config/update-*), without the config center; empty clears it.
func (r *Rules) SetPartial(text string) error {
	return r.apply(&switchyard.ConfigEntry{Key: r.partial, Content: text, Version: r.Status().Partial.Version}, "admin")
}

// apply parses and compiles a new text of one key with the other key's last
// good rule; on success it swaps the compiled rule in and caches the text.
func (r *Rules) apply(e *switchyard.ConfigEntry, source string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.keys[e.Key]
	if st == nil {
		return nil
	}
	if source != "admin" && st.status.Source != "none" && e.Version == st.status.Version && st.status.Error == "" && source == st.status.Source {
		return nil // already applied
	}
	next, err := parseEntry(e)
	var compiled *rule.Compiled
	if err == nil {
		partial, global := r.keys[r.partial].rule, r.keys[r.global].rule
		if e.Key == r.partial {
			partial = next
		} else {
			global = next
		}
		compiled, err = rule.CompileLoaded(partial, global)
	}
	now := r.now()
	if err != nil {
		st.status.Error, st.status.ErrorVersion, st.status.ErrorAt = err.Error(), e.Version, now
		r.metrics.ruleRejected(e.Key)
		r.logger.Error("rule refused; keeping the last good rule", "key", e.Key.String(), "version", e.Version, "source", source, "err", err)
		return err
	}
	st.rule, st.text = next, e.Content
	if e.Deleted {
		st.text = ""
	}
	st.status = KeyStatus{Key: e.Key, Version: e.Version, Source: source, AppliedAt: now}
	r.cur.Store(compiled)
	r.metrics.ruleApplied(e.Key, e.Version)
	if source != "cache" {
		r.cache.store(e)
	}
	if e.Version == 0 && !e.Deleted {
		// Nothing was ever written at the key: no rule to speak of.
		r.logger.Debug("no rule at key", "key", e.Key.String(), "source", source)
	} else {
		r.logger.Info("rule applied", "key", e.Key.String(), "version", e.Version, "source", source)
	}
	if r.OnChange != nil {
		r.OnChange()
	}
	return nil
}

// parseEntry reads a config entry: deleted means no rule, else rule.Load
// (blank is no rule; parsed within the budgets, validated), the function
// the control plane's publish path checks with too.
func parseEntry(e *switchyard.ConfigEntry) (*rule.Rule, error) {
	if e.Deleted {
		return nil, nil
	}
	return rule.Load([]byte(e.Content))
}
