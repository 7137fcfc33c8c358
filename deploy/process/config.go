package process

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Catalog is what the deployer may run: each service's command and ports,
// and the settings every service shares. The zero values of the shared
// settings are the defaults below.
type Catalog struct {
	// Binary is the program of services that name none (default: this
	// process's own executable, os.Executable).
	Binary string `yaml:"binary"`
	// MaxInstances bounds Ensure's instances per service version (default 16).
	MaxInstances int `yaml:"max_instances"`
	// StopGrace is how long a stop waits after SIGTERM before SIGKILL
	// (default 10s).
	StopGrace time.Duration `yaml:"stop_grace"`
	// StartTimeout is how long Ensure waits for a started instance to
	// accept connections on its port (default 20s).
	StartTimeout time.Duration `yaml:"start_timeout"`
	// LogMaxBytes caps an instance's log file: a log larger than this when
	// the instance starts is emptied first (default 8 MiB).
	LogMaxBytes int64 `yaml:"log_max_bytes"`
	// PassEnv names the control plane's environment variables children get
	// (default PATH, HOME, USER, LANG, LC_ALL, TZ, TMPDIR). SWITCHYARD_*
	// names are refused: set what a child needs in Env.
	PassEnv []string `yaml:"pass_env"`
	// Env is set in every child's environment, after PassEnv.
	Env map[string]string `yaml:"env"`
	// Services are the services the deployer knows; Ensure refuses others.
	Services []Service `yaml:"services"`
}

// Service is one service's command. Args are a template: each of these
// placeholders is replaced, anywhere in an argument:
//
//	{name}      the service's name           {version}  the version
//	{group}     the group (the spec's, or Group)
//	{host}      Host                          {port}     the instance's port
//	{instance}  <name>-<version>-<n>          {index}    n, from 1
//	{datadir}   the instance's own directory, kept across restarts
//
// The args must name {port}, {datadir} or {instance}, so each instance's
// command line is its own (adoption identifies processes by it).
type Service struct {
	Name string `yaml:"name"`
	// Binary is the program (default Catalog.Binary); a name without a
	// slash is looked up in PATH when the deployer is made.
	Binary string   `yaml:"binary"`
	Args   []string `yaml:"args"`
	// Group is {group} when the spec names none.
	Group string `yaml:"group"`
	// Host is the address instances listen on (default 127.0.0.1).
	Host string `yaml:"host"`
	// Ports is the range instances get a free port from, unless their
	// version has fixed Ports.
	Ports PortRange `yaml:"ports"`
	// Versions give a version fixed ports (instance n gets the n-th) and
	// arguments appended to Args (the demo's region, env and zone).
	Versions []Version `yaml:"versions"`
	// Env is set in the service's children, after Catalog.Env.
	Env map[string]string `yaml:"env"`
	// Dir is the working directory (default: the instance's {datadir}).
	Dir string `yaml:"dir"`
	// NoWait: the command does not listen on {port}; Ensure returns once
	// it is started instead of waiting for the port.
	NoWait bool `yaml:"no_wait"`
}

// Version is what one version of a service has of its own.
type Version struct {
	Version string   `yaml:"version"`
	Ports   []int    `yaml:"ports"`
	Args    []string `yaml:"args"`
}

// PortRange is an inclusive range of TCP ports; the zero range is none.
type PortRange struct {
	From int `yaml:"from"`
	To   int `yaml:"to"`
}

func (r PortRange) empty() bool { return r.From == 0 && r.To == 0 }

func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.From, r.To) }

// defaultPassEnv is what children get of the control plane's environment.
var defaultPassEnv = []string{"PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR"}

// nameRE is what service names and versions look like: they become file
// names, so no separators and no "." or "..".
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

var envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// withDefaults returns c with every zero shared setting defaulted and
// each service's binary resolved.
func (c Catalog) withDefaults() (Catalog, error) {
	if c.Binary == "" {
		self, err := os.Executable()
		if err != nil {
			return c, fmt.Errorf("process: find this program's executable: %w", err)
		}
		c.Binary = self
	}
	if c.MaxInstances == 0 {
		c.MaxInstances = 16
	}
	if c.StopGrace == 0 {
		c.StopGrace = 10 * time.Second
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = 20 * time.Second
	}
	if c.LogMaxBytes == 0 {
		c.LogMaxBytes = 8 << 20
	}
	if c.PassEnv == nil {
		c.PassEnv = defaultPassEnv
	}
	svcs := make([]Service, len(c.Services))
	for i, s := range c.Services {
		if s.Binary == "" {
			s.Binary = c.Binary
		}
		if s.Host == "" {
			s.Host = "127.0.0.1"
		}
		svcs[i] = s
	}
	c.Services = svcs
	return c, nil
}

