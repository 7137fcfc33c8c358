package switchyard

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Instance types, as Nepxion's spring_application_type metadata.
const (
	TypeService = "service"
	TypeGateway = "gateway"
)

// Instance is one running copy of a service or gateway in the registry.
// Missing version, region, env and zone mean "default", as in Nepxion.
type Instance struct {
	ID        string            `json:"id" doc:"unique instance id; Nepxion's time UUID (yyyyMMdd-HHmmss-SSS-rrrr-rrr-rrr) when the registry makes it"`
	Service   string            `json:"service" doc:"service id, lower case"`
	Type      string            `json:"type" enum:"service,gateway"`
	Group     string            `json:"group"`
	Version   string            `json:"version"`
	Region    string            `json:"region"`
	Env       string            `json:"env"`
	Zone      string            `json:"zone"`
	Host      string            `json:"host"`
	Port      int               `json:"port"`
	StartTime time.Time         `json:"startTime"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	// LastSeen is when the registry last heard from the instance.
	LastSeen time.Time `json:"lastSeen"`
	// Owner is who registered the instance (RegistrantFrom of the
	// registering call: "token/<id>", "user/<id>"); only the same owner may
	// replace, beat for or remove it. Kept by the registry, never sent.
	Owner string `json:"-"`
}

// Address is host:port.
func (in *Instance) Address() string { return in.Host + ":" + strconv.Itoa(in.Port) }

// Normalize lower-cases the service id, trims the host and fills Nepxion's
// defaults.
func (in *Instance) Normalize() {
	in.Service = strings.ToLower(strings.TrimSpace(in.Service))
	in.Host = strings.TrimSpace(in.Host)
	if in.Type == "" {
		in.Type = TypeService
	}
	for _, f := range []*string{&in.Version, &in.Region, &in.Env, &in.Zone} {
		if strings.TrimSpace(*f) == "" {
			*f = "default"
		}
	}
}

type registrantKey struct{}

// WithRegistrant returns ctx carrying who calls the registry ("token/<id>",
// "user/<id>"): the control plane sets it from the caller's credentials, so
// one caller cannot replace, beat for or remove another's instance. A ctx
// without one is a trusted in-process caller.
func WithRegistrant(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, registrantKey{}, who)
}

// RegistrantFrom returns the registrant WithRegistrant put in ctx, or "".
func RegistrantFrom(ctx context.Context) string {
	who, _ := ctx.Value(registrantKey{}).(string)
	return who
}

// InstanceTaken is the error of a registrant touching an instance another
// registrant owns.
func InstanceTaken(id string) *Error {
	return &Error{Code: CodeConflict, Field: "id", Reason: "instance.taken", Params: map[string]string{"id": id},
		Message: fmt.Sprintf("instance %s is registered by another token or user; register with another id (or none, to get a new one)", id)}
}

// RegistryEvent tells a watcher the instances of a service changed; it
// carries the whole current list.
type RegistryEvent struct {
	Service   string      `json:"service"`
	Instances []*Instance `json:"instances"`
	// Revision grows with every change of the registry.
	Revision int64 `json:"revision"`
}

// Registry is where instances announce themselves and consumers find them.
// Implementations: builtin.Registry (in the control plane),
// controlplane.Registry (the data plane's client of it), and one per
// external system (etcd, Nacos, …); all pass registry/registrytest.
type Registry interface {
	// Register adds or replaces the instance with in.ID (a new ID is made
	// when empty) and returns it. The instance expires unless Heartbeat is
	// called within the registry's TTL. CodeInvalid names the field
	// Validate refuses; CodeConflict (InstanceTaken) if in.ID is registered
	// by another registrant (WithRegistrant).
	Register(ctx context.Context, in *Instance) (*Instance, error)
	// Heartbeat keeps an instance alive; CodeNotFound if it expired, so the
	// caller registers again; CodeConflict if another registrant owns it.
	Heartbeat(ctx context.Context, id string) error
	// Deregister removes an instance (idempotent); CodeConflict if another
	// registrant owns it.
	Deregister(ctx context.Context, id string) error
	// Instances lists the live instances of service ordered by host, port.
	Instances(ctx context.Context, service string) ([]*Instance, error)
	// All lists every live instance, ordered by service, host, port.
	All(ctx context.Context) ([]*Instance, error)
	// Watch sends the instances of service now and after every change until
	// ctx is done; the channel is closed then. Slow readers see only the
	// latest list.
	Watch(ctx context.Context, service string) (<-chan RegistryEvent, error)
}

// InstanceStore persists the built-in registry's registrations (not their
// heartbeats), so a restarted control plane knows the instances at once
// instead of answering "none" until each re-registers.
type InstanceStore interface {
	// SaveInstance stores or replaces the registration with in.ID.
	SaveInstance(ctx context.Context, in *Instance) error
	// DeleteInstance removes a registration (idempotent).
	DeleteInstance(ctx context.Context, id string) error
	// LoadInstances returns every stored registration.
	LoadInstances(ctx context.Context) ([]*Instance, error)
}
