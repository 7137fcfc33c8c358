package switchyard

import (
	"context"
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
}

// Address is host:port.
func (in *Instance) Address() string { return in.Host + ":" + strconv.Itoa(in.Port) }

// Normalize lower-cases the service id and fills Nepxion's defaults.
func (in *Instance) Normalize() {
	in.Service = strings.ToLower(strings.TrimSpace(in.Service))
	if in.Type == "" {
		in.Type = TypeService
	}
	for _, f := range []*string{&in.Version, &in.Region, &in.Env, &in.Zone} {
		if strings.TrimSpace(*f) == "" {
			*f = "default"
		}
	}
}

// Validate checks the fields an instance registers with.
func (in *Instance) Validate() error {
	if in.Service == "" {
		return FieldErrorf("service", "instance.service", "service is required")
	}
	if in.Type != TypeService && in.Type != TypeGateway {
		return FieldErrorf("type", "instance.type", "type %q must be service or gateway", in.Type)
	}
	if in.Host == "" {
		return FieldErrorf("host", "instance.host", "host is required")
	}
	if in.Port <= 0 || in.Port > 65535 {
		return FieldErrorf("port", "instance.port", "port %d must be between 1 and 65535", in.Port)
	}
	return nil
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
// Implementations: registry/builtin (in the control plane) and
// registry/controlplane (the data plane's client of it).
type Registry interface {
	// Register adds or replaces the instance with in.ID (a new ID is made
	// when empty) and returns it. The instance expires unless Heartbeat is
	// called within the registry's TTL.
	Register(ctx context.Context, in *Instance) (*Instance, error)
	// Heartbeat keeps an instance alive; CodeNotFound if it expired, so the
	// caller registers again.
	Heartbeat(ctx context.Context, id string) error
	// Deregister removes an instance (idempotent).
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
