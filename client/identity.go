package client

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// LoginToken signs in with a user name and password and returns a new API token.
func (c *Client) LoginToken(ctx context.Context, req switchyard.LoginRequest) (*switchyard.IssuedToken, error) {
	var out switchyard.IssuedToken
	return &out, c.Do(ctx, "POST", "/api/auth/token", req, &out)
}

// Me returns the caller.
func (c *Client) Me(ctx context.Context) (*switchyard.LoginResponse, error) {
	var out switchyard.LoginResponse
	return &out, c.Do(ctx, "GET", "/api/auth/me", nil, &out)
}

// Users lists users (admin).
func (c *Client) Users(ctx context.Context, group string) ([]*switchyard.User, error) {
	var out []*switchyard.User
	return out, c.Do(ctx, "GET", "/api/users"+q("group", group), nil, &out)
}

// CreateUser creates a user (admin).
func (c *Client) CreateUser(ctx context.Context, nu switchyard.NewUser) (*switchyard.User, error) {
	var out switchyard.User
	return &out, c.Do(ctx, "POST", "/api/users", nu, &out)
}

// UpdateUser changes a user (admin).
func (c *Client) UpdateUser(ctx context.Context, name string, upd switchyard.UserUpdate) (*switchyard.User, error) {
	var out switchyard.User
	return &out, c.Do(ctx, "PATCH", "/api/users/"+url.PathEscape(name), upd, &out)
}

// DeleteUser deletes a user (admin); revision 0 skips the check.
func (c *Client) DeleteUser(ctx context.Context, name string, revision int64) error {
	return c.Do(ctx, "DELETE", "/api/users/"+url.PathEscape(name)+q("revision", strconv.FormatInt(revision, 10)), nil, nil)
}

// Groups lists groups.
func (c *Client) Groups(ctx context.Context) ([]*switchyard.Group, error) {
	var out []*switchyard.Group
	return out, c.Do(ctx, "GET", "/api/groups", nil, &out)
}

// CreateGroup creates a group (admin).
func (c *Client) CreateGroup(ctx context.Context, ng switchyard.NewGroup) (*switchyard.Group, error) {
	var out switchyard.Group
	return &out, c.Do(ctx, "POST", "/api/groups", ng, &out)
}

// Tokens lists the caller's tokens, or everyone's with all (admin).
func (c *Client) Tokens(ctx context.Context, all bool) ([]*switchyard.Token, error) {
	var out []*switchyard.Token
	return out, c.Do(ctx, "GET", "/api/tokens"+q("all", strconv.FormatBool(all)), nil, &out)
}

// CreateToken creates an API token; the secret is in the answer only.
func (c *Client) CreateToken(ctx context.Context, req switchyard.TokenRequest) (*switchyard.IssuedToken, error) {
	var out switchyard.IssuedToken
	return &out, c.Do(ctx, "POST", "/api/tokens", req, &out)
}

// RevokeToken revokes a token by ID.
func (c *Client) RevokeToken(ctx context.Context, id string) (*switchyard.Token, error) {
	var out switchyard.Token
	return &out, c.Do(ctx, "DELETE", "/api/tokens/"+url.PathEscape(id), nil, &out)
}

// Audit reads one page of the audit log (admin).
func (c *Client) Audit(ctx context.Context, f switchyard.AuditFilter) (*switchyard.AuditPage, error) {
	var since, until string
	if !f.Since.IsZero() {
		since = f.Since.Format(time.RFC3339)
	}
	if !f.Until.IsZero() {
		until = f.Until.Format(time.RFC3339)
	}
	limit := ""
	if f.Limit > 0 {
		limit = strconv.Itoa(f.Limit)
	}
	var out switchyard.AuditPage
	return &out, c.Do(ctx, "GET", "/api/audit"+q("actor", f.Actor, "action", f.Action, "resource", f.Resource, "outcome", f.Outcome,
		"since", since, "until", until, "before", f.Before, "limit", limit), nil, &out)
}
