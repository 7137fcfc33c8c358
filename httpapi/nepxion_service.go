package httpapi

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// discoveryType is what /service/discovery-type and /config/config-type
// answer for the built-in registry and config center.
const discoveryType = "Switchyard"

// Limits of the query bodies (docs/security.md lists them): each entry of a
// list costs a registry lookup, each metadata key and separator a copy per
// instance.
const (
	maxQueryList = 1000 // entries of a JSON list body: service ids, groups, types
	maxQueryKeys = 64   // metadata keys of one metadata-map query
	maxSeparate  = 32   // bytes of a metadata-map query's separator
)

// checkList refuses a query list longer than maxQueryList.
func checkList(what string, n, limit int) error {
	if n > limit {
		return switchyard.Errorf(switchyard.CodeInvalid, "the request lists %d %s; at most %d are allowed", n, what, limit).
			WithReason("param.range", map[string]string{"limit": strconv.Itoa(limit)})
	}
	return nil
}

func (s *Server) nepxionServiceRoutes() []*Route {
	get := func(path, summary string, fn func(*Call, *nepxionIn) error) *Route {
		return Raw(Route{Method: "GET", Path: NepxionPrefix + path, Access: SignedIn, Tag: "nepxion", RawResponse: "application/json", Summary: summary}, fn)
	}
	post := func(path, summary string, fn func(*Call, *nepxionIn) error) *Route {
		// Queries with a JSON body: reads, not writes, so nothing to audit —
		// but the route table treats POST as a write; name the action.
		return Raw(Route{Method: "POST", Path: NepxionPrefix + path, Access: SignedIn, Tag: "nepxion", Action: "nepxion.query", RawRequest: "application/json", RawResponse: "application/json", Summary: summary}, fn)
	}
	return []*Route{
		get("/service/discovery-type", "Registry type (Nepxion /service/discovery-type)", func(c *Call, _ *nepxionIn) error { return writeText(c, discoveryType) }),
		get("/service/groups", "Sorted group names of all instances", s.nxGroups),
		get("/service/group/{serviceId}", "The group of a service", s.nxServiceGroup),
		get("/service/services", "Sorted service ids", s.nxServices),
		post("/service/service-list", "Service ids having an instance of one of the types in the body", s.nxServiceList),
		post("/service/service-list/{group}", "Service ids of one group having an instance of one of the types", s.nxServiceList),
		get("/service/gateways", "Gateway service ids", s.nxGateways),
		post("/service/gateway-list", "Gateways filtered by gateway type", s.nxGatewayList),
		get("/service/instances/{serviceId}", "Raw instances of a service", s.nxInstances),
		get("/service/instance-list/{serviceId}", "Instances of a service as Nepxion InstanceEntity", s.nxInstanceList),
		post("/service/instance-map", "Instances by service, limited to the groups in the body ([] = all)", s.nxInstanceMap),
		post("/service/metadata-map/{metadataKey}", "Distinct values of one metadata key per service", s.nxMetadataMap),
		post("/service/metadata-map", "Joined values of several metadata keys per service", s.nxMetadataMaps),
	}
}

// nepxionIn carries every path parameter the Nepxion routes use.
type nepxionIn struct {
	Group       string `path:"group"`
	ServiceID   string `path:"serviceId"`
	FormatType  string `path:"formatType"`
	MetadataKey string `path:"metadataKey"`
}

// InstanceEntity is Nepxion's simplified instance (common/entity/InstanceEntity).
type InstanceEntity struct {
	Plugin            string            `json:"plugin"`
	Group             string            `json:"group"`
	ServiceType       string            `json:"serviceType"`
	ServiceID         string            `json:"serviceId"`
	ServiceAppID      string            `json:"serviceAppId"`
	ServiceUUID       string            `json:"serviceUUId"`
	Version           string            `json:"version"`
	Region            string            `json:"region"`
	Environment       string            `json:"environment"`
	Zone              string            `json:"zone"`
	Active            bool              `json:"active"`
	Protocol          string            `json:"protocol"`
	ContextPath       string            `json:"contextPath"`
	FormatContextPath string            `json:"formatContextPath"`
	Host              string            `json:"host"`
	Port              int               `json:"port"`
	Metadata          map[string]string `json:"metadata"`
}