// Validate reports the first mistake in c, a CodeInvalid *switchyard.Error
// naming its field (services[1].args[3], …).
func (c Catalog) Validate() error {
	switch {
	case c.MaxInstances < 0:
		return switchyard.FieldErrorf("max_instances", "", "max_instances must not be negative, got %d", c.MaxInstances)
	case c.StopGrace < 0:
		return switchyard.FieldErrorf("stop_grace", "", "stop_grace must not be negative, got %s", c.StopGrace)
	case c.StartTimeout < 0:
		return switchyard.FieldErrorf("start_timeout", "", "start_timeout must not be negative, got %s", c.StartTimeout)
	case c.LogMaxBytes < 0:
		return switchyard.FieldErrorf("log_max_bytes", "", "log_max_bytes must not be negative, got %d", c.LogMaxBytes)
	}
	for i, k := range c.PassEnv {
		f := fmt.Sprintf("pass_env[%d]", i)
		if !envKeyRE.MatchString(k) {
			return switchyard.FieldErrorf(f, "", "%s: %q is not an environment variable name", f, k)
		}
		if strings.HasPrefix(k, "SWITCHYARD_") {
			return switchyard.FieldErrorf(f, "", "%s: %s is the control plane's own setting and is never passed to children; set what a child needs in env", f, k)
		}
	}
	if err := validateEnv("env", c.Env); err != nil {
		return err
	}
	if len(c.Services) == 0 {
		return switchyard.FieldErrorf("services", "", "services: the catalog names no service")
	}
	seen := map[string]bool{}
	for i, s := range c.Services {
		if err := s.validate(fmt.Sprintf("services[%d]", i)); err != nil {
			return err
		}
		if seen[s.Name] {
			return switchyard.FieldErrorf(fmt.Sprintf("services[%d].name", i), "", "services[%d].name: service %s is named twice", i, s.Name)
		}
		seen[s.Name] = true
	}
	return nil
}

func (s Service) validate(f string) error {
	if !nameRE.MatchString(s.Name) {
		return switchyard.FieldErrorf(f+".name", "", "%s.name: %q is not a service name (letters, digits, '.', '_', '-')", f, s.Name)
	}
	if len(s.Args) == 0 {
		return switchyard.FieldErrorf(f+".args", "", "%s.args: service %s has no command", f, s.Name)
	}
	for j, a := range s.Args {
		if err := checkTemplate(a); err != nil {
			return switchyard.FieldErrorf(fmt.Sprintf("%s.args[%d]", f, j), "", "%s.args[%d]: %v", f, j, err)
		}
	}
	if !namesInstance(s.Args) {
		return switchyard.FieldErrorf(f+".args", "", "%s.args: the command of %s must name {port}, {datadir} or {instance}, so each instance's command line is its own", f, s.Name)
	}
	if s.Host != "" && net.ParseIP(s.Host) == nil && !hostRE.MatchString(s.Host) {
		return switchyard.FieldErrorf(f+".host", "", "%s.host: %q is not an IP address or host name", f, s.Host)
	}
	if err := s.Ports.validate(f + ".ports"); err != nil {
		return err
	}
	versions := map[string]bool{}
	for j, v := range s.Versions {
		vf := fmt.Sprintf("%s.versions[%d]", f, j)
		if !nameRE.MatchString(v.Version) {
			return switchyard.FieldErrorf(vf+".version", "", "%s.version: %q is not a version (letters, digits, '.', '_', '-')", vf, v.Version)
		}
		if versions[v.Version] {
			return switchyard.FieldErrorf(vf+".version", "", "%s.version: version %s is named twice", vf, v.Version)
		}
		versions[v.Version] = true
		for k, p := range v.Ports {
			if p < 1 || p > 65535 {
				return switchyard.FieldErrorf(fmt.Sprintf("%s.ports[%d]", vf, k), "", "%s.ports[%d]: %d is not a TCP port", vf, k, p)
			}
			if slices.Contains(v.Ports[:k], p) {
				return switchyard.FieldErrorf(fmt.Sprintf("%s.ports[%d]", vf, k), "", "%s.ports[%d]: port %d is named twice", vf, k, p)
			}
		}
		for k, a := range v.Args {
			if err := checkTemplate(a); err != nil {
				return switchyard.FieldErrorf(fmt.Sprintf("%s.args[%d]", vf, k), "", "%s.args[%d]: %v", vf, k, err)
			}
		}
	}
	return validateEnv(f+".env", s.Env)
}

var hostRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$`)

func (r PortRange) validate(f string) error {
	if r.empty() {
		return nil
	}
	if r.From < 1 || r.To > 65535 || r.From > r.To {
		return switchyard.FieldErrorf(f, "", "%s: %s is not a range of TCP ports (from ≤ to, within 1-65535)", f, r)
	}
	return nil
}

func validateEnv(f string, env map[string]string) error {
	for k := range env {
		if !envKeyRE.MatchString(k) {
			return switchyard.FieldErrorf(f, "", "%s: %q is not an environment variable name", f, k)
		}
	}
	return nil
}

// resolveBinaries looks up binaries named without a slash in PATH, so
// the recorded argv names the program a restarted control plane compares.
func resolveBinaries(c *Catalog) error {
	for i := range c.Services {
		s := &c.Services[i]
		if strings.Contains(s.Binary, "/") {
			continue
		}
		p, err := exec.LookPath(s.Binary)
		if err != nil {
			return switchyard.FieldErrorf(fmt.Sprintf("services[%d].binary", i), "", "services[%d].binary: %s is not in PATH", i, s.Binary).WithCause(err)
		}
		s.Binary = p
	}
	return nil
}

// version returns s's own settings for version v (zero if none).
func (s *Service) version(v string) Version {
	for _, x := range s.Versions {
		if x.Version == v {
			return x
		}
	}
	return Version{}
}
