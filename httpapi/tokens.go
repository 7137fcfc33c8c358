package httpapi

import (
	"strings"

	"github.com/switchyard-io/switchyard"
)

type tokensIn struct {
	All bool `query:"all" doc:"admins only: list every user's tokens"`
}

func (s *Server) listTokens(c *Call, in *tokensIn) (*[]*switchyard.Token, error) {
	f := switchyard.TokenFilter{UserID: c.User().ID}
	if in.All {
		if c.User().Role != switchyard.RoleAdmin {
			return nil, switchyard.Errorf(switchyard.CodeForbidden, "only admins may list every user's tokens").WithReason("auth.role", map[string]string{"role": "admin"})
		}
		f.UserID = ""
	}
	tokens, err := s.Store.FindTokens(c.R.Context(), f)
	return &tokens, err
}

type createTokenIn struct {
	Body switchyard.TokenRequest
}

func (s *Server) createToken(c *Call, in *createTokenIn) (*switchyard.IssuedToken, error) {
	it, err := s.Auth.IssueToken(c.R.Context(), c.User(), in.Body)
	if err != nil {
		c.Audit("token/", "name="+switchyard.Truncate(in.Body.Name, 100))
		return nil, err
	}
	c.Audit("token/"+it.Token.ID, "name="+it.Token.Name)
	return it, nil
}

type tokenIDIn struct {
	ID string `path:"id"`
}

// maxTokenID bounds a token ID in a path: longer ones name no token.
const maxTokenID = 64

func (s *Server) revokeToken(c *Call, in *tokenIDIn) (*switchyard.Token, error) {
	if len(in.ID) > maxTokenID {
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "no token has an ID of %d bytes", len(in.ID)).WithReason("token.not_found", nil)
	}
	c.Audit("token/"+in.ID, "")
	t, err := s.Store.FindToken(c.R.Context(), in.ID)
	if err != nil {
		return nil, err
	}
	if t.UserID != c.User().ID && c.User().Role != switchyard.RoleAdmin {
		// Someone else's token: answer as if it did not exist.
		return nil, switchyard.Errorf(switchyard.CodeNotFound, "token %s not found", in.ID).WithReason("token.not_found", nil)
	}
	c.Audit("token/"+in.ID, "name="+t.Name)
	defer s.Auth.Forget()
	return s.Store.RevokeToken(c.R.Context(), in.ID, s.Now())
}

func joinOrNone(parts []string) string {
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}
