package dataplane

import (
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// InspectHeader carries the previous hops' segments to the first service of
// an inspection that entered through a gateway (Nepxion's
// endpoint-inspector-inspect; there is no n-d-inspector header).
const InspectHeader = "endpoint-inspector-inspect"

// InspectPath is the inspector endpoint of every service.
const InspectPath = "inspector/inspect"

// Plugin is what the [P=…] tag names: the discovery plugin in Nepxion.
const Plugin = "Switchyard"

// InspectorEntity is the body of an inspection at every hop.
type InspectorEntity struct {
	ServiceIDList []string `json:"serviceIdList"`
	Result        string   `json:"result"`
}

// PluginInfo is one node's segment in Nepxion's order:
// [ID][UID][AID][T][P][H][V][R][E][Z][G][A], appended to previous with " -> ".
func PluginInfo(previous string, in *switchyard.Instance) string {
	var b strings.Builder
	if previous != "" {
		b.WriteString(previous)
		b.WriteString(" -> ")
	}
	tag := func(k, v string) {
		b.WriteString("[" + k + "=" + v + "]")
	}
	tag("ID", in.Service)
	if in.ID != "" {
		tag("UID", in.ID)
	}
	if aid := in.Metadata["spring_application_app_id"]; aid != "" {
		tag("AID", aid)
	}
	tag("T", orDefault(in.Type, "unknown"))
	tag("P", Plugin)
	tag("H", in.Host+":"+strconv.Itoa(in.Port))
	tag("V", orDefault(in.Version, "default"))
	tag("R", orDefault(in.Region, "default"))
	tag("E", orDefault(in.Env, "default"))
	tag("Z", orDefault(in.Zone, "default"))
	tag("G", orDefault(in.Group, "default"))
	tag("A", strconv.FormatBool(in.Metadata["active"] == "true"))
	return b.String()
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}
