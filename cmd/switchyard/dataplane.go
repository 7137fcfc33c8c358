package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/controlplane"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/dataplane/h1"
	"github.com/switchyard-io/switchyard/gateway"
)

// instanceConfig is who a data-plane process is and where its control plane
// is: shared by gateway, sidecar and demo-service.
type instanceConfig struct {
	Service   string            `yaml:"service"`
	Group     string            `yaml:"group"`
	Version   string            `yaml:"version"`
	Region    string            `yaml:"region"`
	Env       string            `yaml:"env"`
	Zone      string            `yaml:"zone"`
	Metadata  map[string]string `yaml:"metadata"`
	Listen    string            `yaml:"listen"`
	Advertise string            `yaml:"advertise"` // host:port registered; default the listen address
	// AdminListen serves Nepxion's instance admin endpoints (/config/update-async …,
	// no credentials) on a listener of their own; its port is registered
	// as metadata switchyard_admin_port for the control plane's batch calls.
	AdminListen string `yaml:"admin_listen"`
	// RetiredAdminEndpoints is the old admin_endpoints switch, which served
	// them on the public listener: refused with a pointer to admin_listen.
	RetiredAdminEndpoints bool `yaml:"admin_endpoints"`
	// ControlPlane is the switchyard server URL; Token an API token with role agent.
	ControlPlane string `yaml:"control_plane"`
	Token        string `yaml:"token" secret:"all"`
	CacheDir     string `yaml:"cache_dir"`
	// ReportInterval is how often the instance reports what it served to
	// the control plane's metrics (default 5s; the demo uses 1s so a
	// workflow's short monitoring windows hold several reports).
	ReportInterval Duration  `yaml:"report_interval"`
	Log            LogConfig `yaml:"log"`
}

func defaultInstanceConfig() instanceConfig {
	return instanceConfig{Group: "default", ControlPlane: "http://127.0.0.1:8080", ReportInterval: Duration(5 * time.Second), Log: LogConfig{Level: "info", Format: "text"}}
}

// instanceFlags are the command-line overrides of an instanceConfig.
type instanceFlags struct {
	file         string
	values       map[string]*string
	retiredAdmin bool
}

// registerInstanceFlags adds the flags every data-plane command has.
func registerInstanceFlags(cmd *cobra.Command) *instanceFlags {
	f := &instanceFlags{values: map[string]*string{}}
	cmd.Flags().StringVar(&f.file, "config", "", "YAML configuration file")
	for _, fl := range []struct{ name, usage string }{
		{"service", "service id"},
		{"group", "group (the rule's global key)"},
		{"version", "version of this instance"},
		{"region", "region of this instance"},
		{"env", "env of this instance"},
		{"zone", "zone of this instance"},
		{"listen", "listen address host:port"},
		{"advertise", "address to register, host:port (default: the listen address)"},
		{"admin-listen", "serve Nepxion's instance admin endpoints /config/update-async… (no credentials) on this host:port of their own, e.g. 127.0.0.1:0; only where the control plane and operators reach it"},
		{"control-plane", "switchyard server URL (env SWITCHYARD_CONTROL_PLANE)"},
		{"cache-dir", "directory for the last good rule (default: the user cache directory)"},
		{"report-interval", "how often to report traffic to the control plane's metrics, e.g. 1s (default 5s)"},
	} {
		f.values[fl.name] = cmd.Flags().String(fl.name, "", fl.usage)
	}
	cmd.Flags().BoolVar(&f.retiredAdmin, "admin-endpoints", false, "retired: use --admin-listen")
	_ = cmd.Flags().MarkHidden("admin-endpoints")
	return f
}

