package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard/deploy/process"
	"github.com/switchyard-io/switchyard/notify/webhook"
	"github.com/switchyard-io/switchyard/store/postgres"
)

// Config is the server's configuration: defaults, then a YAML file, then
// SWITCHYARD_* environment variables, then flags. Unknown keys are errors.
type Config struct {
	// Listen is the API and console address, host:port.
	Listen string `yaml:"listen"`
	// DataDir holds the SQLite database and local state.
	DataDir string `yaml:"data_dir"`
	// AdminPassword is used once, when the store has no users; empty
	// generates a random password printed once.
	AdminPassword string      `yaml:"admin_password" secret:"all"`
	Store         StoreConfig `yaml:"store"`
	Log           LogConfig   `yaml:"log"`
	Auth          AuthConfig  `yaml:"auth"`
	// Deploy configures the deployers workflows bring versions up and
	// down with; Notify the notifiers they tell people through.
	Deploy   DeployConfig   `yaml:"deploy"`
	Notify   NotifyConfig   `yaml:"notify"`
	Workflow WorkflowConfig `yaml:"workflow"`
}

// DeployConfig holds the deployers' settings.
type DeployConfig struct {
	// Process is the local-process deployer's catalog: the services it
	// knows and how to start them (deploy/process).
	Process process.Catalog `yaml:"process"`
}

// NotifyConfig holds the notifiers.
type NotifyConfig struct {
	Webhooks []WebhookConfig `yaml:"webhooks"`
}

// WebhookConfig is one webhook notifier; its secret comes from the file or,
// better, from the variable SecretEnv names.
type WebhookConfig struct {
	webhook.Config `yaml:",inline"`
	SecretEnv      string `yaml:"secret_env"`
}

// WorkflowConfig shapes the workflow engine.
type WorkflowConfig struct {
	// AllowCommands lets TEST steps run commands on this host (off: anyone
	// who may edit a workflow could otherwise run anything here).
	AllowCommands bool `yaml:"allow_commands"`
}

// StoreConfig selects the database.
type StoreConfig struct {
	// Driver is sqlite (embedded, default) or postgres.
	Driver string `yaml:"driver"`
	// DSN is the SQLite file path (default DATA_DIR/switchyard.db) or the
	// PostgreSQL connection string.
	DSN string `yaml:"dsn" secret:"dsn"`
}

// LogConfig shapes the server log.
type LogConfig struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// AuthConfig shapes console sessions.
type AuthConfig struct {
	// SessionTTL is how long an idle console session lives.
	SessionTTL Duration `yaml:"session_ttl"`
	// SessionMaxAge is how long a console session lives however active
	// (default 7 days); at least SessionTTL.
	SessionMaxAge Duration `yaml:"session_max_age"`
	// SecureCookies marks the session cookie Secure; set it when the
	// console is served over HTTPS.
	SecureCookies bool `yaml:"secure_cookies"`
}

// Duration is a time.Duration written like "12h" in YAML.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30m or 12h", n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML implements yaml.Marshaler.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// defaultConfig returns the built-in defaults.
func defaultConfig() Config {
	return Config{
		Listen:  "127.0.0.1:8080",
		DataDir: defaultDataDir(),
		Store:   StoreConfig{Driver: "sqlite"},
		Log:     LogConfig{Level: "info", Format: "text"},
		Auth:    AuthConfig{SessionTTL: Duration(12 * time.Hour), SessionMaxAge: Duration(7 * 24 * time.Hour)},
	}
}

// defaultDataDir is the per-user data directory.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "switchyard")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "switchyard")
	}
	return "switchyard-data"
}

// configError names the key that is wrong.
type configError struct {
	key, msg string
}

func (e *configError) Error() string { return "config: " + e.key + ": " + e.msg }

// loadFile merges the YAML file at path into c, refusing unknown keys.
func (c *Config) loadFile(path string) error { return loadYAMLFile(path, c) }

