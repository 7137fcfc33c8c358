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

// ChangePassword changes the caller's password; the server ends their other
// sessions, and with pc.RevokeTokens their other tokens.
func (c *Client) ChangePassword(ctx context.Context, pc switchyard.PasswordChange) error {
	return c.Do(ctx, "PUT", "/api/auth/password", pc, nil)
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

// Config returns the current config of a key.
func (c *Client) Config(ctx context.Context, group, dataID string) (*switchyard.ConfigEntry, error) {
	var out switchyard.ConfigEntry
	return &out, c.Do(ctx, "GET", "/api/config/"+url.PathEscape(group)+"/"+url.PathEscape(dataID), nil, &out)
}

// PutConfig writes a config; ifVersion < 0 writes unconditionally.
func (c *Client) PutConfig(ctx context.Context, group, dataID, content, format string, ifVersion int64) (*switchyard.ConfigEntry, error) {
	body := map[string]any{"content": content, "format": format}
	if ifVersion >= 0 {
		body["ifVersion"] = ifVersion
	}
	var out switchyard.ConfigEntry
	return &out, c.Do(ctx, "PUT", "/api/config/"+url.PathEscape(group)+"/"+url.PathEscape(dataID), body, &out)
}

// DeleteConfig removes a config.
func (c *Client) DeleteConfig(ctx context.Context, group, dataID string) (*switchyard.ConfigEntry, error) {
	var out switchyard.ConfigEntry
	return &out, c.Do(ctx, "DELETE", "/api/config/"+url.PathEscape(group)+"/"+url.PathEscape(dataID), nil, &out)
}

// ConfigHistory lists a config's versions, newest first.
func (c *Client) ConfigHistory(ctx context.Context, group, dataID string, limit int) ([]*switchyard.ConfigEntry, error) {
	var out []*switchyard.ConfigEntry
	return out, c.Do(ctx, "GET", "/api/config/"+url.PathEscape(group)+"/"+url.PathEscape(dataID)+"/history"+q("limit", strconv.Itoa(limit)), nil, &out)
}

// Instances lists registered instances, by service and group ("" = all).
func (c *Client) Instances(ctx context.Context, service, group string) ([]*switchyard.Instance, error) {
	var out []*switchyard.Instance
	return out, c.Do(ctx, "GET", "/api/registry/instances"+q("service", service, "group", group), nil, &out)
}

// RegistryGroups lists the groups instances registered with.
func (c *Client) RegistryGroups(ctx context.Context) ([]string, error) {
	var out []string
	return out, c.Do(ctx, "GET", "/api/registry/groups", nil, &out)
}

// ServiceMetrics returns a service's traffic by version over window.
func (c *Client) ServiceMetrics(ctx context.Context, service, window string) (*switchyard.ServiceMetrics, error) {
	var out switchyard.ServiceMetrics
	return &out, c.Do(ctx, "GET", "/api/metrics/services/"+url.PathEscape(service)+q("window", window), nil, &out)
}
