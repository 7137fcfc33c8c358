package release

import (
	"context"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Published is the outcome of a publish: what the config center held before
// and what it holds now, read back.
type Published struct {
	Key        switchyard.ConfigKey `json:"key"`
	Before     string               `json:"before" doc:"the rule text before the publish"`
	XML        string               `json:"xml" doc:"the rule text read back after the publish"`
	Version    int64                `json:"version" doc:"the config version written"`
	Unchanged  bool                 `json:"unchanged" doc:"the rule was already exactly this; nothing was written"`
	prevEntry  *switchyard.ConfigEntry
	wasWritten bool
}

// baseRule reads the rule stored at key. Unlike Nepxion's console (which
// silently starts from an empty rule when the stored one does not parse),
// a corrupt stored rule is an error: overwriting it would lose whatever it
// held.
func (s *Service) baseRule(ctx context.Context, key switchyard.ConfigKey) (*switchyard.ConfigEntry, *rule.Rule, error) {
	e, err := s.Config.Get(ctx, key)
	if err != nil {
		return nil, nil, unavailable("read the current rule at "+key.String(), err)
	}
	if e.Deleted || strings.TrimSpace(e.Content) == "" {
		return e, &rule.Rule{}, nil
	}
	r, err := rule.Parse([]byte(e.Content))
	if err != nil {
		return nil, nil, switchyard.Errorf(switchyard.CodeConflict, "the rule stored at %s (version %d) cannot be read: %v; fix or clear it before publishing", key, e.Version, err).
			WithReason("release.rule.corrupt", map[string]string{"key": key.String()}).WithCause(err)
	}
	return e, r, nil
}

// publish writes next at key if the key is still at base's version, then
// reads it back. On any failure after the write it puts the previous text
// back, so the config center is never left half-changed.
func (s *Service) publish(ctx context.Context, key switchyard.ConfigKey, base *switchyard.ConfigEntry, next *rule.Rule, by string) (*Published, error) {
	xml := string(next.XML())
	p := &Published{Key: key, Before: base.Content, prevEntry: base}
	if !base.Deleted && base.Content == xml {
		p.XML, p.Version, p.Unchanged = xml, base.Version, true
		return p, nil
	}
	e, err := s.Config.Put(ctx, key, xml, "xml", by, base.Version)
	if err != nil {
		if switchyard.IsCode(err, switchyard.CodeConflict) {
			return nil, switchyard.Errorf(switchyard.CodeConflict, "the rule at %s changed while you worked (it is no longer version %d); reload and try again", key, base.Version).
				WithReason("release.rule.changed", map[string]string{"key": key.String()}).WithCause(err)
		}
		return nil, unavailable("publish the rule to "+key.String(), err)
	}
	p.Version, p.wasWritten = e.Version, true
	back, err := s.Config.Get(ctx, key)
	if err != nil {
		return nil, s.revert(ctx, p, by, unavailable("read back the rule at "+key.String(), err))
	}
	if back.Content != xml || back.Version != e.Version {
		return nil, s.revert(ctx, p, by, switchyard.Errorf(switchyard.CodeConflict,
			"the config center holds something else than what was published at %s (version %d read back, %d written)", key, back.Version, e.Version).
			WithReason("release.readback", map[string]string{"key": key.String()}))
	}
	p.XML = back.Content
	return p, nil
}

// revert puts the previous text back after a failed publish and returns the
// error to report, saying whether the revert worked.
func (s *Service) revert(ctx context.Context, p *Published, by string, cause error) error {
	if p == nil || !p.wasWritten {
		return cause
	}
	ctx = context.WithoutCancel(ctx)
	var err error
	if p.prevEntry.Version == 0 || p.prevEntry.Deleted {
		_, err = s.Config.Delete(ctx, p.Key, by)
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

func unavailable(what string, err error) error {
	if e := switchyard.AsError(err); e != nil && e.Code != switchyard.CodeInternal && e.Code != switchyard.CodeUnavailable {
		return err
	}
	return switchyard.Errorf(switchyard.CodeUnavailable, "cannot %s: the config center is unavailable (%v); nothing was changed", what, err).
		WithReason("release.configcenter.unavailable", nil).WithCause(err)
}

// PublishRule is the publish path for callers that compute the next rule
// from the stored one themselves (Nepxion's strategy endpoints): it reads
// the rule at key, calls next, and publishes the result with the same
// compare-and-set, read-back and revert as release operations. Only admins
// and members of key's group may publish.
func (s *Service) PublishRule(ctx context.Context, actor *switchyard.User, key switchyard.ConfigKey, next func(base *rule.Rule) (*rule.Rule, error)) (*Published, error) {
	if err := mayOperate(actor, key.Group); err != nil {
		return nil, err
	}
	entry, base, err := s.baseRule(ctx, key)
	if err != nil {
		return nil, err
	}
	r, err := next(base)
	if err != nil {
		return nil, err
	}
	return s.publish(ctx, key, entry, r, actor.Name)
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
