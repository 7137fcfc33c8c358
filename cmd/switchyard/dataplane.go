package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
	ccplane "github.com/switchyard-io/switchyard/configcenter/controlplane"
	"github.com/switchyard-io/switchyard/gateway"
	mcplane "github.com/switchyard-io/switchyard/metrics/controlplane"
	regplane "github.com/switchyard-io/switchyard/registry/controlplane"
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
	// ControlPlane is the switchyard server URL; Token an API token with role agent.
	ControlPlane string    `yaml:"control_plane"`
	Token        string    `yaml:"token" secret:"all"`
	CacheDir     string    `yaml:"cache_dir"`
	Log          LogConfig `yaml:"log"`
}

func defaultInstanceConfig() instanceConfig {
	return instanceConfig{Group: "default", ControlPlane: "http://127.0.0.1:8080", Log: LogConfig{Level: "info", Format: "text"}}
}

// instanceFlags are the command-line overrides of an instanceConfig.
type instanceFlags struct {
	file   string
	values map[string]*string
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
		{"control-plane", "switchyard server URL (env SWITCHYARD_CONTROL_PLANE)"},
		{"cache-dir", "directory for the last good rule (default: the user cache directory)"},
	} {
		f.values[fl.name] = cmd.Flags().String(fl.name, "", fl.usage)
	}
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
		"zone": &inst.Zone, "listen": &inst.Listen, "advertise": &inst.Advertise, "control-plane": &inst.ControlPlane, "cache-dir": &inst.CacheDir}
	for name, v := range f.values {
		if cmd.Flags().Changed(name) {
			*targets[name] = *v
		}
	}
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

// ports are the control-plane adapters of a data-plane process.
type ports struct {
	registry  switchyard.Registry
	config    switchyard.ConfigCenter
	collector switchyard.MetricsCollector
}

func (c *instanceConfig) ports(logger *slog.Logger) ports {
	return ports{
		registry:  regplane.New(c.ControlPlane, c.Token, logger),
		config:    ccplane.New(c.ControlPlane, c.Token, logger),
		collector: mcplane.New(c.ControlPlane, c.Token),
	}
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
	srv *http.Server
	ln  net.Listener
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
		if !errors.Is(err, http.ErrServerClosed) {
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
