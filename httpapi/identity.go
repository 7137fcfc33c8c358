package httpapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
)

// identityRoutes are sign-in, the current user, users, groups and tokens.
func (s *Server) identityRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "POST", Path: "/api/auth/login", Access: Public, Action: "auth.login", Tag: "auth",
			Summary: "Sign in to the console: sets the session cookie and returns the CSRF token"}, s.login),
		Op(Route{Method: "POST", Path: "/api/auth/token", Access: Public, Action: "auth.token", Tag: "auth", Status: http.StatusCreated,
			Summary: "Sign in from the CLI or CI: returns a new API token (shown once)"}, s.loginToken),
		Op(Route{Method: "POST", Path: "/api/auth/logout", Access: SignedIn, Action: "auth.logout", Tag: "auth", Status: http.StatusNoContent,
			Summary: "End the console session"}, s.logout),
		Op(Route{Method: "GET", Path: "/api/auth/me", Access: SignedIn, Tag: "auth",
			Summary: "The signed-in user (and the session's CSRF token)"}, s.me),
		Op(Route{Method: "PUT", Path: "/api/auth/password", Access: SignedIn, Action: "auth.password", Tag: "auth", Status: http.StatusNoContent,
			Summary: "Change your own password"}, s.changePassword),

		Op(Route{Method: "GET", Path: "/api/users", Access: Admin, Tag: "users", Summary: "List users"}, s.listUsers),
		Op(Route{Method: "POST", Path: "/api/users", Access: Admin, Action: "user.create", Tag: "users", Status: http.StatusCreated, Summary: "Create a user"}, s.createUser),
		Op(Route{Method: "GET", Path: "/api/users/{name}", Access: Admin, Tag: "users", Summary: "Get a user"}, s.getUser),
		Op(Route{Method: "PATCH", Path: "/api/users/{name}", Access: Admin, Action: "user.update", Tag: "users", Summary: "Change a user's role, groups, state or password"}, s.updateUser),
		Op(Route{Method: "DELETE", Path: "/api/users/{name}", Access: Admin, Action: "user.delete", Tag: "users", Status: http.StatusNoContent, Summary: "Delete a user"}, s.deleteUser),

		Op(Route{Method: "GET", Path: "/api/groups", Access: SignedIn, Tag: "groups", Summary: "List groups with their members"}, s.listGroups),
		Op(Route{Method: "POST", Path: "/api/groups", Access: Admin, Action: "group.create", Tag: "groups", Status: http.StatusCreated, Summary: "Create a group"}, s.createGroup),
		Op(Route{Method: "GET", Path: "/api/groups/{name}", Access: SignedIn, Tag: "groups", Summary: "Get a group"}, s.getGroup),
		Op(Route{Method: "PATCH", Path: "/api/groups/{name}", Access: Admin, Action: "group.update", Tag: "groups", Summary: "Change a group's description"}, s.updateGroup),
		Op(Route{Method: "DELETE", Path: "/api/groups/{name}", Access: Admin, Action: "group.delete", Tag: "groups", Status: http.StatusNoContent, Summary: "Delete a group"}, s.deleteGroup),

		Op(Route{Method: "GET", Path: "/api/tokens", Access: SignedIn, Tag: "tokens", Summary: "List your API tokens (admins: all=true lists everyone's)"}, s.listTokens),
		Op(Route{Method: "POST", Path: "/api/tokens", Access: SignedIn, Action: "token.create", Tag: "tokens", Status: http.StatusCreated, Summary: "Create an API token; the secret is shown once"}, s.createToken),
		Op(Route{Method: "DELETE", Path: "/api/tokens/{id}", Access: SignedIn, Action: "token.revoke", Tag: "tokens", Summary: "Revoke an API token"}, s.revokeToken),
	}
}

type loginIn struct {
	Body switchyard.LoginRequest
}

