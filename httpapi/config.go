package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
)

// configRoutes are the built-in config center: rule text by (group, dataId).
func (s *Server) configRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "GET", Path: "/api/config/{group}/{dataId}", Access: SignedIn, Tag: "config",
			Summary: "The current config of a key (version 0 when never written)"}, s.getConfig),
		Op(Route{Method: "PUT", Path: "/api/config/{group}/{dataId}", Access: Operator, Action: "config.put", Tag: "config",
			Summary: "Write a config as its next version (operators of the group, admins)"}, s.putConfig),
		Op(Route{Method: "DELETE", Path: "/api/config/{group}/{dataId}", Access: Operator, Action: "config.delete", Tag: "config",
			Summary: "Remove a config (recorded as a new, deleted version)"}, s.deleteConfig),
		Op(Route{Method: "GET", Path: "/api/config/{group}/{dataId}/history", Access: SignedIn, Tag: "config",
			Summary: "Every version of a config, newest first, with who and when"}, s.configHistory),
		Raw(Route{Method: "GET", Path: "/api/config/{group}/{dataId}/watch", Access: SignedIn, Tag: "config", RawResponse: "application/json",
			Summary: "Long-poll: answers with the config as soon as its version differs from version= (304 after timeout=)"}, s.watchConfig),
	}
}

type configKeyIn struct {
	Group  string `path:"group"`
	DataID string `path:"dataId"`
}

func (in configKeyIn) key() switchyard.ConfigKey {
	return switchyard.ConfigKey{Group: in.Group, DataID: in.DataID}
}

// mayWriteGroup refuses writes to a group the caller does not belong to.
func mayWriteGroup(c *Call, group string) error {
	if !c.User().MayOperate(group) {
		return switchyard.Errorf(switchyard.CodeForbidden, "you are not a member of group %q; only its members and admins may change it", group).
			WithReason("auth.group", map[string]string{"group": group})
	}
	return nil
}

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
	c.Audit("config/"+in.key().String(), "")
	if err := mayWriteGroup(c, in.Group); err != nil {
		return nil, err
	}
	ifVersion := int64(-1)
	if in.Body.IfVersion != nil {
		ifVersion = *in.Body.IfVersion
	}
	e, err := s.Config.Put(c.R.Context(), in.key(), in.Body.Content, in.Body.Format, c.User().Name, ifVersion)
	if err == nil {
		c.Audit("config/"+in.key().String(), "version="+itoa(int(e.Version)))
	}
	return e, err
}

func (s *Server) deleteConfig(c *Call, in *configKeyIn) (*switchyard.ConfigEntry, error) {
	c.Audit("config/"+in.key().String(), "")
	if err := mayWriteGroup(c, in.Group); err != nil {
		return nil, err
	}
	return s.Config.Delete(c.R.Context(), in.key(), c.User().Name)
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

func (s *Server) watchConfig(c *Call, in *watchConfigIn) error {
	timeout, err := pollTimeout(in.Timeout)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.R.Context(), timeout)
	defer cancel()
	ch, err := s.Config.Watch(ctx, in.key())
	if err != nil {
		return err
	}
	for e := range ch {
		if e.Version != in.Version {
			writeJSON(c.W, http.StatusOK, e)
			return nil
		}
	}
	c.W.WriteHeader(http.StatusNotModified)
	return nil
}

// pollTimeout parses a long-poll timeout: default 30s, at most 60s.
func pollTimeout(raw string) (time.Duration, error) {
	if raw == "" {
		return 30 * time.Second, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 || d > time.Minute {
		return 0, switchyard.FieldErrorf("timeout", "param.invalid", "timeout %q must be a duration up to 60s", raw)
	}
	return d, nil
}