// loadYAMLFile merges the YAML file at path into dst (a pointer to a
// struct with yaml tags), refusing unknown keys.
func loadYAMLFile(path string, dst any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: read %s: %w", path, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config: %s is not valid YAML: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	return decodeStrict(doc.Content[0], reflect.ValueOf(dst).Elem(), "")
}

// decodeStrict decodes node into v, naming the full key of any unknown key
// or bad value.
func decodeStrict(node *yaml.Node, v reflect.Value, prefix string) error {
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct {
		if node.Kind != yaml.SequenceNode {
			return &configError{strings.TrimSuffix(prefix, "."), fmt.Sprintf("line %d: must be a list", node.Line)}
		}
		out := reflect.MakeSlice(v.Type(), len(node.Content), len(node.Content))
		for i, item := range node.Content {
			if err := decodeStrict(item, out.Index(i), fmt.Sprintf("%s[%d].", strings.TrimSuffix(prefix, "."), i)); err != nil {
				return err
			}
		}
		v.Set(out)
		return nil
	}
	if v.Kind() != reflect.Struct || v.Type() == reflect.TypeFor[Duration]() {
		if err := node.Decode(v.Addr().Interface()); err != nil {
			return &configError{strings.TrimSuffix(prefix, "."), fmt.Sprintf("line %d: %s", node.Line, yamlMessage(err))}
		}
		return nil
	}
	if node.Kind != yaml.MappingNode {
		return &configError{strings.TrimSuffix(prefix, ".") + "", fmt.Sprintf("line %d: must be a mapping of keys", node.Line)}
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, val := node.Content[i], node.Content[i+1]
		f, ok := fieldByTag(v, k.Value)
		if !ok {
			return &configError{prefix + k.Value, fmt.Sprintf("line %d: unknown key (known keys: %s)", k.Line, strings.Join(knownKeys(v.Type()), ", "))}
		}
		if err := decodeStrict(val, f, prefix+k.Value+"."); err != nil {
			return err
		}
	}
	return nil
}

func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return regexp.MustCompile(`^line \d+: `).ReplaceAllString(te.Errors[0], "")
	}
	return err.Error()
}

