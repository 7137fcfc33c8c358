package httpapi

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
)

// nepxionStrategyRoutes are Discovery's /strategy endpoints (链路智能编排),
// published through the release service's one publish path (compare-and-set,
// read back, revert on failure).
func (s *Server) nepxionStrategyRoutes() []*Route {
	var rs []*Route
	keyed := func(method, name, action, summary string, fn func(*Call, *nepxionIn) error) {
		for _, suffix := range []string{"/{group}", "/{group}/{serviceId}"} {
			rt := Route{Method: method, Path: NepxionPrefix + "/strategy/" + name + suffix, Access: Operator, Action: action, Tag: "nepxion", RawResponse: "text/plain", Summary: summary}
			if method == "GET" {
				rt.Access, rt.Action = SignedIn, ""
			} else {
				rt.RawRequest, rt.Authorize = "text/plain", groupParam("group")
			}
			rs = append(rs, Raw(rt, fn))
		}
	}
	keyed("GET", "get-version-release", "", "The stored release as a ConditionStrategy JSON (global key when serviceId is omitted)", s.nxGetRelease)
	keyed("POST", "create-version-release-yaml", "config.put", "Create a version release from a YAML document; answers the full rule", s.nxCreate(false))
	keyed("POST", "create-version-release-json", "config.put", "Create a version release from a JSON document", s.nxCreate(true))
	keyed("POST", "recreate-version-release-yaml", "config.put", "Recreate the release's routes from the stored conditions (YAML ConditionRouteStrategy)", s.nxRecreate(false))
	keyed("POST", "recreate-version-release-json", "config.put", "Recreate from a JSON ConditionRouteStrategy", s.nxRecreate(true))
	keyed("POST", "reset-release", "config.put", "Reset: remove the routes and <strategy>, keep the conditions", s.nxModify(releasedoc.ResetRelease))
	keyed("POST", "clear-release", "config.put", "Clear the release (<strategy> and <strategy-release>)", s.nxModify(releasedoc.ClearRelease))
	post := func(name, summary, in, out string, fn func(*Call, *nepxionIn) error) {
		rs = append(rs, Raw(Route{Method: "POST", Path: NepxionPrefix + "/strategy/" + name, Access: SignedIn, Action: "nepxion.query", Tag: "nepxion",
			RawRequest: in, RawResponse: out, Summary: summary}, fn))
	}
	post("parse-version-release-yaml", "Dry run: the rule a YAML document gives on an empty rule", "text/plain", "text/plain", s.nxParseRelease(false))
	post("parse-version-release-json", "Dry run: the rule a JSON document gives", "application/json", "text/plain", s.nxParseRelease(true))
	post("deparse-version-release-xml", "A rule (XML or JSON) back into a ConditionStrategy JSON", "text/plain", "application/json", convert("application/json", deparseRule))
	post("deparse-version-release-yaml", "A YAML document into a ConditionStrategy JSON", "text/plain", "application/json", convert("application/json", func(text string) ([]byte, error) {
		doc, err := releasedoc.ParseYAML([]byte(text))
		if err != nil {
			return nil, err
		}
		return doc.JSON(), nil
	}))
	rs = append(rs, Raw(Route{Method: "GET", Path: NepxionPrefix + "/strategy/validate-expression", Access: SignedIn, Tag: "nepxion", RawResponse: "text/plain",
		Summary: "Evaluate an expression against values a=1;b=2"}, s.nxValidateExpression))
	return rs
}

// strategyKey is (group, serviceId), or (group, group) without serviceId.
func strategyKey(in *nepxionIn) switchyard.ConfigKey {
	if in.ServiceID == "" {
		return switchyard.ConfigKey{Group: in.Group, DataID: in.Group}
	}
	return switchyard.ConfigKey{Group: in.Group, DataID: in.ServiceID}
}

func parseDoc(text string, json bool) (*releasedoc.Doc, error) {
	if json {
		return releasedoc.ParseJSON([]byte(text))
	}
	return releasedoc.ParseYAML([]byte(text))
}