func (s *Server) login(c *Call, in *loginIn) (*switchyard.LoginResponse, error) {
	if err := s.admitLogin(c, in.Body); err != nil {
		return nil, err
	}
	c.Audit("user/"+in.Body.Username, "")
	cookie, p, err := s.Auth.Login(c.R.Context(), in.Body.Username, in.Body.Password, remoteAddr(c.R), c.R.UserAgent())
	if err != nil {
		return nil, s.loginFailed(c, err)
	}
	c.Principal = p
	maxAge := s.Auth.SessionMaxAge
	if maxAge <= 0 {
		maxAge = s.Auth.SessionTTL
	}
	// The browser keeps the cookie as long as the server may accept it;
	// the server ends the session when idle or at its max age.
	s.setCookie(c.W, cookie, int(maxAge.Seconds()))
	return &switchyard.LoginResponse{User: p.User, CSRFToken: p.CSRFToken, Via: p.Via}, nil
}

func (s *Server) loginToken(c *Call, in *loginIn) (*switchyard.IssuedToken, error) {
	if err := s.admitLogin(c, in.Body); err != nil {
		return nil, err
	}
	it, _, err := s.Auth.LoginToken(c.R.Context(), in.Body, remoteAddr(c.R))
	if err != nil {
		return nil, s.loginFailed(c, err)
	}
	c.Audit("token/"+it.Token.ID, "name="+it.Token.Name)
	return it, nil
}

// admitLogin refuses a sign-in a web page started (Sec-Fetch-Site:
// cross-site, login CSRF) and one whose name or password no account can
// have, before the throttle sees it; only a well-formed name becomes the
// audit record's actor.
func (s *Server) admitLogin(c *Call, req switchyard.LoginRequest) error {
	if c.R.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return switchyard.Errorf(switchyard.CodeForbidden, "sign-in refused: the request came from another site (Sec-Fetch-Site: cross-site)").
			WithReason("auth.cross_site", nil)
	}
	if err := auth.CheckLogin(req); err != nil {
		return err
	}
	c.AuditActor(req.Username)
	return nil
}

// loginFailed returns err, leaving the call out of the audit log when it
// is a throttled attempt whose window was already recorded.
func (s *Server) loginFailed(c *Call, err error) error {
	if errors.Is(err, auth.ErrRepeatedRefusal) {
		c.SkipAudit()
	}
	return err
}

func (s *Server) logout(c *Call, _ *NoBody) (*NoBody, error) {
	c.Audit("user/"+c.User().Name, "")
	if err := s.Auth.Logout(c.R.Context(), c.Principal); err != nil {
		return nil, err
	}
	s.clearCookie(c.W)
	return nil, nil
}

func (s *Server) me(c *Call, _ *NoBody) (*switchyard.LoginResponse, error) {
	return &switchyard.LoginResponse{User: c.User(), CSRFToken: c.Principal.CSRFToken, Via: c.Principal.Via}, nil
}

type passwordIn struct {
	Body switchyard.PasswordChange
}

func (s *Server) changePassword(c *Call, in *passwordIn) (*NoBody, error) {
	c.Audit("user/"+c.User().Name, "")
	ended, err := s.Auth.ChangePassword(c.R.Context(), c.Principal, in.Body)
	if err != nil {
		return nil, err
	}
	c.Audit("user/"+c.User().Name, describeEnded(ended))
	return nil, nil
}

// describeEnded says what a password change ended, for the audit log.
func describeEnded(e auth.Ended) string {
	plural := func(n int, what string) string {
		if n == 1 {
			return "1 " + what
		}
		return strconv.Itoa(n) + " " + what + "s"
	}
	return "ended " + plural(e.Sessions, "other session") + "; revoked " + plural(e.Tokens, "token")
}

type nameIn struct {
	Name string `path:"name"`
}

type usersIn struct {
	Group string `query:"group" doc:"only members of this group"`
}

func (s *Server) listUsers(c *Call, in *usersIn) (*[]*switchyard.User, error) {
	users, err := s.Store.FindUsers(c.R.Context(), switchyard.UserFilter{Group: in.Group})
	if users == nil {
		users = []*switchyard.User{}
	}
	return &users, err
}

type createUserIn struct {
	Body switchyard.NewUser
}

func (s *Server) createUser(c *Call, in *createUserIn) (*switchyard.User, error) {
	if err := switchyard.ValidateName("name", in.Body.Name); err != nil {
		return nil, err
	}
	c.Audit("user/"+in.Body.Name, "role="+string(in.Body.Role))
	return s.Auth.CreateUser(c.R.Context(), in.Body)
}