// fieldByTag finds the field for a YAML key, looking into ",inline" structs.
func fieldByTag(v reflect.Value, key string) (reflect.Value, bool) {
	for i := range v.NumField() {
		tag := v.Type().Field(i).Tag.Get("yaml")
		if tag == ",inline" {
			if f, ok := fieldByTag(v.Field(i), key); ok {
				return f, true
			}
			continue
		}
		if name := strings.Split(tag, ",")[0]; name == key && name != "-" {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func knownKeys(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == ",inline" {
			out = append(out, knownKeys(t.Field(i).Type)...)
		} else if name := strings.Split(tag, ",")[0]; name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// loadEnv applies SWITCHYARD_<KEY> variables, e.g. SWITCHYARD_STORE_DSN for
// store.dsn. Variables that name no key are ignored (other tools share the
// prefix, such as SWITCHYARD_TEST_POSTGRES).
func (c *Config) loadEnv(getenv func(string) string) error {
	return loadEnvInto(reflect.ValueOf(c).Elem(), getenv)
}

// loadEnvInto applies SWITCHYARD_<KEY> variables to the struct v.
func loadEnvInto(v reflect.Value, getenv func(string) string) error {
	return walkKeys(v, "", func(key string, f reflect.Value) error {
		name := "SWITCHYARD_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
		raw := getenv(name)
		if raw == "" {
			return nil
		}
		if err := setScalar(f, raw); err != nil {
			return &configError{key, fmt.Sprintf("from %s: %v", name, err)}
		}
		return nil
	})
}

// walkKeys calls fn for every scalar key of v, with its dotted name.
func walkKeys(v reflect.Value, prefix string, fn func(key string, f reflect.Value) error) error {
	for i := range v.NumField() {
		key := prefix + strings.Split(v.Type().Field(i).Tag.Get("yaml"), ",")[0]
		f := v.Field(i)
		if key == prefix+"-" || key == prefix || (f.Kind() != reflect.Struct && f.Kind() != reflect.String && f.Kind() != reflect.Bool && f.Type() != reflect.TypeFor[Duration]()) {
			continue // not settable from one variable
		}
		if f.Kind() == reflect.Struct {
			if err := walkKeys(f, key+".", fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(key, f); err != nil {
			return err
		}
	}
	return nil
}

// setScalar parses raw into a string, bool or Duration field.
func setScalar(f reflect.Value, raw string) error {
	switch {
	case f.Type() == reflect.TypeFor[Duration]():
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 30m or 12h", raw)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		f.SetBool(b)
	case f.Kind() == reflect.String:
		f.SetString(raw)
	default:
		return fmt.Errorf("unsupported type %s", f.Type())
	}
	return nil
}

// validate checks every key, naming the first that is wrong, and fills the
// defaults that depend on other keys.
func (c *Config) validate() error {
	if err := validateListen(c.Listen); err != nil {
		return &configError{"listen", err.Error()}
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return &configError{"data_dir", "must not be empty"}
	}
	switch c.Store.Driver {
	case "sqlite":
		if c.Store.DSN == "" {
			c.Store.DSN = filepath.Join(c.DataDir, "switchyard.db")
		}
		if strings.ContainsAny(c.Store.DSN, "?#") || strings.HasPrefix(c.Store.DSN, "postgres") || redactDSN(c.Store.DSN) != c.Store.DSN {
			return &configError{"store.dsn", fmt.Sprintf("%q is not a SQLite file path (for PostgreSQL set store.driver: postgres)", redactDSN(c.Store.DSN))}
		}
	case "postgres":
		if c.Store.DSN == "" {
			return &configError{"store.dsn", "is required when store.driver is postgres (e.g. postgres://user@host:5432/db)"}
		}
		if err := postgres.ParseDSN(c.Store.DSN); err != nil {
			return &configError{"store.dsn", "invalid PostgreSQL DSN: " + redactDSN(err.Error())}
		}
	default:
		return &configError{"store.driver", fmt.Sprintf("%q must be sqlite or postgres", c.Store.Driver)}
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		return &configError{"log.level", fmt.Sprintf("%q must be debug, info, warn or error", c.Log.Level)}
	}
	if !oneOf(c.Log.Format, "text", "json") {
		return &configError{"log.format", fmt.Sprintf("%q must be text or json", c.Log.Format)}
	}
	if time.Duration(c.Auth.SessionTTL) < time.Minute {
		return &configError{"auth.session_ttl", "must be at least 1m"}
	}
	if c.Auth.SessionMaxAge < c.Auth.SessionTTL {
		return &configError{"auth.session_max_age", fmt.Sprintf("must be at least auth.session_ttl (%s)", time.Duration(c.Auth.SessionTTL))}
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		return &configError{"admin_password", "must be at least 8 characters"}
	}
	return nil
}

// validateListen checks a host:port address.
func validateListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port (e.g. 127.0.0.1:8080)", addr)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q: port %q must be a number from 0 to 65535", addr, port)
	}
	if host != "" && net.ParseIP(host) == nil && !regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$`).MatchString(host) {
		return fmt.Errorf("%q: %q is not an IP address or host name", addr, host)
	}
	return nil
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

// redacted returns a copy of c safe to print: secrets replaced.
func (c Config) redacted() Config {
	if c.AdminPassword != "" {
		c.AdminPassword = "<redacted>"
	}
	c.Store.DSN = redactDSN(c.Store.DSN)
	hooks := make([]WebhookConfig, len(c.Notify.Webhooks))
	for i, w := range c.Notify.Webhooks {
		if w.Secret != "" {
			w.Secret = "<redacted>"
		}
		hooks[i] = w
	}
	c.Notify.Webhooks = hooks
	return c
}

// redactDSN hides the password in a URL or key=value DSN.
func redactDSN(dsn string) string { return postgres.RedactDSN(dsn) }
