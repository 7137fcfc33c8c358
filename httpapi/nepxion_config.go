package httpapi

import (
	"slices"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/rule"
)

var nepxionFormats = []string{"xml", "json", "yaml", "properties", "html", "text"}

func (s *Server) nepxionConfigRoutes() []*Route {
	write := func(method, path, action, summary string, fn func(*Call, *nepxionIn) error) *Route {
		return Raw(Route{Method: method, Path: NepxionPrefix + path, Access: Operator, Action: action, Tag: "nepxion", RawRequest: "text/plain", RawResponse: "text/plain", Summary: summary,
			Authorize: groupParam("group")}, fn)
	}
	read := func(method, path, summary string, fn func(*Call, *nepxionIn) error) *Route {
		rt := Route{Method: method, Path: NepxionPrefix + path, Access: SignedIn, Tag: "nepxion", RawResponse: "text/plain", Summary: summary}
		if method == "POST" {
			rt.Action, rt.RawRequest = "nepxion.query", "text/plain"
		}
		return Raw(rt, fn)
	}
	return []*Route{
		read("GET", "/config/config-type", "Config center type (Nepxion /config/config-type)", func(c *Call, _ *nepxionIn) error { return writeText(c, discoveryType) }),
		write("POST", "/config/remote/update/{group}/{serviceId}", "config.put", "Store rule text at (group, serviceId); for the global key pass serviceId = group", s.nxUpdate),
		write("POST", "/config/remote/update/{group}/{serviceId}/{formatType}", "config.put", "Store rule text with a format type (xml, json, yaml, properties, html, text)", s.nxUpdate),
		write("POST", "/config/remote/update-rule-entity/{group}/{serviceId}", "config.put", "Store a RuleEntity JSON as rule XML", s.nxUpdateRuleEntity),
		write("POST", "/config/remote/clear/{group}/{serviceId}", "config.delete", "Remove the rule at (group, serviceId)", s.nxClear),
		read("GET", "/config/remote/view/{group}/{serviceId}", "The stored rule text (empty when none)", s.nxView),
		read("GET", "/config/remote/view-rule-entity/{group}/{serviceId}", "The stored rule as RuleEntity JSON", s.nxViewRuleEntity),
		read("POST", "/config/parse", "Parse rule text (XML or JSON) into RuleEntity JSON", convert("application/json", func(text string) ([]byte, error) {
			r, err := rule.Parse([]byte(text))
			if err != nil {
				return nil, err
			}
			return r.JSON(), nil
		})),
		read("POST", "/config/deparse", "Write a RuleEntity JSON as rule XML", convert("text/plain; charset=utf-8", func(text string) ([]byte, error) {
			r, err := rule.ParseJSON([]byte(text))
			if err != nil {
				return nil, err
			}
			return r.XML(), nil
		})),
	}
}

func nxKey(in *nepxionIn) switchyard.ConfigKey {
	return switchyard.ConfigKey{Group: in.Group, DataID: in.ServiceID}
}

func (s *Server) nxUpdate(c *Call, in *nepxionIn) error {
	format := ""
	if in.FormatType != "" {
		format = strings.ToLower(in.FormatType)
		if !slices.Contains(nepxionFormats, format) {
			return nepxionFail(c, switchyard.Errorf(switchyard.CodeInvalid, "No matched type with value=%s", in.FormatType))
		}
	}
	return s.nxPublish(c, nxKey(in), "config.put", func(*switchyard.ConfigEntry) (*release.Text, error) {
		text, err := readText(c)
		if err != nil {
			return nil, err
		}
		return &release.Text{Content: text, Format: format}, nil
	})
}

func (s *Server) nxUpdateRuleEntity(c *Call, in *nepxionIn) error {
	return s.nxPublish(c, nxKey(in), "config.put", func(*switchyard.ConfigEntry) (*release.Text, error) {
		text, err := readText(c)
		if err != nil {
			return nil, err
		}
		r, err := rule.ParseJSON([]byte(text))
		if err != nil {
			return nil, err
		}
		return &release.Text{Content: string(r.XML()), Format: "xml"}, nil
	})
}

func (s *Server) nxClear(c *Call, in *nepxionIn) error {
	return s.nxPublish(c, nxKey(in), "config.delete", func(*switchyard.ConfigEntry) (*release.Text, error) {
		return &release.Text{Delete: true}, nil
	})
}

// nxPublish runs a Nepxion config write through the one publish path
// (the group is checked before next reads the body) and answers "true".
func (s *Server) nxPublish(c *Call, key switchyard.ConfigKey, action string, next func(*switchyard.ConfigEntry) (*release.Text, error)) error {
	c.Audit("config/"+key.String(), "")
	p, err := s.Releases.Publish(c.R.Context(), c.User(), release.Change{Key: key, Action: action, IfVersion: -1, Next: next})
	if err != nil {
		return nepxionFail(c, err)
	}
	c.Audit("config/"+key.String(), "version="+strconv.FormatInt(p.Version, 10))
	return writeText(c, "true")
}

func (s *Server) nxView(c *Call, in *nepxionIn) error {
	e, err := s.Config.Get(c.R.Context(), nxKey(in))
	if err != nil {
		return nepxionFail(c, err)
	}
	return writeText(c, e.Content)
}

func (s *Server) nxViewRuleEntity(c *Call, in *nepxionIn) error {
	e, err := s.Config.Get(c.R.Context(), nxKey(in))
	if err != nil {
		return nepxionFail(c, err)
	}
	r := &rule.Rule{}
	if strings.TrimSpace(e.Content) != "" {
		if r, err = rule.Parse([]byte(e.Content)); err != nil {
			return nepxionFail(c, err)
		}
	}
	c.W.Header().Set("Content-Type", "application/json")
	_, err = c.W.Write(r.JSON())
	return err
}
