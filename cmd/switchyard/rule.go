package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/rule/releasedoc"
)

// newRuleCmd groups the offline rule tools: they read files and print, and
// never talk to a server.
func newRuleCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rule",
		Short: "Validate, convert and explain Nepxion rules; build rules from release documents",
	}
	cmd.AddCommand(newRuleValidateCmd(), newRuleConvertCmd(), newRuleReleaseDocCmd(), newRuleExplainCmd())
	return cmd
}

func readRule(path string) (*rule.Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := rule.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

func newRuleValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a rule (XML or JSON): Nepxion's checks, ours, and warnings",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := readRule(args[0])
			if err != nil {
				return err
			}
			issues := rule.Validate(r)
			out := cmd.OutOrStdout()
			for _, w := range issues.Warnings() {
				fmt.Fprintf(out, "warning: %s\n", w.Error())
			}
			errs := issues.Errors()
			if len(errs) > 0 {
				return fmt.Errorf("%s: %d error(s):\n%s", args[0], len(errs), errs.Error())
			}
			fmt.Fprintf(out, "%s: valid\n", args[0])
			return nil
		},
	}
}

func newRuleConvertCmd() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "convert FILE --to xml|json",
		Short: "Rewrite a rule in Nepxion's XML or JSON format",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := readRule(args[0])
			if err != nil {
				return err
			}
			out, err := formatRule(r, to)
			if err != nil {
				return err
			}
			err = writeDocument(cmd, out)
			return err
		},
	}
	cmd.Flags().StringVar(&to, "to", "xml", "output format: xml or json")
	return cmd
}

func formatRule(r *rule.Rule, format string) ([]byte, error) {
	switch strings.ToLower(format) {
	case "xml":
		return r.XML(), nil
	case "json":
		return r.JSON(), nil
	}
	return nil, fmt.Errorf("--to must be xml or json, not %q", format)
}

func newRuleReleaseDocCmd() *cobra.Command {
	var instancesPath, basePath, to, app string
	var strict bool
	cmd := &cobra.Command{
		Use:   "release-doc DOC --instances INSTANCES.json [--base RULE.xml]",
		Short: "Print the rule a version-release document (create or recreate, YAML or JSON) produces",
		Long: "Runs the console's create (or, for a document with `condition`, recreate) on the base rule\n" +
			"(default: empty) with the given registry instances, and prints the resulting rule.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			instances, err := readInstances(instancesPath)
			if err != nil {
				return err
			}
			var base *rule.Rule
			if basePath != "" {
				if base, err = readRule(basePath); err != nil {
					return err
				}
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			r, err := applyReleaseDoc(base, data, strings.EqualFold(filepath.Ext(args[0]), ".json"), instances, strict, app)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			out, err := formatRule(r, to)
			if err != nil {
				return err
			}
			err = writeDocument(cmd, out)
			return err
		},
	}
	cmd.Flags().StringVar(&instancesPath, "instances", "", "JSON array of registry instances (required)")
	cmd.Flags().StringVar(&basePath, "base", "", "the currently stored rule (XML or JSON); default empty")
	cmd.Flags().StringVar(&to, "to", "xml", "output format: xml or json")
	cmd.Flags().BoolVar(&strict, "strict", false, "also apply the release console's checks (weights sum to 100, …)")
	cmd.Flags().StringVar(&app, "app", "", "with --strict: the entry app, which the service list must not contain")
	_ = cmd.MarkFlagRequired("instances")
	return cmd
}

func readInstances(path string) ([]rule.Instance, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var instances []rule.Instance
	if err := dec.Decode(&instances); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return instances, nil
}

// applyReleaseDoc reads a create document, or a recreate document when it
// has a "condition" field, applies it to base, and refuses the result
// unless the data plane would apply it (rule.Check: expressions within the
// supported subset — no type references or method calls — and the
// budgets), with or without --strict.
func applyReleaseDoc(base *rule.Rule, data []byte, isJSON bool, instances []rule.Instance, strict bool, app string) (*rule.Rule, error) {
	r, err := buildReleaseDoc(base, data, isJSON, instances, strict, app)
	if err != nil {
		return nil, err
	}
	if err := rule.Check(r.XML()); err != nil {
		return nil, err
	}
	return r, nil
}

func buildReleaseDoc(base *rule.Rule, data []byte, isJSON bool, instances []rule.Instance, strict bool, app string) (*rule.Rule, error) {
	parse, parseRecreate := releasedoc.ParseYAML, releasedoc.ParseRecreateYAML
	if isJSON {
		parse, parseRecreate = releasedoc.ParseJSON, releasedoc.ParseRecreateJSON
	}
	doc, err := parse(data)
	if err != nil {
		recreate, rerr := parseRecreate(data)
		if rerr != nil {
			return nil, err
		}
		return releasedoc.RecreateRelease(base, recreate, instances)
	}
	if strict {
		doc.Normalize()
		if err := doc.ValidateConsole(app).Err(); err != nil {
			return nil, err
		}
	}
	return releasedoc.CreateRelease(base, doc, instances)
}

func newRuleExplainCmd() *cobra.Command {
	var service string
	var headers, params, cookies []string
	cmd := &cobra.Command{
		Use:   "explain RULE --service SVC [--header k=v] [--param k=v] [--cookie k=v]",
		Short: "Show which condition a request matches, which route it takes, and why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := readRule(args[0])
			if err != nil {
				return err
			}
			c, err := rule.Compile(r)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			req := rule.MapRequest{}
			for _, kv := range []struct {
				flag string
				list []string
				dst  *map[string]string
			}{{"--header", headers, &req.Headers}, {"--param", params, &req.Params}, {"--cookie", cookies, &req.Cookies}} {
				m, err := pairs(kv.flag, kv.list)
				if err != nil {
					return err
				}
				*kv.dst = m
			}
			ex := c.Explain(req, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), service)
			_, err = fmt.Fprint(cmd.OutOrStdout(), ex.String())
			return err
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "resolve route values for this provider service")
	cmd.Flags().StringArrayVar(&headers, "header", nil, "request header name=value (repeatable)")
	cmd.Flags().StringArrayVar(&params, "param", nil, "query parameter name=value (repeatable)")
	cmd.Flags().StringArrayVar(&cookies, "cookie", nil, "cookie name=value (repeatable)")
	return cmd
}

func pairs(flag string, list []string) (map[string]string, error) {
	m := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s %q: want name=value", flag, kv)
		}
		m[k] = v
	}
	return m, nil
}

// writeDocument prints a rule or document exactly as Nepxion serialises it
// (no final newline), so piped output compares byte for byte; a terminal
// gets a final newline for the prompt's sake.
func writeDocument(cmd *cobra.Command, doc []byte) error {
	w := cmd.OutOrStdout()
	if _, err := w.Write(doc); err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		_, err := w.Write([]byte("\n"))
		return err
	}
	return nil
}