func (s *Server) getUser(c *Call, in *nameIn) (*switchyard.User, error) {
	if err := switchyard.ValidateName("name", in.Name); err != nil {
		return nil, err
	}
	return s.Store.FindUserByName(c.R.Context(), in.Name)
}

type updateUserIn struct {
	Name string `path:"name"`
	Body switchyard.UserUpdate
}

func (s *Server) updateUser(c *Call, in *updateUserIn) (*switchyard.User, error) {
	if err := switchyard.ValidateName("name", in.Name); err != nil {
		return nil, err
	}
	c.Audit("user/"+in.Name, describeUserUpdate(in.Body))
	return s.Auth.UpdateUser(c.R.Context(), c.Principal, in.Name, in.Body)
}

// describeUserUpdate says what an update changes, without the password.
func describeUserUpdate(u switchyard.UserUpdate) string {
	var parts []string
	if u.Role != nil {
		parts = append(parts, "role="+string(*u.Role))
	}
	if u.Groups != nil {
		parts = append(parts, "groups="+joinOrNone(*u.Groups))
	}
	if u.Disabled != nil {
		parts = append(parts, map[bool]string{true: "disabled", false: "enabled"}[*u.Disabled])
	}
	if u.DisplayName != nil {
		parts = append(parts, "displayName")
	}
	if u.Password != nil {
		parts = append(parts, "password reset (sessions ended)")
	}
	if u.RevokeTokens {
		parts = append(parts, "tokens revoked")
	}
	return joinOrNone(parts)
}

type deleteIn struct {
	Name     string `path:"name"`
	Revision int64  `query:"revision" doc:"refuse if the thing changed since this revision"`
}

func (s *Server) deleteUser(c *Call, in *deleteIn) (*NoBody, error) {
	if err := switchyard.ValidateName("name", in.Name); err != nil {
		return nil, err
	}
	c.Audit("user/"+in.Name, "")
	return nil, s.Auth.DeleteUser(c.R.Context(), c.User(), in.Name, in.Revision)
}

func (s *Server) listGroups(c *Call, _ *NoBody) (*[]*switchyard.Group, error) {
	groups, err := s.Store.FindGroups(c.R.Context())
	if groups == nil {
		groups = []*switchyard.Group{}
	}
	return &groups, err
}

type createGroupIn struct {
	Body switchyard.NewGroup
}

func (s *Server) createGroup(c *Call, in *createGroupIn) (*switchyard.Group, error) {
	if err := switchyard.ValidateName("name", in.Body.Name); err != nil {
		return nil, err
	}
	c.Audit("group/"+in.Body.Name, "")
	g := &switchyard.Group{Name: in.Body.Name, Description: in.Body.Description}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, s.Store.CreateGroup(c.R.Context(), g)
}

func (s *Server) getGroup(c *Call, in *nameIn) (*switchyard.Group, error) {
	if err := switchyard.ValidateName("name", in.Name); err != nil {
		return nil, err
	}
	return s.Store.FindGroup(c.R.Context(), in.Name)
}

type updateGroupIn struct {
	Name string `path:"name"`
	Body switchyard.GroupUpdate
}

func (s *Server) updateGroup(c *Call, in *updateGroupIn) (*switchyard.Group, error) {
	if err := switchyard.ValidateName("name", in.Name); err != nil {
		return nil, err
	}
	c.Audit("group/"+in.Name, "description")
	g, err := s.Store.FindGroup(c.R.Context(), in.Name)
	if err != nil {
		return nil, err
	}
	g.Revision = in.Body.Revision
	if in.Body.Description != nil {
		g.Description = *in.Body.Description
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return g, s.Store.UpdateGroup(c.R.Context(), g)
}

func (s *Server) deleteGroup(c *Call, in *deleteIn) (*NoBody, error) {
	if err := switchyard.ValidateName("name", in.Name); err != nil {
		return nil, err
	}
	c.Audit("group/"+in.Name, "")
	return nil, s.Store.DeleteGroup(c.R.Context(), in.Name, in.Revision)
}
