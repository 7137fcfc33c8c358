package httpapi

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/release"
)

// releaseRoutes are the release console (document 003).
func (s *Server) releaseRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "GET", Path: "/api/releases", Access: SignedIn, Tag: "releases", Summary: "Every release, newest first, unpaged (the console pages with /api/release-table)"}, s.listReleases),
		Op(Route{Method: "GET", Path: "/api/release-table", Access: SignedIn, Tag: "releases",
			Summary: "The release table (发布列表) one page at a time, newest first, filtered by group, types, states and a search, with the total"}, s.releaseTable),
		Op(Route{Method: "POST", Path: "/api/releases", Access: Operator, Action: "release.create", Tag: "releases", Status: http.StatusCreated,
			Summary: "Create a release (新建发布) of a group you belong to"}, s.createRelease),
		Op(Route{Method: "GET", Path: "/api/releases/{name}", Access: SignedIn, Tag: "releases", Summary: "A release with its form and its lock"}, s.getRelease),
		Op(Route{Method: "PATCH", Path: "/api/releases/{name}", Access: Operator, Action: "release.update", Authorize: s.releaseGroup, Tag: "releases",
			Summary: "Save the release page's form without publishing (needs the lock)"}, s.updateRelease),
		Op(Route{Method: "DELETE", Path: "/api/releases/{name}", Access: Operator, Action: "release.delete", Authorize: s.releaseGroup, Tag: "releases", Status: http.StatusNoContent,
			Summary: "Delete a release (删除发布): only when ended or never executed"}, s.deleteRelease),
		Op(Route{Method: "POST", Path: "/api/releases/{name}/preview", Access: SignedIn, Tag: "releases",
			NoAudit: "a dry run that changes nothing",
			Summary: "What an operation would publish: the YAML document, the XML rule, the versions and routes"}, s.previewRelease),
		Op(Route{Method: "POST", Path: "/api/releases/{name}/operations", Access: Operator, Action: "release.operate", Authorize: s.releaseGroup, Tag: "releases",
			Summary: "Execute 兜底 (fallback), 发布 (release), 回滚 (rollback) or 结束 (end): publish, read back, save"}, s.operateRelease),
		Op(Route{Method: "GET", Path: "/api/releases/{name}/status", Access: SignedIn, Tag: "releases", Quiet: true,
			Summary: "The revision, state and lock of a release, polled by an open release page to notice at once that it changed underneath or that its lock changed hands"}, s.releaseStatus),
		Op(Route{Method: "GET", Path: "/api/releases/{name}/history", Access: SignedIn, Tag: "releases", Summary: "The operations of a release, newest first"}, s.releaseHistory),
		Op(Route{Method: "GET", Path: "/api/releases/{name}/rule", Access: SignedIn, Tag: "releases",
			Summary: "The rule in effect at the release's key (当前生效的策略), as XML and as a topology"}, s.releaseRule),
		Op(Route{Method: "POST", Path: "/api/releases/{name}/lock", Access: Operator, Action: "release.lock", Tag: "releases", Quiet: true,
			Summary: "Take or renew the operating lock (renew while the release page is open)"}, s.lockRelease),
		Op(Route{Method: "DELETE", Path: "/api/releases/{name}/lock", Access: Operator, Action: "release.unlock", Tag: "releases", Status: http.StatusNoContent,
			Summary: "Give the lock up"}, s.unlockRelease),
		Op(Route{Method: "POST", Path: "/api/releases/{name}/lock/break", Access: Admin, Action: "release.lock.break", Tag: "releases",
			Summary: "Break someone else's lock (admins)"}, s.breakReleaseLock),
		Op(Route{Method: "GET", Path: "/api/registry/versions", Access: SignedIn, Tag: "registry",
			Summary: "Online versions of services, old to new (the release page's version list)"}, s.serviceVersions),
	}
}

// releaseGroup authorizes a change of the release named in the path: only
// members of its group (and admins), checked before the body is read.
func (s *Server) releaseGroup(c *Call) error {
	c.Audit("release/"+c.R.PathValue("name"), "")
	r, err := s.Store.FindRelease(c.R.Context(), c.R.PathValue("name"))
	if err != nil {
		return err
	}
	return release.Authorize(c.User(), r.Group)
}

