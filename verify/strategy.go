package verify

import (
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
)

// Header is one header an inspection sends.
type Header struct{ Name, Value string }

// InspectStrategy is mock-inspector.yaml: the services the inspection
// passes through and the headers it sends. DiscoveryTool reads it as a
// ConditionStrategy; so does this (rule/releasedoc, within its budgets), and
// refuses what an inspection would silently ignore (conditions, an empty
// service list).
type InspectStrategy struct {
	Services []string
	Header   []Header
}

// HeaderMap returns the headers as a map.
func (s *InspectStrategy) HeaderMap() map[string]string {
	m := make(map[string]string, len(s.Header))
	for _, h := range s.Header {
		m[h.Name] = h.Value
	}
	return m
}

// ParseInspectStrategy reads the inspector strategy (YAML). Errors name the
// field under "strategy".
func ParseInspectStrategy(text string) (*InspectStrategy, error) {
	doc, err := releasedoc.ParseYAML([]byte(text))
	if err != nil {
		return nil, inDoc("strategy", err)
	}
	if len(doc.BlueGreen) > 0 || len(doc.Gray) > 0 {
		field := "strategy.blueGreen"
		if len(doc.BlueGreen) == 0 {
			field = "strategy.gray"
		}
		return nil, invalid(field, "verify.strategy.conditions", "%s: an inspection sends headers and asserts nothing; blue-green and gray conditions belong to a release (or to a simulation)", field)
	}
	if err := checkServices("strategy.service", doc.Service); err != nil {
		return nil, err
	}
	s := &InspectStrategy{Services: doc.Service}
	if doc.Header != nil {
		if len(doc.Header.Entries) > maxHeaders {
			return nil, refuse("strategy.header", rule.ReasonMembers, maxHeaders, "strategy.header has %d headers", len(doc.Header.Entries))
		}
		for _, e := range doc.Header.Entries {
			if err := checkHeader("strategy.header."+e.Name, e.Name, e.Value); err != nil {
				return nil, err
			}
			s.Header = append(s.Header, Header{Name: e.Name, Value: e.Value})
		}
	}
	return s, nil
}

// SimulationDocs are the simulator's three release strategies: the basic
// one is created in phase 2 and recreated in phase 5, release-1 created in
// phase 3 (its conditions are what phases 3 and 6 assert), release-2
// recreated in phase 6.
type SimulationDocs struct {
	Basic         *releasedoc.Doc
	BasicRecreate *releasedoc.RecreateDoc
	Release1      *releasedoc.Doc
	Release2      *releasedoc.RecreateDoc
}

// ParseSimulationDocs reads the three documents (YAML) and checks them with
// the release console's rules (app is the entry app, which the service
// lists must not contain) and DiscoveryTool's: the basic document must also
// read as a recreate document; release-1 lists the services the samples
// pass through; with both blue-green and gray, no gray condition may be
// expression-less (蓝绿灰度混合发布模式下，灰度兜底策略不允许配置).
func ParseSimulationDocs(basic, release1, release2, app string) (*SimulationDocs, error) {
	d := &SimulationDocs{}
	var err error
	if d.Basic, err = releasedoc.ParseYAML([]byte(basic)); err != nil {
		return nil, inDoc("basic", err)
	}
	if d.BasicRecreate, err = releasedoc.ParseRecreateYAML([]byte(basic)); err != nil {
		return nil, inDoc("basic", err)
	}
	if d.Release1, err = releasedoc.ParseYAML([]byte(release1)); err != nil {
		return nil, inDoc("release1", err)
	}
	if d.Release2, err = releasedoc.ParseRecreateYAML([]byte(release2)); err != nil {
		return nil, inDoc("release2", err)
	}
	for _, x := range []struct {
		name string
		doc  *releasedoc.Doc
	}{{"basic", d.Basic}, {"release1", d.Release1}} {
		x.doc.Normalize()
		if err := x.doc.ValidateConsole(app).Err(); err != nil {
			return nil, inDoc(x.name, err)
		}
	}
	if err := checkServices("release2.service", d.Release2.Service); err != nil {
		return nil, err
	}
	if err := checkServices("release1.service", d.Release1.Service); err != nil {
		return nil, err
	}
	if len(d.Release1.BlueGreen) > 0 && len(d.Release1.Gray) > 0 {
		for i, g := range d.Release1.Gray {
			if strings.TrimSpace(g.Expression) == "" {
				return nil, invalid(fieldf("release1.gray[%d].expression", i), "verify.mixed.basic", "蓝绿灰度混合发布模式下，灰度兜底策略不允许配置 (release1.gray[%d] has no expression: with blue-green conditions, a gray basic condition is not allowed)", i)
			}
		}
	}
	return d, nil
}

// checkServices refuses an empty list and ids that are not service ids.
func checkServices(field string, services []string) error {
	if len(services) == 0 {
		return invalid(field, "verify.service.empty", "%s must list at least one service (初始化失败，服务列表为空)", field)
	}
	if len(services) > maxHops {
		return refuse(field, rule.ReasonMembers, maxHops, "%s lists %d services", field, len(services))
	}
	for i, s := range services {
		if s == "" {
			return invalid(fieldf("%s[%d]", field, i), "verify.service.invalid", "%s[%d] must not be empty", field, i)
		}
		if err := checkServiceID(fieldf("%s[%d]", field, i), s); err != nil {
			return err
		}
	}
	return nil
}

// checkHeader refuses a header the HTTP client could not send or that is
// the transport's own.
func checkHeader(field, name, value string) error {
	if name == "" || len(name) > 256 {
		return invalid(field, "verify.header.name", "%s: header names must be 1 to 256 characters", field)
	}
	for _, c := range name {
		if c > 126 || c <= ' ' || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", c) {
			return invalid(field, "verify.header.name", "%s: %q is not a valid HTTP header name", field, switchyard.Truncate(name, 40))
		}
	}
	switch strings.ToLower(name) {
	case "host", "content-length", "content-type", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "proxy-connection":
		return invalid(field, "verify.header.reserved", "%s: the %s header belongs to the HTTP transport and cannot be sent", field, name)
	}
	if len(value) > headerBytes {
		return refuse(field, rule.ReasonString, headerBytes, "%s is %d bytes long", field, len(value))
	}
	for _, c := range value {
		if c < ' ' && c != '\t' || c == 0x7f {
			return invalid(field, "verify.header.value", "%s: header values must not contain control characters", field)
		}
	}
	return nil
}

// inDoc locates an error of a document under its name (release1.gray[0]…).
func inDoc(doc string, err error) error {
	e := switchyard.AsError(err)
	if e == nil {
		return invalid(doc, "verify.document.invalid", "%s: %v", doc, err)
	}
	out := *e
	out.Err = err
	if out.Field != "" {
		out.Field = doc + "." + out.Field
	} else {
		out.Field = doc
	}
	out.Message = doc + ": " + e.Message
	if out.Code == "" || out.Code == switchyard.CodeInternal {
		out.Code = switchyard.CodeInvalid
	}
	return &out
}
