package client

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

func releasePath(name string) string { return "/api/releases/" + url.PathEscape(name) }

// Releases lists releases ("" = every group).
func (c *Client) Releases(ctx context.Context, group string) ([]*switchyard.ReleaseView, error) {
	var out []*switchyard.ReleaseView
	return out, c.Do(ctx, "GET", "/api/releases"+q("group", group), nil, &out)
}

// ReleaseTable is one page of the release table; query holds its filters
// and paging (group, types, states, q, offset, limit).
func (c *Client) ReleaseTable(ctx context.Context, query url.Values) (*switchyard.ReleaseTable, error) {
	var out switchyard.ReleaseTable
	path := "/api/release-table"
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	return &out, c.Do(ctx, "GET", path, nil, &out)
}

// CreateRelease creates a release.
func (c *Client) CreateRelease(ctx context.Context, nr switchyard.NewRelease) (*switchyard.Release, error) {
	var out switchyard.Release
	return &out, c.Do(ctx, "POST", "/api/releases", nr, &out)
}

// Release returns a release with its lock.
func (c *Client) Release(ctx context.Context, name string) (*switchyard.ReleaseView, error) {
	var out switchyard.ReleaseView
	return &out, c.Do(ctx, "GET", releasePath(name), nil, &out)
}

// UpdateRelease saves a release's form.
func (c *Client) UpdateRelease(ctx context.Context, name string, upd switchyard.ReleaseUpdate) (*switchyard.Release, error) {
	var out switchyard.Release
	return &out, c.Do(ctx, "PATCH", releasePath(name), upd, &out)
}

// DeleteRelease deletes a release (revision 0 skips the check).
func (c *Client) DeleteRelease(ctx context.Context, name string, revision int64) error {
	return c.Do(ctx, "DELETE", releasePath(name)+q("revision", strconv.FormatInt(revision, 10)), nil, nil)
}

// PreviewRelease works out what an operation would publish.
func (c *Client) PreviewRelease(ctx context.Context, name string, req switchyard.OperationRequest) (*switchyard.Preview, error) {
	var out switchyard.Preview
	return &out, c.Do(ctx, "POST", releasePath(name)+"/preview", req, &out)
}

// Operate executes an operation.
func (c *Client) Operate(ctx context.Context, name string, req switchyard.OperationRequest) (*switchyard.OperationResult, error) {
	var out switchyard.OperationResult
	return &out, c.Do(ctx, "POST", releasePath(name)+"/operations", req, &out)
}

// ReleaseHistory lists a release's operations.
func (c *Client) ReleaseHistory(ctx context.Context, name string) ([]*switchyard.ReleaseHistory, error) {
	var out []*switchyard.ReleaseHistory
	return out, c.Do(ctx, "GET", releasePath(name)+"/history", nil, &out)
}

// ReleaseRule returns the rule in effect for a release.
func (c *Client) ReleaseRule(ctx context.Context, name string) (*switchyard.RuleView, error) {
	var out switchyard.RuleView
	return &out, c.Do(ctx, "GET", releasePath(name)+"/rule", nil, &out)
}

// LockRelease takes or renews the operating lock.
func (c *Client) LockRelease(ctx context.Context, name string) (*switchyard.ReleaseLock, error) {
	var out switchyard.ReleaseLock
	return &out, c.Do(ctx, "POST", releasePath(name)+"/lock", nil, &out)
}

// UnlockRelease gives the lock up.
func (c *Client) UnlockRelease(ctx context.Context, name string) error {
	return c.Do(ctx, "DELETE", releasePath(name)+"/lock", nil, nil)
}

// BreakReleaseLock breaks anyone's lock (admins).
func (c *Client) BreakReleaseLock(ctx context.Context, name string) (*switchyard.ReleaseLock, error) {
	var out switchyard.ReleaseLock
	return &out, c.Do(ctx, "POST", releasePath(name)+"/lock/break", nil, &out)
}

// Versions lists the online versions of services.
func (c *Client) Versions(ctx context.Context, services []string, sort string) ([]switchyard.ServiceVersions, error) {
	var out []switchyard.ServiceVersions
	return out, c.Do(ctx, "GET", "/api/registry/versions"+q("services", strings.Join(services, ","), "sort", sort), nil, &out)
}