type releaseNameIn struct {
	Name string `path:"name"`
}

type listReleasesIn struct {
	Group string `query:"group"`
}

func (s *Server) listReleases(c *Call, in *listReleasesIn) (*[]*switchyard.ReleaseView, error) {
	list, err := s.Releases.List(c.R.Context(), switchyard.ReleaseFilter{Group: in.Group})
	s.allow(c, list)
	return &list, err
}

type releaseTableIn struct {
	Group  string   `query:"group"`
	Types  []string `query:"types" doc:"comma-separated: BLUE_GREEN,GRAY,MIXED"`
	States []string `query:"states" doc:"comma-separated: NEW (never executed),FALLBACK,RELEASED,ROLLED_BACK,ENDED"`
	Search string   `query:"q" doc:"part of the name, description or app, any case"`
	Offset int      `query:"offset" doc:"releases to skip, default 0"`
	Limit  int      `query:"limit" doc:"1-500, default 20"`
}

// releaseTable is the console's release table, a page at a time with its
// filters on the server: the unpaged list grows with every release (10,000
// are 12 MB), a page does not.
func (s *Server) releaseTable(c *Call, in *releaseTableIn) (*switchyard.ReleaseTable, error) {
	if len(in.Search) > 200 {
		return nil, switchyard.FieldErrorf("q", "param.range", "q must be at most 200 bytes")
	}
	f := switchyard.ReleaseFilter{Group: in.Group, Search: in.Search, Offset: in.Offset, Limit: cmp.Or(in.Limit, 20)}
	for _, t := range in.Types {
		rt := switchyard.ReleaseType(t)
		if rt != switchyard.BlueGreen && rt != switchyard.Gray && rt != switchyard.Mixed {
			return nil, switchyard.FieldErrorf("types", "param.invalid", "types: %q is not BLUE_GREEN, GRAY or MIXED", switchyard.Truncate(t, 40))
		}
		if !slices.Contains(f.Types, rt) { // a list of repeats stays as long as its distinct values
			f.Types = append(f.Types, rt)
		}
	}
	for _, st := range in.States {
		rs, ok := tableStates[st]
		if !ok {
			return nil, switchyard.FieldErrorf("states", "param.invalid", "states: %q is not NEW, FALLBACK, RELEASED, ROLLED_BACK or ENDED", switchyard.Truncate(st, 40))
		}
		if !slices.Contains(f.States, rs) {
			f.States = append(f.States, rs)
		}
	}
	t, err := s.Releases.Table(c.R.Context(), f)
	if err != nil {
		return nil, err
	}
	s.allow(c, t.Items)
	return t, nil
}

// tableStates names the states in a query; the never-executed state,
// empty in the store, is NEW.
var tableStates = map[string]switchyard.ReleaseState{
	"NEW": switchyard.StateNew, string(switchyard.StateFallback): switchyard.StateFallback, string(switchyard.StateReleased): switchyard.StateReleased,
	string(switchyard.StateRolledBack): switchyard.StateRolledBack, string(switchyard.StateEnded): switchyard.StateEnded,
}

// allow fills in what the caller may do with each release of a list.
func (s *Server) allow(c *Call, list []*switchyard.ReleaseView) {
	for _, v := range list {
		v.ReleaseAccess = release.Allowed(c.R.Context(), c.User(), &v.Release, v.Lock)
	}
}

type createReleaseIn struct {
	Body switchyard.NewRelease
}

func (s *Server) createRelease(c *Call, in *createReleaseIn) (*switchyard.Release, error) {
	c.Audit("release/"+in.Body.Name, "group="+in.Body.Group+" app="+in.Body.App)
	return s.Releases.Create(c.R.Context(), c.User(), in.Body)
}

func (s *Server) getRelease(c *Call, in *releaseNameIn) (*switchyard.ReleaseView, error) {
	v, err := s.Releases.Get(c.R.Context(), in.Name)
	if err != nil {
		return nil, err
	}
	v.ReleaseAccess = release.Allowed(c.R.Context(), c.User(), &v.Release, v.Lock)
	return v, nil
}

type updateReleaseIn struct {
	Name string `path:"name"`
	Body switchyard.ReleaseUpdate
}

