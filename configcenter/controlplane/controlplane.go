// Package controlplane is the data plane's config center: the switchyard
// control plane's built-in config center reached over its HTTP API, with
// long-poll watches (one request in flight per watched key, answered the
// moment the key changes).
package controlplane

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// ConfigCenter implements switchyard.ConfigCenter over the API.
type ConfigCenter struct {
	c      *client.Client
	Logger *slog.Logger
	// PollTimeout is how long the server holds a watch request.
	PollTimeout time.Duration
}

var _ switchyard.ConfigCenter = (*ConfigCenter)(nil)

// New returns a config center client of the control plane at baseURL,
// authenticating with an API token (role agent for the data plane).
func New(baseURL, token string, logger *slog.Logger) *ConfigCenter {
	if logger == nil {
		logger = slog.Default()
	}
	c := client.New(baseURL, token)
	c.HTTP = &http.Client{Timeout: 0} // watches outlive any fixed timeout; calls carry contexts
	return &ConfigCenter{c: c, Logger: logger, PollTimeout: 30 * time.Second}
}

func path(key switchyard.ConfigKey) string {
	return "/api/config/" + url.PathEscape(key.Group) + "/" + url.PathEscape(key.DataID)
}

// Get implements switchyard.ConfigCenter.
func (cc *ConfigCenter) Get(ctx context.Context, key switchyard.ConfigKey) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var e switchyard.ConfigEntry
	return &e, cc.c.Do(ctx, "GET", path(key), nil, &e)
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
	return &e, cc.c.Do(ctx, "PUT", path(key), body, &e)
}

// Delete implements switchyard.ConfigCenter.
func (cc *ConfigCenter) Delete(ctx context.Context, key switchyard.ConfigKey, _ string) (*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	var e switchyard.ConfigEntry
	return &e, cc.c.Do(ctx, "DELETE", path(key), nil, &e)
}

// History implements switchyard.ConfigCenter.
func (cc *ConfigCenter) History(ctx context.Context, key switchyard.ConfigKey, limit int) ([]*switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	var out []*switchyard.ConfigEntry
	return out, cc.c.Do(ctx, "GET", path(key)+"/history?limit="+strconv.Itoa(limit), nil, &out)
}

// Watch implements switchyard.ConfigCenter: the current entry first, then
// each change. Errors (the control plane down, a restart) are retried with
// backoff; the watch ends only with ctx.
func (cc *ConfigCenter) Watch(ctx context.Context, key switchyard.ConfigKey) (<-chan *switchyard.ConfigEntry, error) {
	if err := key.Validate(); err != nil {
		return nil, err
	}
	ch := make(chan *switchyard.ConfigEntry, 1)
	go func() {
		defer close(ch)
		var version int64 = -1
		backoff := newBackoff()
		for ctx.Err() == nil {
			e, err := cc.poll(ctx, key, version)
			switch {
			case err != nil:
				if ctx.Err() == nil {
					cc.Logger.WarnContext(ctx, "config watch", "key", key.String(), "err", err)
					backoff.wait(ctx)
				}
			case e != nil:
				backoff.reset()
				version = e.Version
				offer(ch, e)
			default:
				backoff.reset()
			}
		}
	}()
	return ch, nil
}

// poll makes one long-poll request; nil, nil means nothing changed.
func (cc *ConfigCenter) poll(ctx context.Context, key switchyard.ConfigKey, version int64) (*switchyard.ConfigEntry, error) {
	rctx, cancel := context.WithTimeout(ctx, cc.PollTimeout+10*time.Second)
	defer cancel()
	var e switchyard.ConfigEntry
	p := path(key) + "/watch?version=" + strconv.FormatInt(version, 10) + "&timeout=" + cc.PollTimeout.String()
	err := cc.c.Do(rctx, "GET", p, nil, &e)
	if errors.Is(err, client.ErrNotModified) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// offer replaces an unread entry with the newer e.
func offer(ch chan *switchyard.ConfigEntry, e *switchyard.ConfigEntry) {
	select {
	case ch <- e:
	default:
		select {
		case <-ch:
		default:
		}
		ch <- e
	}
}