// load merges the YAML file, SWITCHYARD_<KEY> variables (SWITCHYARD_SERVICE,
// SWITCHYARD_CONTROL_PLANE, SWITCHYARD_TOKEN, …) and the flags set on the
// command line into inst; dst is the command's whole config (a pointer to a
// struct whose instance fields are inline), read from the file.
func (f *instanceFlags) load(cmd *cobra.Command, dst any, inst *instanceConfig) error {
	if f.file != "" {
		if err := loadYAMLFile(f.file, dst); err != nil {
			return err
		}
	}
	if err := loadEnvInto(reflect.ValueOf(inst).Elem(), os.Getenv); err != nil {
		return err
	}
	targets := map[string]*string{"service": &inst.Service, "group": &inst.Group, "version": &inst.Version, "region": &inst.Region, "env": &inst.Env,
		"zone": &inst.Zone, "listen": &inst.Listen, "advertise": &inst.Advertise, "admin-listen": &inst.AdminListen, "control-plane": &inst.ControlPlane, "cache-dir": &inst.CacheDir}
	for name, v := range f.values {
		if !cmd.Flags().Changed(name) {
			continue
		}
		if name == "report-interval" {
			d, err := time.ParseDuration(*v)
			if err != nil || d < 100*time.Millisecond || d > time.Minute {
				return &configError{"report_interval", fmt.Sprintf("%q must be a duration from 100ms to 1m", *v)}
			}
			inst.ReportInterval = Duration(d)
			continue
		}
		*targets[name] = *v
	}
	inst.RetiredAdminEndpoints = inst.RetiredAdminEndpoints || f.retiredAdmin
	return inst.validate()
}

func (c *instanceConfig) validate() error {
	c.Service = strings.ToLower(strings.TrimSpace(c.Service))
	if c.Service == "" {
		return &configError{"service", "is required"}
	}
	if c.Group == "" {
		return &configError{"group", "is required"}
	}
	if err := validateListen(c.Listen); err != nil {
		return &configError{"listen", err.Error()}
	}
	if c.Advertise == "" {
		c.Advertise = c.Listen
	}
	host, port, err := splitHostPort(c.Advertise)
	if err != nil || host == "" || port == 0 {
		return &configError{"advertise", fmt.Sprintf("%q must be host:port with a host and a non-zero port", c.Advertise)}
	}
	if err := switchyard.CheckHost(host); err != nil {
		return &configError{"advertise", fmt.Sprintf("%q: the registry refuses this host (%s); advertise the address consumers reach", c.Advertise, switchyard.AsError(err).Message)}
	}
	if c.RetiredAdminEndpoints {
		return &configError{"admin_endpoints", "the admin endpoints moved off the public listener: set admin_listen (--admin-listen 127.0.0.1:0) instead"}
	}
	if c.AdminListen != "" {
		if err := validateListen(c.AdminListen); err != nil {
			return &configError{"admin_listen", err.Error()}
		}
	}
	if !strings.HasPrefix(c.ControlPlane, "http://") && !strings.HasPrefix(c.ControlPlane, "https://") {
		return &configError{"control_plane", fmt.Sprintf("%q must be an http:// or https:// URL", c.ControlPlane)}
	}
	if c.CacheDir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		c.CacheDir = filepath.Join(dir, "switchyard", c.Group, c.Service)
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		return &configError{"log.level", fmt.Sprintf("%q must be debug, info, warn or error", c.Log.Level)}
	}
	return nil
}

func splitHostPort(addr string) (string, int, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(p)
	return h, n, err
}

// instance is the registry entry of this process.
func (c *instanceConfig) instance(kind string) switchyard.Instance {
	host, port, _ := splitHostPort(c.Advertise)
	md := map[string]string{}
	for k, v := range c.Metadata {
		md[k] = v
	}
	return switchyard.Instance{Service: c.Service, Type: kind, Group: c.Group, Version: c.Version, Region: c.Region, Env: c.Env, Zone: c.Zone,
		Host: host, Port: port, Metadata: md}
}