// instanceEntity converts a registry instance to Nepxion's shape, filling the
// metadata keys Nepxion tools read.
func instanceEntity(in *switchyard.Instance) InstanceEntity {
	md := map[string]string{}
	for k, v := range in.Metadata {
		md[k] = v
	}
	for k, v := range map[string]string{"group": in.Group, "version": in.Version, "region": in.Region, "env": in.Env, "zone": in.Zone,
		"spring_application_type": in.Type, "spring_application_uuid": in.ID, "spring_application_name": in.Service,
		"spring_application_discovery_plugin": discoveryType} {
		if _, ok := md[k]; !ok {
			md[k] = v
		}
	}
	protocol := cmp.Or(md["spring_application_protocol"], "http")
	ctxPath := md["spring_application_context-path"]
	return InstanceEntity{Plugin: discoveryType, Group: in.Group, ServiceType: in.Type, ServiceID: in.Service, ServiceAppID: md["spring_application_app_id"],
		ServiceUUID: in.ID, Version: in.Version, Region: in.Region, Environment: in.Env, Zone: in.Zone, Active: md["active"] == "true",
		Protocol: protocol, ContextPath: ctxPath, FormatContextPath: formatContextPath(ctxPath), Host: in.Host, Port: in.Port, Metadata: md}
}

// formatContextPath is Nepxion's UrlUtil.formatContextPath: "/" or "/x/".
func formatContextPath(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return "/"
	}
	return "/" + p + "/"
}

func (s *Server) all(c *Call) ([]*switchyard.Instance, error) { return s.Registry.All(c.R.Context()) }

func (s *Server) nxGroups(c *Call, _ *nepxionIn) error {
	all, err := s.all(c)
	if err != nil {
		return nepxionFail(c, err)
	}
	var groups []string
	for _, in := range all {
		if !slices.Contains(groups, in.Group) {
			groups = append(groups, in.Group)
		}
	}
	slices.Sort(groups)
	return writeJSONValue(c, orEmptyList(groups))
}

func (s *Server) nxServiceGroup(c *Call, in *nepxionIn) error {
	list, err := s.Registry.Instances(c.R.Context(), strings.ToLower(in.ServiceID))
	if err != nil {
		return nepxionFail(c, err)
	}
	for _, i := range list {
		if i.Group != "" {
			return writeText(c, i.Group)
		}
	}
	return writeText(c, "")
}

func (s *Server) nxServices(c *Call, _ *nepxionIn) error {
	return s.serviceIDs(c, func(*switchyard.Instance) bool { return true })
}

func (s *Server) nxGateways(c *Call, _ *nepxionIn) error {
	return s.serviceIDs(c, func(i *switchyard.Instance) bool { return i.Type == switchyard.TypeGateway })
}

// serviceIDs answers the sorted distinct service ids of instances keep accepts.
func (s *Server) serviceIDs(c *Call, keep func(*switchyard.Instance) bool) error {
	all, err := s.all(c)
	if err != nil {
		return nepxionFail(c, err)
	}
	seen := map[string]bool{}
	ids := []string{}
	for _, in := range all {
		if keep(in) && !seen[in.Service] {
			seen[in.Service] = true
			ids = append(ids, in.Service)
		}
	}
	slices.Sort(ids)
	return writeJSONValue(c, ids)
}

var serviceTypes = []string{"service", "gateway", "console", "test"}

func (s *Server) nxServiceList(c *Call, in *nepxionIn) error {
	var types []string
	if err := readJSONBody(c, &types); err != nil {
		return nepxionFail(c, err)
	}
	if err := checkList("types", len(types), maxQueryList); err != nil {
		return nepxionFail(c, err)
	}
	for i, t := range types {
		types[i] = strings.ToLower(t)
		if !slices.Contains(serviceTypes, types[i]) {
			return nepxionFail(c, switchyard.Errorf(switchyard.CodeInvalid, "No matched type with value=%s", t))
		}
	}
	return s.serviceIDs(c, func(i *switchyard.Instance) bool {
		return (in.Group == "" || i.Group == in.Group) && slices.Contains(types, i.Type)
	})
}

func (s *Server) nxGatewayList(c *Call, _ *nepxionIn) error {
	var kinds []string
	if err := readJSONBody(c, &kinds); err != nil {
		return nepxionFail(c, err)
	}
	if err := checkList("gateway types", len(kinds), maxQueryList); err != nil {
		return nepxionFail(c, err)
	}
	return s.serviceIDs(c, func(i *switchyard.Instance) bool {
		if i.Type != switchyard.TypeGateway {
			return false
		}
		kind := cmp.Or(i.Metadata["spring_application_gateway_type"], "spring-cloud-gateway")
		return slices.Contains(kinds, kind)
	})
}

func (s *Server) nxInstances(c *Call, in *nepxionIn) error {
	list, err := s.Registry.Instances(c.R.Context(), strings.ToLower(in.ServiceID))
	if err != nil {
		return nepxionFail(c, err)
	}
	return writeJSONValue(c, list)
}

func (s *Server) nxInstanceList(c *Call, in *nepxionIn) error {
	list, err := s.Registry.Instances(c.R.Context(), strings.ToLower(in.ServiceID))
	if err != nil {
		return nepxionFail(c, err)
	}
	out := make([]InstanceEntity, 0, len(list))
	for _, i := range list {
		out = append(out, instanceEntity(i))
	}
	return writeJSONValue(c, out)
}

