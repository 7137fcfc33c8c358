package release

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// The one publish path. Every change to a rule key — the release
// operations, PUT/DELETE /api/config, Nepxion's /config/remote/* and
// /strategy/* endpoints, the CLI, workflows — runs these steps in order:
//
//  1. permission: the actor may change the key's group (before any request
//     body is parsed: callers parse inside Change.Next);
//  2. the lock: a release that owns the key and is being operated by
//     someone else refuses the change;
//  3. compare-and-set against the version the change is based on;
//  4. the new text is compiled with exactly the data plane's compiler,
//     within its budgets, so nothing a gateway would refuse is stored;
//  5. the intent is recorded in the store before the config center is
//     touched; then write, read back, and on failure put the previous text
//     back;
//  6. the release (for release operations) is saved together with the
//     removal of the intent, in one transaction.
//
// A crash between 5 and 6 leaves the intent; Reconcile finishes or undoes
// it on the next start. The HTTP layer audits the calls it serves; changes
// made by system actors (workflows, the reconciler) are audited here.

// PublishTimeout bounds one publish (config center write and read back), so
// an intent older than it belongs to a process that died.
const PublishTimeout = 20 * time.Second

// Published is the outcome of a publish: what the config center held before
// and what it holds now, read back.
type Published struct {
	Key        switchyard.ConfigKey `json:"key"`
	Before     string               `json:"before" doc:"the rule text before the publish"`
	XML        string               `json:"xml" doc:"the rule text read back after the publish"`
	Version    int64                `json:"version" doc:"the config version written"`
	Unchanged  bool                 `json:"unchanged" doc:"the rule was already exactly this; nothing was written"`
	Entry      *switchyard.ConfigEntry
	prevEntry  *switchyard.ConfigEntry
	wasWritten bool
}

// Text is what a change writes at a key: content in a format, or the key's
// removal.
type Text struct {
	Content string
	Format  string
	Delete  bool
}

// Change is one change to the rule at a key through Publish.
type Change struct {
	Key switchyard.ConfigKey
	// Action names the change in the intent and, for system actors, the
	// audit log: config.put, config.delete, nepxion.strategy.create, …
	Action string
	// IfVersion >= 0 is the version the change is based on: another
	// version is a conflict. -1 changes whatever version is there (the
	// write is still compare-and-set against the version read).
	IfVersion int64
	// Next computes what to write from the stored entry. It runs after the
	// permission and lock checks, so request bodies are read and parsed in
	// it. An error from it is returned as is.
	Next func(base *switchyard.ConfigEntry) (*Text, error)
}

// Authorize is the one permission check for changing rules of group: admins
// on every group, operators on the groups they belong to.
func Authorize(actor *switchyard.User, group string) error { return mayOperate(actor, group) }

// Publish changes the rule at ch.Key through the one publish path.
func (s *Service) Publish(ctx context.Context, actor *switchyard.User, ch Change) (*Published, error) {
	if err := mayOperate(actor, ch.Key.Group); err != nil {
		return nil, err
	}
	if err := ch.Key.Validate(); err != nil {
		return nil, err
	}
	if err := s.ownerLock(ctx, actor, ch.Key); err != nil {
		return nil, err
	}
	base, err := s.Config.Get(ctx, ch.Key)
	if err != nil {
		return nil, unavailable("read the current rule at "+ch.Key.String(), err)
	}
	if ch.IfVersion >= 0 && base.Version != ch.IfVersion {
		return nil, staleKey(ch.Key, ch.IfVersion, base.Version)
	}
	t, err := ch.Next(base)
	if err != nil {
		return nil, err
	}
	return s.write(ctx, &write{actor: actor, action: ch.Action, key: ch.Key, base: base, text: *t})
}

// ParseStored reads the rule of a stored entry (an empty rule when the key
// is blank, removed or never written). Unlike Nepxion's console, which
// silently starts from an empty rule when the stored one does not parse, a
// corrupt stored rule is an error: overwriting it would lose what it held.
func ParseStored(e *switchyard.ConfigEntry) (*rule.Rule, error) {
	if e.Deleted || strings.TrimSpace(e.Content) == "" {
		return &rule.Rule{}, nil
	}
	r, err := rule.Parse([]byte(e.Content))
	if err != nil {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "the rule stored at %s (version %d) cannot be read: %v; fix or clear it before publishing", e.Key, e.Version, err).
			WithReason("release.rule.corrupt", map[string]string{"key": e.Key.String()}).WithCause(err)
	}
	return r, nil
}

// baseRule reads the rule stored at key.
func (s *Service) baseRule(ctx context.Context, key switchyard.ConfigKey) (*switchyard.ConfigEntry, *rule.Rule, error) {
	e, err := s.Config.Get(ctx, key)
	if err != nil {
		return nil, nil, unavailable("read the current rule at "+key.String(), err)
	}
	e.Key = key
	r, err := ParseStored(e)
	if err != nil {
		return nil, nil, err
	}
	return e, r, nil
}

