package release

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
)

// Service runs releases.
type Service struct {
	Store    switchyard.Store
	Config   switchyard.ConfigCenter
	Registry switchyard.Registry
	Logger   *slog.Logger
	Now      func() time.Time
	// LockTTL is the lease of the operating lock; the release page renews
	// it while open.
	LockTTL time.Duration
}

// New returns a release service.
func New(store switchyard.Store, cc switchyard.ConfigCenter, reg switchyard.Registry, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Store: store, Config: cc, Registry: reg, Logger: logger, Now: time.Now, LockTTL: time.Minute}
}

// mayOperate refuses a change by someone who is not an admin or a member of
// the release's group (document 003: a group is a department).
func mayOperate(actor *switchyard.User, group string) error {
	if actor == nil || !actor.MayOperate(group) {
		return switchyard.Errorf(switchyard.CodeForbidden, "only members of group %q (and admins) may change its releases", group).
			WithReason("auth.group", map[string]string{"group": group})
	}
	return nil
}

// Create stores a new, never executed release (新建发布).
func (s *Service) Create(ctx context.Context, actor *switchyard.User, nr switchyard.NewRelease) (*switchyard.Release, error) {
	r := &switchyard.Release{Name: strings.TrimSpace(nr.Name), Description: nr.Description, Subscription: nr.Subscription, Group: strings.TrimSpace(nr.Group),
		App: strings.ToLower(strings.TrimSpace(nr.App)), Spec: nr.Spec, CreatedBy: actor.Name}
	if err := validateRelease(r); err != nil {
		return nil, err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return nil, err
	}
	normalizeSpec(&r.Spec)
	if err := checkDraft(&r.Spec, r.App); err != nil {
		return nil, err
	}
	r.Type = r.Spec.Type()
	if err := s.Store.CreateRelease(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// validateRelease checks the fixed fields.
func validateRelease(r *switchyard.Release) error {
	if err := validateText("name", r.Name, 100); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Description) > 1000 {
		return switchyard.FieldErrorf("description", "description.length", "description must be at most 1000 characters")
	}
	if err := validateText("group", r.Group, 255); err != nil {
		return err
	}
	switch r.Subscription {
	case switchyard.Partial:
		if err := validateText("app", r.App, 255); err != nil {
			return err
		}
	case switchyard.Global:
		r.App = ""
	default:
		return switchyard.FieldErrorf("subscription", "release.subscription", "subscription %q must be PARTIAL (局部订阅) or GLOBAL (全局订阅)", r.Subscription).
			WithReason("release.subscription", nil)
	}
	return nil
}

// validateText checks a name-like field: present, bounded, no '/' or
// control characters (it becomes part of URLs and config keys).
func validateText(field, v string, max int) error {
	if v == "" {
		return switchyard.FieldErrorf(field, field+".required", "%s is required", field).WithReason("field.required", map[string]string{"field": field})
	}
	if utf8.RuneCountInString(v) > max {
		return switchyard.FieldErrorf(field, "field.length", "%s must be at most %d characters", field, max).WithReason("field.length", map[string]string{"field": field, "max": itoa(max)})
	}
	for _, c := range v {
		if c == '/' || unicode.IsControl(c) {
			return switchyard.FieldErrorf(field, "field.chars", "%s %q must not contain '/' or control characters", field, v).WithReason("field.chars", map[string]string{"field": field})
		}
	}
	return nil
}

// Get returns a release with its lock.
func (s *Service) Get(ctx context.Context, name string) (*switchyard.ReleaseView, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	l, err := s.Store.FindReleaseLock(ctx, name, s.Now())
	if err != nil {
		return nil, err
	}
	return &switchyard.ReleaseView{Release: *r, Lock: l}, nil
}

// List lists releases with their locks, newest first; group "" lists
// every group.
func (s *Service) List(ctx context.Context, group string) ([]*switchyard.ReleaseView, error) {
	list, err := s.Store.FindReleases(ctx, switchyard.ReleaseFilter{Group: group})
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]*switchyard.ReleaseView, 0, len(list))
	for _, r := range list {
		l, err := s.Store.FindReleaseLock(ctx, r.Name, now)
		if err != nil {
			return nil, err
		}
		out = append(out, &switchyard.ReleaseView{Release: *r, Lock: l})
	}
	return out, nil
}

// Update saves the form without publishing (needs the lock).
func (s *Service) Update(ctx context.Context, actor *switchyard.User, name string, upd switchyard.ReleaseUpdate) (*switchyard.Release, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return nil, err
	}
	if r.State == switchyard.StateEnded {
		return nil, switchyard.Errorf(switchyard.CodeConflict, "release %q has ended; it can only be deleted", name).WithReason("release.ended", nil)
	}
	if _, err := s.hold(ctx, actor, r.Name); err != nil {
		return nil, err
	}
	r.Revision = upd.Revision
	if upd.Description != nil {
		r.Description = *upd.Description
	}
	if upd.Spec != nil {
		spec := *upd.Spec
		if spec.GatewayOnly != r.Spec.GatewayOnly {
			return nil, switchyard.FieldErrorf("spec.gatewayOnly", "release.fixed", "the gateway-only switch is fixed once the release exists").WithReason("release.fixed", map[string]string{"field": "gatewayOnly"})
		}
		normalizeSpec(&spec)
		if err := checkDraft(&spec, r.App); err != nil {
			return nil, err
		}
		r.Spec = spec
	}
	if err := validateRelease(r); err != nil {
		return nil, err
	}
	if err := s.Store.UpdateRelease(ctx, r, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// Delete removes a release: only one that ended, or never executed (nothing
// of it is live).
func (s *Service) Delete(ctx context.Context, actor *switchyard.User, name string, revision int64) error {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return err
	}
	if r.State != switchyard.StateEnded && r.State != switchyard.StateNew {
		return switchyard.Errorf(switchyard.CodeConflict, "release %q is in state %s; only an ended (结束) or never executed release can be deleted", name, r.State).
			WithReason("release.delete.state", map[string]string{"state": string(r.State)})
	}
	if l, err := s.Store.FindReleaseLock(ctx, name, s.Now()); err != nil {
		return err
	} else if l != nil && l.Holder != actor.Name {
		return lockedBy(l)
	}
	return s.Store.DeleteRelease(ctx, name, revision)
}

func itoa(n int) string { return strconv.Itoa(n) }
