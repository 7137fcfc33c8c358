package httpapi

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
)

// registryRoutes are the built-in registry.
func (s *Server) registryRoutes() []*Route {
	return []*Route{
		Op(Route{Method: "POST", Path: "/api/registry/instances", Access: Agent, Action: "instance.register", Tag: "registry", Status: http.StatusCreated, Quiet: true,
			Summary: "Register an instance (data plane)"}, s.registerInstance),
		Op(Route{Method: "PUT", Path: "/api/registry/instances/{id}/heartbeat", Access: Agent, Tag: "registry", Status: http.StatusNoContent, Quiet: true,
			NoAudit: "a liveness ping every few seconds; register and deregister are audited",
			Summary: "Keep an instance alive; 404 means register again"}, s.heartbeat),
		Op(Route{Method: "DELETE", Path: "/api/registry/instances/{id}", Access: Agent, Action: "instance.deregister", Tag: "registry", Status: http.StatusNoContent, Quiet: true,
			Summary: "Deregister an instance"}, s.deregister),
		Op(Route{Method: "GET", Path: "/api/registry/instances", Access: SignedIn, Tag: "registry",
			Summary: "Live instances, by service and group"}, s.listInstances),
		Op(Route{Method: "GET", Path: "/api/registry/services", Access: SignedIn, Tag: "registry",
			Summary: "Services with their type, groups and online versions"}, s.listServices),
		Op(Route{Method: "GET", Path: "/api/registry/groups", Access: SignedIn, Tag: "registry",
			Summary: "The groups instances registered with, sorted"}, s.listRegistryGroups),
		Raw(Route{Method: "GET", Path: "/api/registry/watch", Access: SignedIn, Tag: "registry", RawResponse: "application/json", Quiet: true,
			Summary: "Long-poll: the instances of service= as soon as the registry revision differs from revision= (304 after timeout=)"}, s.watchRegistry),
	}
}

type instanceIn struct {
	Body switchyard.Instance
}

// registerInstance checks the registration before it is audited or
// stored, and records the caller as its owner: an agent that belongs to
// groups registers instances of those groups only.
func (s *Server) registerInstance(c *Call, in *instanceIn) (*switchyard.Instance, error) {
	in.Body.Normalize()
	if err := in.Body.Validate(); err != nil {
		return nil, err
	}
	c.Audit("instance/"+in.Body.Service+"/"+in.Body.ID, in.Body.Address())
	if u := c.User(); u.Role == switchyard.RoleAgent && len(u.Groups) > 0 && !u.InGroup(in.Body.Group) {
		return nil, switchyard.Errorf(switchyard.CodeForbidden, "agent %s may register instances of its groups (%s) only, not of group %q", u.Name, strings.Join(u.Groups, ", "), in.Body.Group).
			WithReason("auth.group", map[string]string{"group": in.Body.Group})
	}
	got, err := s.Registry.Register(registrant(c, false), &in.Body)
	if err == nil {
		c.Audit("instance/"+got.Service+"/"+got.ID, got.Address()+" version="+got.Version)
	}
	return got, err
}

// registrant is the call's context carrying who registers: the API token
// or, for a console session, the user. Admins may beat for and remove
// anyone's instance (override), never replace it by registering.
func registrant(c *Call, override bool) context.Context {
	p := c.Principal
	if override && p.User.Role == switchyard.RoleAdmin {
		return c.R.Context()
	}
	who := "user/" + p.User.ID
	if p.Via == "token" && p.TokenID != "" {
		who = "token/" + p.TokenID
	}
	return switchyard.WithRegistrant(c.R.Context(), who)
}

type idIn struct {
	ID string `path:"id"`
}

// checkID refuses an id no registration can have, before it is audited.
func checkID(id string) error {
	return (&switchyard.Instance{ID: id}).ValidateID()
}

func (s *Server) heartbeat(c *Call, in *idIn) (*NoBody, error) {
	if err := checkID(in.ID); err != nil {
		return nil, err
	}
	return nil, s.Registry.Heartbeat(registrant(c, true), in.ID)
}

func (s *Server) deregister(c *Call, in *idIn) (*NoBody, error) {
	if err := checkID(in.ID); err != nil {
		return nil, err
	}
	c.Audit("instance/"+in.ID, "")
	return nil, s.Registry.Deregister(registrant(c, true), in.ID)
}

type instancesIn struct {
	Service string `query:"service"`
	Group   string `query:"group"`
}

func (s *Server) listInstances(c *Call, in *instancesIn) (*[]*switchyard.Instance, error) {
	var all []*switchyard.Instance
	var err error
	if in.Service != "" {
		all, err = s.Registry.Instances(c.R.Context(), in.Service)
	} else {
		all, err = s.Registry.All(c.R.Context())
	}
	out := []*switchyard.Instance{}
	for _, i := range all {
		if in.Group == "" || i.Group == in.Group {
			out = append(out, i)
		}
	}
	return &out, err
}

// ServiceInfo summarises one service in the registry.
type ServiceInfo struct {
	Service   string   `json:"service"`
	Type      string   `json:"type" enum:"service,gateway"`
	Groups    []string `json:"groups"`
	Versions  []string `json:"versions" doc:"distinct online versions, sorted"`
	Instances int      `json:"instances"`
}

type servicesIn struct {
	Group string   `query:"group"`
	Types []string `query:"types" doc:"comma-separated: service,gateway"`
}

func (s *Server) listServices(c *Call, in *servicesIn) (*[]*ServiceInfo, error) {
	all, err := s.Registry.All(c.R.Context())
	if err != nil {
		return nil, err
	}
	byName := map[string]*ServiceInfo{}
	var order []string
	for _, i := range all {
		if (in.Group != "" && i.Group != in.Group) || (len(in.Types) > 0 && !slices.Contains(in.Types, i.Type)) {
			continue
		}
		si := byName[i.Service]
		if si == nil {
			si = &ServiceInfo{Service: i.Service, Type: i.Type, Groups: []string{}, Versions: []string{}}
			byName[i.Service] = si
			order = append(order, i.Service)
		}
		si.Instances++
		if !slices.Contains(si.Groups, i.Group) {
			si.Groups = append(si.Groups, i.Group)
		}
		if !slices.Contains(si.Versions, i.Version) {
			si.Versions = append(si.Versions, i.Version)
		}
	}
	out := make([]*ServiceInfo, 0, len(order))
	for _, name := range order {
		slices.Sort(byName[name].Groups)
		slices.Sort(byName[name].Versions)
		out = append(out, byName[name])
	}
	return &out, nil
}

func (s *Server) listRegistryGroups(c *Call, _ *NoBody) (*[]string, error) {
	all, err := s.Registry.All(c.R.Context())
	groups := []string{}
	for _, i := range all {
		if !slices.Contains(groups, i.Group) {
			groups = append(groups, i.Group)
		}
	}
	slices.Sort(groups)
	return &groups, err
}

type watchRegistryIn struct {
	Service  string `query:"service" doc:"empty watches every instance"`
	Revision int64  `query:"revision"`
	Timeout  string `query:"timeout" doc:"how long to wait, e.g. 30s (at most 60s)"`
}

func (s *Server) watchRegistry(c *Call, in *watchRegistryIn) error {
	return watch.LongPoll[switchyard.RegistryEvent]{Have: in.Revision, Timeout: in.Timeout, Write: writeJSON,
		Watch: func(ctx context.Context) (<-chan switchyard.RegistryEvent, error) {
			return s.Registry.Watch(ctx, in.Service)
		},
		Version: func(e switchyard.RegistryEvent) int64 { return e.Revision },
	}.Serve(c.R.Context(), c.W)
}
