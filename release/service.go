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
	// Hook, when set, is called at the named points of every publish
	// ("publish.recorded" after the intent is stored, "publish.written"
	// after the config center accepted the write, "publish.finishing"
	// before the release is saved). The crash tests kill the process there;
	// nothing else sets it.
	Hook func(point string)
	// Rollouts, when set, lets 执行发布 deploy the new version first and
	// 结束发布 take the old one offline first (rollout.go).
	Rollouts *Rollouts
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
	defaultSpec(&r.Spec)
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
		return switchyard.FieldErrorf(field, "field.length", "%s must be at most %d characters", field, max).WithReason("field.length", map[string]string{"field": field, "max": strconv.Itoa(max)})
	}
	for _, c := range v {
		if c == '/' || unicode.IsControl(c) {
			return switchyard.FieldErrorf(field, "field.chars", "%s %q must not contain '/' or control characters", field, v).WithReason("field.chars", map[string]string{"field": field})
		}
	}
	return nil
}

// Get returns a release with its lock (none when it ended) and the display
// names of its creator and last executor.
func (s *Service) Get(ctx context.Context, name string) (*switchyard.ReleaseView, error) {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return nil, err
	}
	l, err := s.lockOf(ctx, r)
	if err != nil {
		return nil, err
	}
	v := &switchyard.ReleaseView{Release: *r, Lock: l}
	s.nameViews(ctx, []*switchyard.ReleaseView{v})
	return v, nil
}

// List lists the releases f matches with their locks (none on an ended
// release), newest first.
func (s *Service) List(ctx context.Context, f switchyard.ReleaseFilter) ([]*switchyard.ReleaseView, error) {
	list, err := s.Store.FindReleases(ctx, f)
	if err != nil {
		return nil, err
	}
	var names []string // a page asks for its own locks, a long list for all
	if len(list) <= MaxTablePage {
		names = make([]string, len(list))
		for i, r := range list {
			names[i] = r.Name
		}
	}
	locks, err := s.Store.ReleaseLocks(ctx, s.Now(), names)
	if err != nil {
		return nil, err
	}
	held := make(map[string]*switchyard.ReleaseLock, len(locks))
	for _, l := range locks {
		held[l.Release] = l
	}
	out := make([]*switchyard.ReleaseView, 0, len(list))
	for _, r := range list {
		v := &switchyard.ReleaseView{Release: *r}
		if r.State != switchyard.StateEnded {
			v.Lock = held[r.Name]
		}
		out = append(out, v)
	}
	s.nameViews(ctx, out)
	return out, nil
}

// Table is one page of the release table: the releases f matches from
// f.Offset, at most f.Limit (1..MaxTablePage), and how many match in all.
func (s *Service) Table(ctx context.Context, f switchyard.ReleaseFilter) (*switchyard.ReleaseTable, error) {
	if f.Limit < 1 || f.Limit > MaxTablePage {
		return nil, switchyard.FieldErrorf("limit", "param.range", "limit must be between 1 and %d", MaxTablePage)
	}
	if f.Offset < 0 {
		return nil, switchyard.FieldErrorf("offset", "param.range", "offset must not be negative")
	}
	total, err := s.Store.CountReleases(ctx, f)
	if err != nil {
		return nil, err
	}
	items := []*switchyard.ReleaseView{}
	if f.Offset < total {
		if items, err = s.List(ctx, f); err != nil {
			return nil, err
		}
	}
	return &switchyard.ReleaseTable{Items: items, Total: total, Offset: f.Offset, Limit: f.Limit}, nil
}

// MaxTablePage is the most releases one page of the table holds.
const MaxTablePage = 500

// nameViews fills in the display names of the creators and executors (the
// lock carries its holder's): the user name when a user has none or is
// gone, or is a system actor. A view or two looks its people up one by one;
// a table reads the users once (FindUsers) rather than once a person.
func (s *Service) nameViews(ctx context.Context, views []*switchyard.ReleaseView) {
	shown := map[string]string{}
	for _, v := range views {
		for _, user := range []string{v.CreatedBy, v.ExecutedBy} {
			if user != "" {
				shown[user] = user
			}
		}
	}
	if len(shown) > 2 {
		users, err := s.Store.FindUsers(ctx, switchyard.UserFilter{})
		if err != nil {
			s.Logger.DebugContext(ctx, "look up display names", "err", err)
		}
		for _, u := range users {
			if _, ok := shown[u.Name]; ok && u.DisplayName != "" {
				shown[u.Name] = u.DisplayName
			}
		}
	} else {
		for user := range shown {
			if u, err := s.Store.FindUserByName(ctx, user); err == nil && u.DisplayName != "" {
				shown[user] = u.DisplayName
			} else if err != nil && !switchyard.IsCode(err, switchyard.CodeNotFound) {
				s.Logger.DebugContext(ctx, "look up a display name", "user", user, "err", err)
			}
		}
	}
	for _, v := range views {
		v.CreatedByName, v.ExecutedByName = shown[v.CreatedBy], shown[v.ExecutedBy]
		if v.Lock != nil && v.Lock.HolderName == "" {
			v.Lock.HolderName = v.Lock.Holder
		}
	}
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
		return nil, ended(name)
	}
	if _, err := s.hold(ctx, actor, r.Name, s.LockTTL); err != nil {
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
		defaultSpec(&spec)
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
// of it is live), and not while someone else (or the caller in another
// session) operates a never executed one; an ended release holds no lock.
func (s *Service) Delete(ctx context.Context, actor *switchyard.User, name string, revision int64) error {
	r, err := s.Store.FindRelease(ctx, name)
	if err != nil {
		return err
	}
	if err := mayOperate(actor, r.Group); err != nil {
		return err
	}
	if err := deletable(r); err != nil {
		return err
	}
	l, err := s.lockOf(ctx, r)
	if err != nil {
		return err
	}
	if err := notLockedByOther(ctx, actor, l); err != nil {
		return err
	}
	if err := noExecution(ctx, s.Store, name); err != nil {
		return err
	}
	return s.Store.DeleteRelease(ctx, name, revision)
}

// noExecution refuses while a workflow execution of the release is
// running or paused: an ended release holds no lock, but the execution
// that ended it may still be on its last steps (the report, the end).
func noExecution(ctx context.Context, st switchyard.Store, name string) error {
	for _, status := range []switchyard.ExecutionStatus{switchyard.ExecRunning, switchyard.ExecPaused} {
		list, err := st.FindExecutions(ctx, switchyard.ExecutionFilter{ReleaseID: name, Status: status, Limit: 1})
		if err != nil {
			return err
		}
		if len(list) > 0 {
			e := list[0]
			return switchyard.Errorf(switchyard.CodeConflict, "execution %s of release %q is %s; it cannot be deleted until the execution ends", e.ID, name, e.Status).
				WithReason("release.execution", map[string]string{"id": e.ID, "status": string(e.Status)})
		}
	}
	return nil
}
