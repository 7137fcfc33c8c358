package httpapi

import (
	"context"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
	"github.com/switchyard-io/switchyard/release"
)

// configRoutes are the built-in config center: rule text by (group, dataId).
func (s *Server) configRoutes() []*Route {
	// The long-polls of a key share one watch of the config center, so the
	// fleet polling again after a publish costs no read per watcher.
	watches := watch.NewShared(entryVersion, func(ctx context.Context, key switchyard.ConfigKey) (<-chan *switchyard.ConfigEntry, error) {
		return s.Config.Watch(ctx, key)
	})
	return []*Route{
		Op(Route{Method: "GET", Path: "/api/config/{group}/{dataId}", Access: SignedIn, Tag: "config",
			Summary: "The current config of a key (version 0 when never written)"}, s.getConfig),
		Op(Route{Method: "PUT", Path: "/api/config/{group}/{dataId}", Access: Operator, Action: "config.put", Tag: "config", Authorize: groupParam("group"),
			Summary: "Write a config as its next version (operators of the group, admins)"}, s.putConfig),
		Op(Route{Method: "DELETE", Path: "/api/config/{group}/{dataId}", Access: Operator, Action: "config.delete", Tag: "config", Authorize: groupParam("group"),
			Summary: "Remove a config (recorded as a new, deleted version)"}, s.deleteConfig),
		Op(Route{Method: "GET", Path: "/api/config/{group}/{dataId}/history", Access: SignedIn, Tag: "config",
			Summary: "Every version of a config, newest first, with who and when"}, s.configHistory),
		Raw(Route{Method: "GET", Path: "/api/config/{group}/{dataId}/watch", Access: SignedIn, Tag: "config", RawResponse: "application/json", Quiet: true,
			Summary: "Long-poll: answers with the config as soon as its version differs from version= (304 after timeout=)"},
			func(c *Call, in *watchConfigIn) error { return watchConfig(c, in, watches) }),
	}
}

type configKeyIn struct {
	Group  string `path:"group"`
	DataID string `path:"dataId"`
}

func (in configKeyIn) key() switchyard.ConfigKey {
	return switchyard.ConfigKey{Group: in.Group, DataID: in.DataID}
}

// mayWriteGroup refuses writes to a group the caller does not belong to
// (the release service's one authorizer).
func mayWriteGroup(c *Call, group string) error { return release.Authorize(c.User(), group) }

func (s *Server) getConfig(c *Call, in *configKeyIn) (*switchyard.ConfigEntry, error) {
	return s.Config.Get(c.R.Context(), in.key())
}

// ConfigWrite is the body of PUT /api/config/{group}/{dataId}.
type ConfigWrite struct {
	Content   string `json:"content"`
	Format    string `json:"format,omitempty" enum:"xml,json,yaml,properties,html,text" doc:"default text"`
	IfVersion *int64 `json:"ifVersion,omitempty" doc:"write only if the current version is this (0 = never written)"`
}

type putConfigIn struct {
	configKeyIn
	Body ConfigWrite
}

func (s *Server) putConfig(c *Call, in *putConfigIn) (*switchyard.ConfigEntry, error) {
	ifVersion := int64(-1)
	if in.Body.IfVersion != nil {
		ifVersion = *in.Body.IfVersion
	}
	return s.publishConfig(c, release.Change{Key: in.key(), Action: "config.put", IfVersion: ifVersion,
		Next: func(*switchyard.ConfigEntry) (*release.Text, error) {
			return &release.Text{Content: in.Body.Content, Format: in.Body.Format}, nil
		}})
}

type deleteConfigIn struct {
	configKeyIn
	IfVersion *int64 `query:"ifVersion" doc:"remove only if the current version is this"`
}

func (s *Server) deleteConfig(c *Call, in *deleteConfigIn) (*switchyard.ConfigEntry, error) {
	ifVersion := int64(-1)
	if in.IfVersion != nil {
		ifVersion = *in.IfVersion
	}
	return s.publishConfig(c, release.Change{Key: in.key(), Action: "config.delete", IfVersion: ifVersion,
		Next: func(*switchyard.ConfigEntry) (*release.Text, error) { return &release.Text{Delete: true}, nil }})
}

// publishConfig runs a config write through the one publish path and
// answers the entry written.
func (s *Server) publishConfig(c *Call, ch release.Change) (*switchyard.ConfigEntry, error) {
	c.Audit("config/"+ch.Key.String(), "")
	p, err := s.Releases.Publish(c.R.Context(), c.User(), ch)
	if err != nil {
		return nil, err
	}
	c.Audit("config/"+ch.Key.String(), "version="+strconv.FormatInt(p.Version, 10))
	return p.Entry, nil
}

type historyIn struct {
	configKeyIn
	Limit int `query:"limit" doc:"1-1000, default 100"`
}

func (s *Server) configHistory(c *Call, in *historyIn) (*[]*switchyard.ConfigEntry, error) {
	h, err := s.Config.History(c.R.Context(), in.key(), in.Limit)
	return &h, err
}

type watchConfigIn struct {
	configKeyIn
	Version int64  `query:"version" doc:"the version the caller has"`
	Timeout string `query:"timeout" doc:"how long to wait, e.g. 30s (at most 60s)"`
}

func entryVersion(e *switchyard.ConfigEntry) int64 { return e.Version }

func watchConfig(c *Call, in *watchConfigIn, watches *watch.Shared[switchyard.ConfigKey, *switchyard.ConfigEntry]) error {
	key := in.key()
	if err := key.Validate(); err != nil {
		return err
	}
	return watch.LongPoll[*switchyard.ConfigEntry]{Have: in.Version, Timeout: in.Timeout, Write: writeJSON, Version: entryVersion,
		Watch: func(ctx context.Context) (<-chan *switchyard.ConfigEntry, error) { return watches.Subscribe(ctx, key) },
	}.Serve(c.R.Context(), c.W)
}