func (s *Server) updateRelease(c *Call, in *updateReleaseIn) (*switchyard.Release, error) {
	c.Audit("release/"+in.Name, "form saved")
	return s.Releases.Update(c.R.Context(), c.User(), in.Name, in.Body)
}

type deleteReleaseIn struct {
	Name     string `path:"name"`
	Revision int64  `query:"revision"`
}

func (s *Server) deleteRelease(c *Call, in *deleteReleaseIn) (*NoBody, error) {
	c.Audit("release/"+in.Name, "")
	return nil, s.Releases.Delete(c.R.Context(), c.User(), in.Name, in.Revision)
}

type operationIn struct {
	Name string `path:"name"`
	Body switchyard.OperationRequest
}

func (s *Server) previewRelease(c *Call, in *operationIn) (*switchyard.Preview, error) {
	return s.Releases.Preview(c.R.Context(), in.Name, in.Body)
}

func (s *Server) operateRelease(c *Call, in *operationIn) (*switchyard.OperationResult, error) {
	c.Audit("release/"+in.Name, "operation="+string(in.Body.Operation))
	res, err := s.Releases.Execute(c.R.Context(), c.User(), in.Name, in.Body)
	if err == nil {
		c.Audit("release/"+in.Name, "operation="+string(in.Body.Operation)+" state="+string(res.Release.State)+" key="+res.History.ConfigKey.String()+" version="+strconv.FormatInt(res.Version, 10))
	}
	return res, err
}

type historyReleaseIn struct {
	Name  string `path:"name"`
	Limit int    `query:"limit"`
}

func (s *Server) releaseHistory(c *Call, in *historyReleaseIn) (*[]*switchyard.ReleaseHistory, error) {
	h, err := s.Releases.History(c.R.Context(), in.Name, in.Limit)
	return &h, err
}

func (s *Server) releaseRule(c *Call, in *releaseNameIn) (*switchyard.RuleView, error) {
	return s.Releases.EffectiveRule(c.R.Context(), in.Name)
}

func (s *Server) releaseStatus(c *Call, in *releaseNameIn) (*switchyard.ReleaseStatus, error) {
	return s.Releases.Status(c.R.Context(), c.User(), in.Name)
}

// lockSession names the caller's session for the release lock (release.WithSession):
// the browser session or the API token; "" for callers with neither.
func lockSession(p *auth.Principal) string {
	switch {
	case p == nil:
		return ""
	case p.SessionID != "":
		return "session/" + p.SessionID
	case p.TokenID != "":
		return "token/" + p.TokenID
	}
	return ""
}

func (s *Server) lockRelease(c *Call, in *releaseNameIn) (*switchyard.ReleaseLock, error) {
	c.Audit("release/"+in.Name, "lock")
	before, _ := s.Store.FindReleaseLock(c.R.Context(), in.Name, s.Now())
	l, err := s.Releases.Lock(c.R.Context(), c.User(), in.Name)
	if err == nil && before.HeldBy(l.Holder, l.Session) {
		c.SkipAudit() // a renewal every few seconds while the page is open
	}
	return l, err
}

func (s *Server) unlockRelease(c *Call, in *releaseNameIn) (*NoBody, error) {
	c.Audit("release/"+in.Name, "unlock")
	return nil, s.Releases.Unlock(c.R.Context(), c.User(), in.Name)
}

func (s *Server) breakReleaseLock(c *Call, in *releaseNameIn) (*switchyard.ReleaseLock, error) {
	c.Audit("release/"+in.Name, "break lock")
	l, err := s.Releases.BreakLock(c.R.Context(), c.User(), in.Name)
	if err == nil && l != nil {
		c.Audit("release/"+in.Name, "broke the lock held by "+l.Holder)
	}
	if l == nil {
		l = &switchyard.ReleaseLock{Release: in.Name}
	}
	return l, err
}

type versionsIn struct {
	Services []string `query:"services" doc:"comma-separated service ids"`
	Sort     string   `query:"sort" enum:"version,time"`
}

func (s *Server) serviceVersions(c *Call, in *versionsIn) (*[]switchyard.ServiceVersions, error) {
	var services []string
	for _, svc := range in.Services {
		if svc = strings.TrimSpace(svc); svc != "" {
			services = append(services, strings.ToLower(svc))
		}
	}
	v, err := s.Releases.Versions(c.R.Context(), services, in.Sort)
	return &v, err
}
