package rule

import (
	"strconv"
	"time"

	switchyard "github.com/switchyard-io/switchyard"
)

// Default is the value of a missing version, region, env or zone
// (DiscoveryConstant.DEFAULT).
const Default = "default"

// Instance is one registered instance of a service: what the console reads
// from the registry and what the data plane chooses among. Missing version,
// region, env and zone metadata mean "default".
type Instance struct {
	Service   string            `json:"service"`
	Version   string            `json:"version,omitempty"`
	Region    string            `json:"region,omitempty"`
	Env       string            `json:"env,omitempty"`
	Zone      string            `json:"zone,omitempty"`
	Group     string            `json:"group,omitempty"`
	Host      string            `json:"host"`
	Port      int               `json:"port"`
	ID        string            `json:"id,omitempty"`     // instance UUID (spring_application_uuid), matched by id blacklists
	Type      string            `json:"type,omitempty"`   // "service" (default) or "gateway"
	Active    bool              `json:"active,omitempty"` // multi-active: never a region failover target
	StartTime time.Time         `json:"startTime,omitzero"`
	Metadata  map[string]string `json:"metadata,omitempty"`
}

// InstanceOf is the one conversion of a registry instance into what rules
// filter and select, for the data plane and the release console alike:
// metadata active=true marks a multi-active instance.
func InstanceOf(in *switchyard.Instance) Instance {
	return Instance{Service: in.Service, Version: in.Version, Region: in.Region, Env: in.Env, Zone: in.Zone, Group: in.Group,
		Host: in.Host, Port: in.Port, ID: in.ID, Type: in.Type, Active: in.Metadata["active"] == "true", StartTime: in.StartTime, Metadata: in.Metadata}
}

// VersionOr returns the version, or "default" when it is unset.
func (in *Instance) VersionOr() string { return orDefault(in.Version) }

// RegionOr returns the region, or "default" when it is unset.
func (in *Instance) RegionOr() string { return orDefault(in.Region) }

// EnvOr returns the env, or "default" when it is unset.
func (in *Instance) EnvOr() string { return orDefault(in.Env) }

// ZoneOr returns the zone, or "default" when it is unset.
func (in *Instance) ZoneOr() string { return orDefault(in.Zone) }

// UUID returns the instance id, falling back to the spring_application_uuid
// metadata Nepxion publishes.
func (in *Instance) UUID() string {
	if in.ID != "" {
		return in.ID
	}
	return in.Metadata["spring_application_uuid"]
}

// IsGateway reports whether the instance is a gateway (metadata
// spring_application_type=gateway), which consumer isolation never removes.
func (in *Instance) IsGateway() bool {
	return in.Type == "gateway" || in.Metadata["spring_application_type"] == "gateway"
}

// Address returns "host:port".
func (in *Instance) Address() string { return in.Host + ":" + strconv.Itoa(in.Port) }

func orDefault(s string) string {
	if s == "" {
		return Default
	}
	return s
}