// publishWith runs the one publish path and answers the full rule text.
// doc reads and parses the request body (nil when the change has none); it
// runs after the group check, so nobody outside the group gets a body parsed.
func (s *Server) publishWith(c *Call, in *nepxionIn, doc func() ([]string, error), next func(base *rule.Rule, instances []rule.Instance) (*rule.Rule, error)) error {
	key := strategyKey(in)
	path := strings.TrimPrefix(c.R.URL.Path, NepxionPrefix)
	c.Audit("config/"+key.String(), path)
	pub, err := s.Releases.Publish(c.R.Context(), c.User(), release.Change{Key: key, Action: "nepxion" + strings.ReplaceAll(path, "/", "."), IfVersion: -1,
		Next: func(base *switchyard.ConfigEntry) (*release.Text, error) {
			var services []string
			if doc != nil {
				var err error
				if services, err = doc(); err != nil {
					return nil, err
				}
			}
			stored, err := release.ParseStored(base)
			if err != nil {
				return nil, err
			}
			instances, err := s.Releases.Instances(c.R.Context(), services)
			if err != nil {
				return nil, err
			}
			r, err := next(stored, instances)
			if err != nil {
				return nil, err
			}
			return &release.Text{Content: string(r.XML()), Format: "xml"}, nil
		}})
	if err != nil {
		return nepxionFail(c, err)
	}
	c.Audit("config/"+key.String(), path+" version="+strconv.FormatInt(pub.Version, 10))
	return writeText(c, pub.XML)
}

func (s *Server) nxCreate(json bool) func(*Call, *nepxionIn) error {
	return func(c *Call, in *nepxionIn) error {
		var doc *releasedoc.Doc
		return s.publishWith(c, in, func() ([]string, error) {
			text, err := readText(c)
			if err != nil {
				return nil, err
			}
			if doc, err = parseDoc(text, json); err != nil {
				return nil, err
			}
			return doc.Service, nil
		}, func(base *rule.Rule, instances []rule.Instance) (*rule.Rule, error) {
			return releasedoc.CreateRelease(base, doc, instances)
		})
	}
}

func (s *Server) nxRecreate(json bool) func(*Call, *nepxionIn) error {
	return func(c *Call, in *nepxionIn) error {
		var doc *releasedoc.RecreateDoc
		return s.publishWith(c, in, func() ([]string, error) {
			text, err := readText(c)
			if err != nil {
				return nil, err
			}
			parse := releasedoc.ParseRecreateYAML
			if json {
				parse = releasedoc.ParseRecreateJSON
			}
			if doc, err = parse([]byte(text)); err != nil {
				return nil, err
			}
			return doc.Service, nil
		}, func(base *rule.Rule, instances []rule.Instance) (*rule.Rule, error) {
			return releasedoc.RecreateRelease(base, doc, instances)
		})
	}
}

func (s *Server) nxModify(change func(*rule.Rule) *rule.Rule) func(*Call, *nepxionIn) error {
	return func(c *Call, in *nepxionIn) error {
		return s.publishWith(c, in, nil, func(base *rule.Rule, _ []rule.Instance) (*rule.Rule, error) { return change(base), nil })
	}
}

func (s *Server) nxGetRelease(c *Call, in *nepxionIn) error {
	r, err := s.Releases.StoredRule(c.R.Context(), strategyKey(in))
	if err != nil {
		return nepxionFail(c, err)
	}
	doc, err := releasedoc.DeparseRelease(r)
	if err != nil {
		return nepxionFail(c, err)
	}
	c.W.Header().Set("Content-Type", "application/json")
	_, err = c.W.Write(doc.JSON())
	return err
}

func (s *Server) nxParseRelease(json bool) func(*Call, *nepxionIn) error {
	return func(c *Call, _ *nepxionIn) error {
		text, err := readText(c)
		if err != nil {
			return nepxionFail(c, err)
		}
		doc, err := parseDoc(text, json)
		if err != nil {
			return nepxionFail(c, err)
		}
		instances, err := s.Releases.Instances(c.R.Context(), doc.Service)
		if err != nil {
			return nepxionFail(c, err)
		}
		r, err := releasedoc.ParseRelease(doc, instances)
		if err != nil {
			return nepxionFail(c, err)
		}
		return writeText(c, string(r.XML()))
	}
}

// deparseRule turns rule text into the release document it holds.
func deparseRule(text string) ([]byte, error) {
	r, err := rule.Parse([]byte(text))
	if err != nil {
		return nil, err
	}
	doc, err := releasedoc.DeparseRelease(r)
	if err != nil {
		return nil, err
	}
	return doc.JSON(), nil
}

type expressionIn struct {
	Expression string `query:"expression"`
	Validation string `query:"validation" doc:"values written a=1;b=2"`
}

func (s *Server) nxValidateExpression(c *Call, in *expressionIn) error {
	ok, err := releasedoc.ValidateExpression(in.Expression, in.Validation)
	if err != nil {
		return nepxionFail(c, err)
	}
	return writeText(c, map[bool]string{true: "true", false: "false"}[ok])
}