// adminListener opens the admin listener (admin_listen) and registers its
// port in md; nil when none is configured.
func (c *instanceConfig) adminListener(md map[string]string, logger *slog.Logger) (net.Listener, error) {
	if c.AdminListen == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.AdminListen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s for the admin endpoints: %w", c.AdminListen, err)
	}
	md[switchyard.MetaAdminPort] = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	host, _, _ := splitHostPort(c.Advertise)
	if ip, err := netip.ParseAddr(hostOnly(c.AdminListen)); err == nil && ip.IsLoopback() && !isLoopbackName(host) {
		logger.Warn("the admin listener is on loopback but the instance is advertised elsewhere: the control plane reaches it only from this machine",
			"admin", ln.Addr().String(), "advertise", c.Advertise)
	}
	return ln, nil
}

// adminServer serves the admin endpoints of rules on ln, to callers that
// address it by IP, localhost, the advertised host or the listen host.
func (c *instanceConfig) adminServer(ln net.Listener, rules *dataplane.Rules) listener {
	host, _, _ := splitHostPort(c.Advertise)
	h := dataplane.AdminHandler(rules, host, hostOnly(c.AdminListen))
	return listener{&http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}, ln}
}

// closeListener closes ln if there is one.
// listen opens the instance's listeners: the admin one (when configured;
// its port goes into md) and the public one at c.Listen.
func (c *instanceConfig) listen(md map[string]string, logger *slog.Logger) (public, admin net.Listener, err error) {
	if admin, err = c.adminListener(md, logger); err != nil {
		return nil, nil, err
	}
	if public, err = net.Listen("tcp", c.Listen); err != nil {
		closeListener(admin)
		return nil, nil, fmt.Errorf("listen on %s: %w", c.Listen, err)
	}
	return public, admin, nil
}

func closeListener(ln net.Listener) {
	if ln != nil {
		ln.Close()
	}
}

func hostOnly(hostport string) string {
	h, _, _ := net.SplitHostPort(hostport)
	return h
}

func isLoopbackName(host string) bool {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.IsLoopback()
	}
	return host == "localhost"
}

// ports are the control-plane adapters of a data-plane process.
type ports struct {
	registry  switchyard.Registry
	config    switchyard.ConfigCenter
	collector switchyard.MetricsCollector
}

func (c *instanceConfig) ports(logger *slog.Logger) ports {
	cp := controlplane.New(c.ControlPlane, c.Token, logger)
	return ports{registry: cp.Registry(), config: cp.ConfigCenter(), collector: cp.Collector()}
}

// routeFlag parses --route PREFIX=SERVICE.
func parseRoutes(specs []string) ([]gateway.Route, error) {
	var out []gateway.Route
	for _, s := range specs {
		prefix, service, ok := strings.Cut(s, "=")
		if !ok || !strings.HasPrefix(prefix, "/") || service == "" {
			return nil, &configError{"routes", fmt.Sprintf("--route %q must be /prefix/=service-id", s)}
		}
		out = append(out, gateway.Route{Prefix: prefix, Service: strings.ToLower(service), StripPrefix: true})
	}
	return out, nil
}

// listener is one server of a data-plane process and where it listens.
type listener struct {
	srv server
	ln  net.Listener
}

// server is what serving and drain run: *http.Server and the gateway.
type server interface {
	Serve(ln net.Listener) error
	Shutdown(ctx context.Context) error
}

// serving starts every server; the returned channel gets the first error.
func serving(ls ...listener) <-chan error {
	errc := make(chan error, len(ls))
	for _, l := range ls {
		go func(l listener) { errc <- l.srv.Serve(l.ln) }(l)
	}
	return errc
}

// drain waits for ctx or a server failure, then shuts every server down and
// waits (bounded) for done: the instance's deregistration.
func drain(ctx context.Context, errc <-chan error, done <-chan struct{}, ls ...listener) error {
	var failed error
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, h1.ErrServerClosed) {
			failed = err
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, l := range ls {
		_ = l.srv.Shutdown(sctx)
	}
	select {
	case <-done:
	case <-sctx.Done():
	}
	return failed
}
