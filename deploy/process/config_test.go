package process_test

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/process"
)

// TestCatalogValidate: each mistake is CodeInvalid naming its field.
func TestCatalogValidate(t *testing.T) {
	ok := func() process.Catalog {
		return process.Catalog{Services: []process.Service{{Name: "a", Args: []string{"--listen", "{host}:{port}"}, Ports: process.PortRange{From: 20000, To: 20010}}}}
	}
	tests := []struct {
		name, field, mention string
		edit                 func(c *process.Catalog)
	}{
		{"NoServices", "services", "no service", func(c *process.Catalog) { c.Services = nil }},
		{"BadName", "services[0].name", "../a", func(c *process.Catalog) { c.Services[0].Name = "../a" }},
		{"TwiceNamed", "services[1].name", "named twice", func(c *process.Catalog) { c.Services = append(c.Services, c.Services[0]) }},
		{"NoCommand", "services[0].args", "no command", func(c *process.Catalog) { c.Services[0].Args = nil }},
		{"UnknownPlaceholder", "services[0].args[1]", "{prot}", func(c *process.Catalog) { c.Services[0].Args[1] = "{host}:{prot}" }},
		{"SameArgvForEveryInstance", "services[0].args", "{port}, {datadir} or {instance}", func(c *process.Catalog) { c.Services[0].Args = []string{"serve"} }},
		{"BadRange", "services[0].ports", "20010-20000", func(c *process.Catalog) { c.Services[0].Ports = process.PortRange{From: 20010, To: 20000} }},
		{"BadFixedPort", "services[0].versions[0].ports[0]", "70000", func(c *process.Catalog) {
			c.Services[0].Versions = []process.Version{{Version: "1.0", Ports: []int{70000}}}
		}},
		{"BadVersion", "services[0].versions[0].version", "1/0", func(c *process.Catalog) { c.Services[0].Versions = []process.Version{{Version: "1/0"}} }},
		{"PassesASecret", "pass_env[0]", "SWITCHYARD_ADMIN_PASSWORD", func(c *process.Catalog) { c.PassEnv = []string{"SWITCHYARD_ADMIN_PASSWORD"} }},
		{"BadEnvName", "services[0].env", "A=B", func(c *process.Catalog) { c.Services[0].Env = map[string]string{"A=B": "c"} }},
		{"BadHost", "services[0].host", "a b", func(c *process.Catalog) { c.Services[0].Host = "a b" }},
		{"NegativeGrace", "stop_grace", "-1s", func(c *process.Catalog) { c.StopGrace = -time.Second }},
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("a good catalog: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(&c)
			err := c.Validate()
			e := switchyard.AsError(err)
			if e == nil || e.Code != switchyard.CodeInvalid || e.Field != tt.field || !strings.Contains(e.Message, tt.mention) {
				t.Fatalf("Validate = %v (%+v); want invalid on %s naming %q", err, e, tt.field, tt.mention)
			}
			if _, err := process.New(t.TempDir(), c, process.Options{}); switchyard.AsError(err) == nil || switchyard.AsError(err).Field != tt.field {
				t.Fatalf("New accepted the catalog: %v", err)
			}
		})
	}
}

// TestEnsureRefuses: specs the catalog cannot run are refused before
// anything starts.
func TestEnsureRefuses(t *testing.T) {
	cat := catalog()
	cat.Services = append(cat.Services,
		process.Service{Name: "fixed", Args: []string{"serve", "--listen", "{host}:{port}"}, Group: "g", Versions: []process.Version{{Version: "1.0", Ports: []int{47001}}}},
		process.Service{Name: "grouped", Args: []string{"serve", "--listen", "{host}:{port}", "--group", "{group}"}, Ports: process.PortRange{From: 47100, To: 47999}})
	d := open(t, t.TempDir(), cat, process.Options{})
	tests := []struct {
		name, field, mention string
		spec                 switchyard.DeploySpec
	}{
		{"UnknownService", "service", `"nope"`, spec("nope", "1.0", 1)},
		{"PathInVersion", "version", "../1.0", spec("svc", "../1.0", 1)},
		{"EmptyVersion", "version", `""`, spec("svc", "", 1)},
		{"TooMany", "instances", "0 to 16", spec("svc", "1.0", 17)},
		{"Negative", "instances", "-1", spec("svc", "1.0", -1)},
		{"MoreThanFixedPorts", "instances", "1 fixed ports", spec("fixed", "1.0", 2)},
		{"NoPortForVersion", "version", "no port for fixed 2.0", spec("fixed", "2.0", 1)},
		{"NoGroup", "group", "{group}", spec("grouped", "1.0", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := d.Ensure(t.Context(), tt.spec)
			e := switchyard.AsError(err)
			if e == nil || e.Code != switchyard.CodeInvalid || e.Field != tt.field || !strings.Contains(e.Message, tt.mention) {
				t.Fatalf("Ensure(%+v) = %v; want invalid on %s naming %q", tt.spec, err, tt.field, tt.mention)
			}
		})
	}
	if in, _ := d.Status(t.Context(), "svc", ""); len(in) != 0 {
		t.Fatalf("refused specs started %v", in)
	}
}

// TestFixedPorts: a version's fixed port is used, and one taken by another
// program is an error naming it.
func TestFixedPorts(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	free := freePort(t)
	takenPort := taken.Addr().(*net.TCPAddr).Port
	cat := catalog()
	cat.Services[0].Versions = []process.Version{{Version: "1.0", Ports: []int{free}}, {Version: "1.1", Ports: []int{takenPort}}}
	d := open(t, t.TempDir(), cat, process.Options{})
	st := ensure(t, d, spec("svc", "1.0", 1))
	if want := "127.0.0.1:" + strconv.Itoa(free); st.Instances[0].Address != want {
		t.Fatalf("address %s, want the fixed %s", st.Instances[0].Address, want)
	}
	_, err = d.Ensure(t.Context(), spec("svc", "1.1", 1))
	if !switchyard.IsCode(err, switchyard.CodeUnavailable) || !strings.Contains(err.Error(), strconv.Itoa(takenPort)) {
		t.Fatalf("Ensure on a taken fixed port: %v", err)
	}
}
