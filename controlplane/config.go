package controlplane

import (
	"context"
	"net/url"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
)

func configPath(key switchyard.ConfigKey) string {
	return "/api/config/" + url.PathEscape(key.Group) + "/" + url.PathEscape(key.DataID)
}

// Get implements switchyard.ConfigCenter.
func (cc *ConfigCenter) Get(ctx context.Context, key switchyard.ConfigKey) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	var e switchyard.ConfigEntry
	return &e, cc.c.call(ctx, "GET", configPath(key), nil, &e)
}

// Put implements switchyard.ConfigCenter. by is ignored: the server records
// the token's user.
func (cc *ConfigCenter) Put(ctx context.Context, key switchyard.ConfigKey, content, format, _ string, ifVersion int64) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	body := map[string]any{"content": content, "format": format}
	if ifVersion >= 0 {
		body["ifVersion"] = ifVersion
	}
	var e switchyard.ConfigEntry
	return &e, cc.c.call(ctx, "PUT", configPath(key), body, &e)
}

// Delete implements switchyard.ConfigCenter.
func (cc *ConfigCenter) Delete(ctx context.Context, key switchyard.ConfigKey, _ string, ifVersion int64) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	p := configPath(key)
	if ifVersion >= 0 {
		p += "?ifVersion=" + strconv.FormatInt(ifVersion, 10)
	}
	var e switchyard.ConfigEntry
	return &e, cc.c.call(ctx, "DELETE", p, nil, &e)
}

// History implements switchyard.ConfigCenter.
func (cc *ConfigCenter) History(ctx context.Context, key switchyard.ConfigKey, limit int) ([]*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	var out []*switchyard.ConfigEntry
	return out, cc.c.call(ctx, "GET", configPath(key)+"/history?limit="+strconv.Itoa(limit), nil, &out)
}

// Watch implements switchyard.ConfigCenter: the current entry first, then
// each change. Errors (the control plane down, a restart) are retried with
// backoff; the watch ends only with ctx.
func (cc *ConfigCenter) Watch(ctx context.Context, key switchyard.ConfigKey) (<-chan *switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	fetch := func(ctx context.Context, have int64) (*switchyard.ConfigEntry, bool, error) {
		return longPoll[*switchyard.ConfigEntry](ctx, cc.c, configPath(key)+"/watch?version="+strconv.FormatInt(have, 10))
	}
	version := func(e *switchyard.ConfigEntry) int64 { return e.Version }
	return watch.Poll(ctx, fetch, version, cc.c.watchFailed(ctx, "config watch", "key", key.String())), nil
}