// ownerLock refuses a change of key while a release that writes key is
// being operated by someone else (or by the caller in another session): its
// lock binds every writer of its rule, not only its own page.
func (s *Service) ownerLock(ctx context.Context, actor *switchyard.User, key switchyard.ConfigKey) error {
	list, err := s.Store.FindReleases(ctx, switchyard.ReleaseFilter{Group: key.Group})
	if err != nil {
		return err
	}
	for _, r := range list {
		if r.Key() != key || r.State == switchyard.StateEnded {
			continue
		}
		l, err := s.Store.FindReleaseLock(ctx, r.Name, s.Now())
		if err != nil {
			return err
		}
		if err := notLockedByOther(ctx, actor, l); err != nil {
			return err
		}
	}
	return nil
}

// write is one change worked out: the entry it is based on, what it writes
// and, for a release operation, the release to save with it.
type write struct {
	actor  *switchyard.User
	action string
	key    switchyard.ConfigKey
	base   *switchyard.ConfigEntry
	text   Text
	// skipUnchanged writes nothing when the key already holds the text
	// (release operations); config writes always make a new version.
	skipUnchanged bool
	release       *switchyard.Release
	history       *switchyard.ReleaseHistory
}

// write checks, records, writes, reads back and completes one change.
func (s *Service) write(ctx context.Context, w *write) (_ *Published, err error) {
	p := &Published{Key: w.key, Before: w.base.Content, prevEntry: w.base}
	defer func() {
		resource, detail := "config/"+w.key.String(), ""
		if w.release != nil {
			resource = "release/" + w.release.Name
		}
		if err == nil {
			detail = "version=" + strconv.FormatInt(p.Version, 10)
		}
		s.auditSystem(ctx, w.actor, w.action, resource, detail, err)
	}()
	if w.text.Format == "" {
		w.text.Format = "xml"
		if strings.HasPrefix(strings.TrimSpace(w.text.Content), "{") {
			w.text.Format = "json"
		}
	}
	if w.skipUnchanged && holds(w.base, &w.text) {
		p.XML, p.Version, p.Unchanged, p.Entry = w.base.Content, w.base.Version, true, w.base
		if w.release != nil {
			w.release.ConfigVersion, w.history.ConfigVersion, w.history.XML = w.base.Version, w.base.Version, w.base.Content
			w.history.Detail = "the rule was already in place; nothing new was written"
			if err := s.Store.UpdateRelease(ctx, w.release, w.history); err != nil {
				return nil, err
			}
		}
		return p, nil
	}
	if !w.text.Delete {
		if err := checkRule(w.key, w.text.Content); err != nil {
			return nil, err
		}
	}
	now := s.Now()
	in := &switchyard.PublishIntent{ID: switchyard.NewID(now), At: now, Key: w.key, Actor: w.actor.Name, Via: viaOf(w.actor), Action: w.action,
		Before: *w.base, Content: w.text.Content, Format: w.text.Format, Delete: w.text.Delete, Release: w.release, History: w.history}
	if err := s.Store.CreatePublishIntent(ctx, in); err != nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "cannot record the change of %s before making it (%v); nothing was changed", w.key, err).
			WithReason("release.store.unavailable", nil).WithCause(err)
	}
	s.hook("publish.recorded")
	pctx, cancel := context.WithTimeout(ctx, PublishTimeout)
	defer cancel()
	e, err := s.put(pctx, w)
	if err != nil {
		s.dropIntent(ctx, in.ID)
		return nil, err
	}
	s.hook("publish.written")
	p.Version, p.wasWritten, p.Entry = e.Version, true, e
	if err := s.readBack(pctx, w, e); err != nil {
		err = s.revert(ctx, p, w.actor.Name, err)
		s.dropIntent(ctx, in.ID)
		return nil, err
	}
	p.XML = w.text.Content
	if w.release != nil {
		w.release.ConfigVersion, w.history.ConfigVersion, w.history.XML = e.Version, e.Version, w.text.Content
	}
	s.hook("publish.finishing")
	if err := s.Store.FinishPublishIntent(ctx, in.ID, w.release, w.history); err != nil {
		err = s.revert(ctx, p, w.actor.Name, err)
		s.dropIntent(ctx, in.ID)
		return nil, err
	}
	return p, nil
}

func (s *Service) hook(point string) {
	if s.Hook != nil {
		s.Hook(point)
	}
}

// holds reports whether e already is what t would write.
func holds(e *switchyard.ConfigEntry, t *Text) bool {
	if t.Delete {
		return e.Deleted || e.Version == 0
	}
	return !e.Deleted && e.Version > 0 && e.Content == t.Content
}

