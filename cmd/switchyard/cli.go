package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard/client"
)

// globalFlags are the client flags every command has.
type globalFlags struct {
	server string
	token  string
	output string
}

var global globalFlags

func registerGlobalFlags(root *cobra.Command) {
	root.PersistentFlags().StringVar(&global.server, "server", "", "switchyard server URL (env SWITCHYARD_SERVER; default from `switchyard login`, else http://127.0.0.1:8080)")
	root.PersistentFlags().StringVar(&global.token, "token", "", "API token (env SWITCHYARD_TOKEN; default from `switchyard login`)")
	root.PersistentFlags().StringVarP(&global.output, "output", "o", "table", "output format: table, json or yaml")
}

// cliConfig is what `switchyard login` saves.
type cliConfig struct {
	Server string `yaml:"server"`
	Token  string `yaml:"token"`
}

// cliConfigPath is where the CLI keeps its server and token.
func cliConfigPath() string {
	if p := os.Getenv("SWITCHYARD_CLI_CONFIG"); p != "" {
		return p
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "switchyard", "cli.yaml")
}

func readCLIConfig() (cliConfig, error) {
	var c cliConfig
	b, err := os.ReadFile(cliConfigPath())
	if os.IsNotExist(err) {
		return c, nil
	} else if err != nil {
		return c, err
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("%s: %w", cliConfigPath(), err)
	}
	return c, nil
}

func writeCLIConfig(c cliConfig) error {
	p := cliConfigPath()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	b, _ := yaml.Marshal(c)
	return os.WriteFile(p, b, 0o600)
}

// serverURL resolves the server: flag, env, saved config, default.
func serverURL() string {
	if global.server != "" {
		return global.server
	}
	if s := os.Getenv("SWITCHYARD_SERVER"); s != "" {
		return s
	}
	if c, err := readCLIConfig(); err == nil && c.Server != "" {
		return c.Server
	}
	return "http://127.0.0.1:8080"
}

// apiClient builds the client from the flags, env and saved config.
func apiClient() (*client.Client, error) {
	token := global.token
	if token == "" {
		token = os.Getenv("SWITCHYARD_TOKEN")
	}
	if token == "" {
		c, err := readCLIConfig()
		if err != nil {
			return nil, err
		}
		token = c.Token
	}
	return client.New(serverURL(), token), nil
}

// output prints v as JSON or YAML, or calls table for the table format.
// Tables are written through a terminalWriter; tables should also pass
// text from the server through cell, so a line break stays in its cell.
func output(w io.Writer, v any, table func(tw *tabwriter.Writer)) error {
	switch global.output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "yaml":
		// Through JSON, so YAML keys are the API's field names.
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		var generic any
		_ = json.Unmarshal(b, &generic)
		out, err := yaml.Marshal(generic)
		if err != nil {
			return err
		}
		_, err = w.Write(out)
		return err
	case "table", "":
		if table == nil { // no table form: JSON
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
		// Escaped after alignment: a control character only ever comes
		// from the server's text, and a misaligned row beats a forged one.
		tw := tabwriter.NewWriter(terminalWriter{w}, 0, 4, 2, ' ', 0)
		table(tw)
		return tw.Flush()
	}
	return &exitError{code: 2, err: fmt.Errorf("--output %q must be table, json or yaml", global.output)}
}

// remarshal copies a generic value (decoded YAML) into a typed one through
// JSON, refusing unknown fields.
func remarshal(in any, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}