func (s *Server) nxInstanceMap(c *Call, _ *nepxionIn) error {
	var groups []string
	if err := readJSONBody(c, &groups); err != nil {
		return nepxionFail(c, err)
	}
	if err := checkList("groups", len(groups), maxQueryList); err != nil {
		return nepxionFail(c, err)
	}
	all, err := s.all(c)
	if err != nil {
		return nepxionFail(c, err)
	}
	wanted := map[string]bool{}
	for _, g := range groups {
		wanted[g] = true
	}
	out := map[string][]InstanceEntity{}
	for _, i := range all {
		if len(groups) == 0 || wanted[i.Group] {
			out[i.Service] = append(out[i.Service], instanceEntity(i))
		}
	}
	return writeJSONValue(c, out)
}

// metadataValue reads a metadata key of an instance, with Nepxion's special
// keys host, port and host:port.
func metadataValue(e InstanceEntity, key string) string {
	switch key {
	case "host":
		return e.Host
	case "port":
		return strconv.Itoa(e.Port)
	case "host:port":
		return e.Host + ":" + strconv.Itoa(e.Port)
	}
	return e.Metadata[key]
}

func (s *Server) nxMetadataMap(c *Call, in *nepxionIn) error {
	var ids []string
	if err := readJSONBody(c, &ids); err != nil {
		return nepxionFail(c, err)
	}
	if err := checkList("service ids", len(ids), maxQueryList); err != nil {
		return nepxionFail(c, err)
	}
	out := map[string][]string{}
	done := map[string][]string{} // each service costs one pass over its instances
	for _, id := range ids {
		if v, ok := done[strings.ToLower(id)]; ok {
			out[id] = v
			continue
		}
		list, err := s.Registry.Instances(c.R.Context(), strings.ToLower(id))
		if err != nil {
			return nepxionFail(c, err)
		}
		values, seen := []string{}, map[string]bool{}
		for _, i := range list {
			if v := metadataValue(instanceEntity(i), in.MetadataKey); v != "" && !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
		out[id], done[strings.ToLower(id)] = values, values
	}
	return writeJSONValue(c, out)
}

// MetadataParameter is the body of POST /service/metadata-map.
type MetadataParameter struct {
	MetadataKeys []string `json:"metadataKeys"`
	ServiceIDs   []string `json:"serviceIds"`
	Separate     string   `json:"separate"`
}

func (s *Server) nxMetadataMaps(c *Call, _ *nepxionIn) error {
	var p MetadataParameter
	if err := readJSONBody(c, &p); err != nil {
		return nepxionFail(c, err)
	}
	if p.Separate == "" {
		p.Separate = " | "
	}
	if err := checkList("service ids", len(p.ServiceIDs), maxQueryList); err != nil {
		return nepxionFail(c, err)
	}
	if err := checkList("metadata keys", len(p.MetadataKeys), maxQueryKeys); err != nil {
		return nepxionFail(c, err)
	}
	if len(p.Separate) > maxSeparate {
		return nepxionFail(c, switchyard.Errorf(switchyard.CodeInvalid, "separate is %d bytes; at most %d are allowed", len(p.Separate), maxSeparate))
	}
	out := map[string][]string{}
	done := map[string][]string{} // each service costs one pass over its instances
	for _, id := range p.ServiceIDs {
		if v, ok := done[strings.ToLower(id)]; ok {
			out[id] = v
			continue
		}
		list, err := s.Registry.Instances(c.R.Context(), strings.ToLower(id))
		if err != nil {
			return nepxionFail(c, err)
		}
		values, seen := []string{}, map[string]bool{}
		for _, i := range list {
			e := instanceEntity(i)
			parts := make([]string, 0, len(p.MetadataKeys))
			for _, k := range p.MetadataKeys {
				parts = append(parts, metadataValue(e, k))
			}
			if v := strings.Join(parts, p.Separate); !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
		out[id], done[strings.ToLower(id)] = values, values
	}
	return writeJSONValue(c, out)
}

// readJSONBody decodes a raw route's JSON body.
func readJSONBody(c *Call, v any) error {
	text, err := readText(c)
	if err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		return switchyard.Errorf(switchyard.CodeInvalid, "Request body is missing")
	}
	if err := json.Unmarshal([]byte(text), v); err != nil {
		return switchyard.Errorf(switchyard.CodeInvalid, "Invalid JSON request body: %v", err)
	}
	return nil
}

func writeJSONValue(c *Call, v any) error {
	writeJSON(c.W, 200, v)
	return nil
}

func orEmptyList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