// put writes the change compare-and-set against the version it is based on.
func (s *Service) put(ctx context.Context, w *write) (*switchyard.ConfigEntry, error) {
	var e *switchyard.ConfigEntry
	var err error
	if w.text.Delete {
		e, err = s.Config.Delete(ctx, w.key, w.actor.Name, w.base.Version)
	} else {
		e, err = s.Config.Put(ctx, w.key, w.text.Content, w.text.Format, w.actor.Name, w.base.Version)
	}
	if err == nil {
		return e, nil
	}
	if switchyard.IsCode(err, switchyard.CodeConflict) {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "the rule at %s changed while you worked (it is no longer version %d); reload and try again", w.key, w.base.Version).
			WithReason("release.rule.changed", map[string]string{"key": w.key.String()}).WithCause(err)
	}
	return nil, unavailable("publish the rule to "+w.key.String(), err)
}

// readBack checks the config center holds what was written.
func (s *Service) readBack(ctx context.Context, w *write, written *switchyard.ConfigEntry) error {
	back, err := s.Config.Get(ctx, w.key)
	if err != nil {
		return unavailable("read back the rule at "+w.key.String(), err)
	}
	same := back.Version == written.Version && back.Deleted == w.text.Delete && (w.text.Delete || back.Content == w.text.Content)
	if !same {
		return switchyard.Errorf(switchyard.CodeConflict,
			"the config center holds something else than what was published at %s (version %d read back, %d written)", w.key, back.Version, written.Version).
			WithReason("release.readback", map[string]string{"key": w.key.String()})
	}
	return nil
}

// dropIntent removes an intent whose change did not take effect. If the
// store fails here, the next start finds the key as it was and drops it.
func (s *Service) dropIntent(ctx context.Context, id string) {
	if err := s.Store.FinishPublishIntent(context.WithoutCancel(ctx), id, nil, nil); err != nil {
		s.Logger.WarnContext(ctx, "drop publish intent; the next start reconciles it", "intent", id, "err", err)
	}
}

// revert puts the previous text back after a failed publish and returns the
// error to report, saying whether the revert worked.
func (s *Service) revert(ctx context.Context, p *Published, by string, cause error) error {
	if p == nil || !p.wasWritten {
		return cause
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), PublishTimeout)
	defer cancel()
	var err error
	if p.prevEntry.Version == 0 || p.prevEntry.Deleted {
		_, err = s.Config.Delete(ctx, p.Key, by, p.Version)
	} else {
		_, err = s.Config.Put(ctx, p.Key, p.prevEntry.Content, p.prevEntry.Format, by, p.Version)
	}
	if err != nil {
		s.Logger.ErrorContext(ctx, "revert publish", "key", p.Key.String(), "written", p.Version, "err", err)
		e := switchyard.AsError(cause)
		msg := cause.Error()
		if e != nil {
			msg = e.Message
		}
		return switchyard.Errorf(switchyard.CodeUnavailable, "%s; putting the previous rule back also failed (%v): version %d may be live at %s — check it", msg, err, p.Version, p.Key).
			WithReason("release.revert.failed", map[string]string{"key": p.Key.String()}).WithCause(cause)
	}
	s.Logger.WarnContext(ctx, "publish reverted", "key", p.Key.String(), "written", p.Version, "cause", cause)
	return cause
}

// checkRule compiles text exactly as every data-plane process following key
// will, within the same budgets: what they would refuse is refused here,
// located, before anything is stored.
func checkRule(key switchyard.ConfigKey, text string) error {
	err := rule.Check([]byte(text))
	if err == nil {
		return nil
	}
	e := switchyard.AsError(err)
	where, msg, reason := "", err.Error(), "rule.invalid"
	if e != nil {
		where, msg = e.Field, e.Message
		if e.Reason != "" {
			reason = e.Reason
		}
	}
	if where != "" {
		msg = where + ": " + msg
	}
	params := map[string]string{"key": key.String(), "path": where}
	if e != nil {
		for k, v := range e.Params {
			params[k] = v
		}
	}
	return switchyard.FieldErrorf("content", reason, "the rule for %s would be refused by the data plane: %s; nothing was stored", key, msg).
		WithReason(reason, params).WithCause(err)
}

func staleKey(key switchyard.ConfigKey, want, have int64) error {
	return switchyard.Errorf(switchyard.CodeConflict, "config %s is at version %d, not %d: someone else changed it; reload and try again", key, have, want).
		WithReason("config.stale", map[string]string{"key": key.String(), "version": strconv.FormatInt(have, 10)})
}

func unavailable(what string, err error) error {
	if e := switchyard.AsError(err); e != nil && e.Code != switchyard.CodeInternal && e.Code != switchyard.CodeUnavailable {
		return err
	}
	return switchyard.Errorf(switchyard.CodeUnavailable, "cannot %s: the config center is unavailable (%v); nothing was changed", what, err).
		WithReason("release.configcenter.unavailable", nil).WithCause(err)
}

// StoredRule returns the rule at key (empty when none).
func (s *Service) StoredRule(ctx context.Context, key switchyard.ConfigKey) (*rule.Rule, error) {
	_, r, err := s.baseRule(ctx, key)
	return r, err
}

// Instances returns the registry's instances of services for rule building.
func (s *Service) Instances(ctx context.Context, services []string) ([]rule.Instance, error) {
	return s.instances(ctx, services)
}
