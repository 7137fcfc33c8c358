package main

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
)

func newWorkflowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workflow",
		Short: "Release workflows (发布流程): templates, create, show, validate, export and import as YAML, versions",
		Long: `A workflow is a release's automation: a graph of steps (deploy, check, shift
traffic, monitor, decide, roll back, take the old version offline, report)
that an execution runs by itself. Every save is a new version. Files are the
API's workflow JSON written as YAML (workflow export writes one).`,
	}
	cmd.SetFlagErrorFunc(usageError)
	cmd.AddCommand(newWorkflowTemplatesCmd(), newWorkflowListCmd(), newWorkflowCreateCmd(), newWorkflowShowCmd(), newWorkflowValidateCmd(),
		newWorkflowExportCmd(), newWorkflowImportCmd(), newWorkflowVersionsCmd(), newWorkflowDeleteCmd())
	return cmd
}

// usageError is a bad flag or argument: exit code 2.
func usageError(_ *cobra.Command, err error) error { return &exitError{code: 2, err: err} }

// exactArgs is cobra.ExactArgs with exit code 2.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError(cmd, err)
		}
		return nil
	}
}

// maxArgs is cobra.MaximumNArgs with exit code 2.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usageError(cmd, err)
		}
		return nil
	}
}

func newWorkflowTemplatesCmd() *cobra.Command {
	return &cobra.Command{
		Use: "templates", Short: "The templates (流程模板) with their default params", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			list, err := c.WorkflowTemplates(cmd.Context())
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "TEMPLATE\tSTEPS\tWEIGHTS\tOBSERVE\tNAME")
				for _, t := range list {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s / %s\n", t.Template, len(t.Steps), orDash(joinInts(t.Params.Weights)), orDash(strings.Join(t.Params.Observe, ",")), cell(t.Name), cell(t.NameEN))
				}
				tw.Flush()
				fmt.Fprintln(tw, "\nparams for workflow create --param: "+strings.Join(paramNames(), ", "))
			})
		},
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

func newWorkflowListCmd() *cobra.Command {
	var releaseID string
	cmd := &cobra.Command{
		Use: "list", Short: "The workflows, newest first", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			list, err := c.Workflows(cmd.Context(), releaseID)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "ID\tRELEASE\tTEMPLATE\tVERSION\tSTEPS\tUPDATED\tBY\tNAME")
				for _, w := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", w.ID, cell(w.ReleaseID), w.Template, w.Version, len(w.Steps), fmtTime(&w.UpdatedAt), cell(w.UpdatedBy), cell(w.Name))
				}
			})
		},
	}
	cmd.Flags().StringVar(&releaseID, "release", "", "only the workflows of this release")
	return cmd
}

func newWorkflowCreateCmd() *cobra.Command {
	var nw switchyard.NewWorkflow
	var template, file string
	var params []string
	cmd := &cobra.Command{
		Use: "create", Short: "Create a workflow of a release from a template (--param) or a file (-f)", Args: exactArgs(0),
		Example: `  switchyard workflow create --release V2.1.0 --template BLUE_GREEN \
    --param newVersion=1.1 --param weights=10,50,100 --param observe=5s,5s,5s
  switchyard workflow create --release V2.1.0 -f workflow.yaml`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			var wf *workflowFile
			if file != "" {
				if template != "" || len(params) > 0 {
					return usageError(cmd, fmt.Errorf("-f takes the graph from the file: give no --template or --param with it"))
				}
				if wf, err = readWorkflowFile(cmd, file); err != nil {
					return err
				}
				nw = switchyard.NewWorkflow{ReleaseID: wf.w.ReleaseID, Name: wf.w.Name, Template: wf.w.Template, Steps: wf.w.Steps, Edges: wf.w.Edges}
			} else {
				nw.Template = switchyard.Template(strings.ToUpper(template))
				if nw.Template == "" {
					return usageError(cmd, fmt.Errorf("--template (BLUE_GREEN, CANARY, ROLLING or CUSTOM) or -f FILE is required"))
				}
				if nw.Params, err = parseParams(params); err != nil {
					return usageError(cmd, err)
				}
			}
			if ch := cmd.Flags().Changed; ch("release") {
				nw.ReleaseID = releaseFlag(cmd)
			}
			if ch := cmd.Flags().Changed; ch("name") {
				nw.Name, _ = cmd.Flags().GetString("name")
			}
			if nw.ReleaseID == "" {
				return usageError(cmd, fmt.Errorf("--release is required (or releaseId in the file)"))
			}
			w, err := c.CreateWorkflow(cmd.Context(), nw)
			if err != nil {
				if wf != nil {
					return wf.annotate(err)
				}
				return err
			}
			return output(cmd.OutOrStdout(), w, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "created workflow %s of release %s (%s, version %d, %d steps, %d edges)\n", w.ID, cell(w.ReleaseID), w.Template, w.Version, len(w.Steps), len(w.Edges))
			})
		},
	}
	cmd.Flags().String("release", "", "the release the workflow operates")
	cmd.Flags().String("name", "", "the workflow's name (default: the release's)")
	cmd.Flags().StringVar(&template, "template", "", "BLUE_GREEN, CANARY, ROLLING or CUSTOM")
	cmd.Flags().StringArrayVar(&params, "param", nil, "template param NAME=VALUE, repeatable: "+strings.Join(paramNames(), ", ")+" (lists comma-separated)")
	cmd.Flags().StringVarP(&file, "file", "f", "", "the workflow as a YAML file (- for standard input) instead of a template")
	return cmd
}

func releaseFlag(cmd *cobra.Command) string { v, _ := cmd.Flags().GetString("release"); return v }

// paramNames are the names --param takes: TemplateParams' JSON fields.
func paramNames() []string {
	t := reflect.TypeFor[switchyard.TemplateParams]()
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

// parseParams reads --param NAME=VALUE into TemplateParams by its JSON
// field names; lists are comma-separated.
func parseParams(params []string) (*switchyard.TemplateParams, error) {
	if len(params) == 0 {
		return nil, nil
	}
	p := &switchyard.TemplateParams{}
	v := reflect.ValueOf(p).Elem()
	for _, kv := range params {
		name, value, ok := strings.Cut(kv, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		i := slices.Index(paramNames(), name)
		if !ok || i < 0 {
			return nil, fmt.Errorf("--param %q must be NAME=VALUE, NAME one of %s", kv, strings.Join(paramNames(), ", "))
		}
		f := v.Field(i)
		bad := func(what string) error { return fmt.Errorf("--param %s=%q: %s", name, value, what) }
		switch f.Kind() {
		case reflect.String:
			f.SetString(value)
		case reflect.Int:
			n, err := strconv.Atoi(value)
			if err != nil {
				return nil, bad("must be a whole number")
			}
			f.SetInt(int64(n))
		case reflect.Slice:
			parts := strings.Split(value, ",")
			for j := range parts {
				parts[j] = strings.TrimSpace(parts[j])
			}
			if f.Type().Elem().Kind() == reflect.String {
				f.Set(reflect.ValueOf(parts))
				continue
			}
			ns := make([]int, len(parts))
			for j, s := range parts {
				n, err := strconv.Atoi(s)
				if err != nil {
					return nil, bad("must be whole numbers separated by commas")
				}
				ns[j] = n
			}
			f.Set(reflect.ValueOf(ns))
		}
	}
	return p, nil
}

// readWorkflowFile reads and strictly decodes a workflow file (- for
// standard input).
func readWorkflowFile(cmd *cobra.Command, name string) (*workflowFile, error) {
	text, err := readInput(cmd, name)
	if err != nil {
		return nil, err
	}
	if name == "-" {
		name = "<stdin>"
	}
	return decodeWorkflowFile(name, []byte(text))
}

func newWorkflowShowCmd() *cobra.Command {
	var version int
	cmd := &cobra.Command{
		Use: "show ID", Short: "A workflow: its steps and edges", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := fetchWorkflow(cmd, args[0], version)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), w, func(tw *tabwriter.Writer) { showWorkflow(tw, w) })
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "a saved version (default: the current one)")
	return cmd
}

func fetchWorkflow(cmd *cobra.Command, id string, version int) (*switchyard.Workflow, error) {
	c, err := apiClient()
	if err != nil {
		return nil, err
	}
	if version > 0 {
		return c.WorkflowVersion(cmd.Context(), id, version)
	}
	return c.Workflow(cmd.Context(), id)
}

// showWorkflow prints a workflow; names (often Chinese, wider than
// tabwriter counts) go last on their lines.
func showWorkflow(tw *tabwriter.Writer, w *switchyard.Workflow) {
	fmt.Fprintf(tw, "id\t%s\nname\t%s\nrelease\t%s\ntemplate\t%s\nversion\t%d (saved %s by %s)\n\n", w.ID, cell(w.Name), cell(w.ReleaseID), w.Template, w.Version, fmtTime(&w.UpdatedAt), cell(w.UpdatedBy))
	fmt.Fprintln(tw, "STEP\tTYPE\tTIMEOUT\tON FAILURE\tPRECONDITIONS\tPOST-ACTIONS\tCONFIG\tNAME")
	for _, s := range w.Steps {
		timeout := "-"
		if s.Timeout > 0 {
			timeout = strconv.FormatFloat(s.Timeout, 'f', -1, 64) + "m"
		}
		onFailure := "-"
		if s.OnFailure != nil {
			onFailure = string(s.OnFailure.Action)
			if s.OnFailure.Action == switchyard.OnFailureRetry {
				onFailure += fmt.Sprintf("×%d", s.OnFailure.Retries)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(s.ID), s.Type, timeout, onFailure, orDash(cell(strings.Join(s.Preconditions, ","))),
			orDash(cell(strings.Join(s.PostActions, ","))), orDash(cell(clipRunes(string(s.Config), 60))), cell(s.Name))
	}
	fmt.Fprintln(tw, "\nEDGES")
	for _, e := range w.Edges {
		extra := ""
		if e.When != "" {
			extra += " [" + e.When + "]"
		}
		if e.MaxTraversals != nil {
			extra += fmt.Sprintf(" (at most %d×)", *e.MaxTraversals)
		}
		fmt.Fprintf(tw, "%s → %s%s\n", cell(e.From), cell(e.To), cell(extra))
	}
}

// clipRunes shortens s to n runes, marking the cut with …
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func newWorkflowValidateCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use: "validate [ID]", Short: "Validate the saved workflow, or a file (-f) against it: every problem with its field", Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			var wf *workflowFile
			var graph *switchyard.WorkflowUpdate
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			if file != "" {
				if wf, err = readWorkflowFile(cmd, file); err != nil {
					return err
				}
				graph = &switchyard.WorkflowUpdate{Version: wf.w.Version, Name: wf.w.Name, Template: wf.w.Template, Steps: wf.w.Steps, Edges: wf.w.Edges}
				if id == "" {
					id = wf.w.ID
				}
			}
			if id == "" {
				return usageError(cmd, fmt.Errorf("name the workflow: validate ID, or -f FILE with an id"))
			}
			v, err := c.ValidateWorkflow(cmd.Context(), id, graph)
			if err != nil {
				return err
			}
			if err := output(cmd.OutOrStdout(), v, func(tw *tabwriter.Writer) { showValidation(tw, id, v, wf) }); err != nil {
				return err
			}
			if !v.Valid {
				return &exitError{code: 1, err: fmt.Errorf("workflow %s has %d problem(s)", id, len(v.Issues))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "validate this YAML file's graph (- for standard input) instead of the saved one")
	return cmd
}

func showValidation(tw *tabwriter.Writer, id string, v *switchyard.Validation, wf *workflowFile) {
	if v.Valid {
		fmt.Fprintf(tw, "%s is valid\n", id)
		return
	}
	for _, p := range v.Issues {
		where := cell(p.Field)
		if wf != nil {
			where = fmt.Sprintf("%s:%d: %s", wf.name, wf.lineOf(p.Field), where)
		}
		fmt.Fprintf(tw, "%s: %s\n", where, cell(p.Message))
	}
}

func newWorkflowExportCmd() *cobra.Command {
	var version int
	var file string
	cmd := &cobra.Command{
		Use: "export ID", Short: "Write a workflow as a YAML file (the API's JSON shape); import reads it back", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := fetchWorkflow(cmd, args[0], version)
			if err != nil {
				return err
			}
			if file == "" || file == "-" {
				return exportYAML(cmd.OutOrStdout(), w)
			}
			f, err := os.Create(file)
			if err != nil {
				return err
			}
			if err := exportYAML(f, w); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "a saved version (default: the current one)")
	cmd.Flags().StringVarP(&file, "file", "f", "", "write to this file (default: standard output)")
	return cmd
}

func newWorkflowImportCmd() *cobra.Command {
	var file string
	cmd := &cobra.Command{
		Use: "import [FILE]", Short: "Save a YAML file: as the next version of the workflow its id names (its version must be the current one), or as a new workflow",
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				file = args[0]
			}
			if file == "" {
				return usageError(cmd, fmt.Errorf("name the file: import FILE or -f FILE (- for standard input)"))
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			wf, err := readWorkflowFile(cmd, file)
			if err != nil {
				return err
			}
			w := wf.w
			if w.ID == "" {
				if ch := cmd.Flags().Changed; ch("release") {
					w.ReleaseID = releaseFlag(cmd)
				}
				created, err := c.CreateWorkflow(cmd.Context(), switchyard.NewWorkflow{ReleaseID: w.ReleaseID, Name: w.Name, Template: w.Template, Steps: w.Steps, Edges: w.Edges})
				if err != nil {
					return wf.annotate(err)
				}
				return output(cmd.OutOrStdout(), created, func(tw *tabwriter.Writer) {
					fmt.Fprintf(tw, "created workflow %s of release %s (version %d)\n", created.ID, cell(created.ReleaseID), created.Version)
				})
			}
			cur, err := c.Workflow(cmd.Context(), w.ID)
			if err != nil {
				return err
			}
			if w.ReleaseID != "" && w.ReleaseID != cur.ReleaseID {
				return fmt.Errorf("%s:%d: releaseId: %s belongs to release %s, not %s; remove id to create a new workflow", wf.name, wf.lineOf("releaseId"), w.ID, cur.ReleaseID, w.ReleaseID)
			}
			if w.Version == 0 {
				return fmt.Errorf("%s: version is required to save %s: the version the file is based on (workflow export writes it)", wf.name, w.ID)
			}
			saved, err := c.UpdateWorkflow(cmd.Context(), w.ID, switchyard.WorkflowUpdate{Version: w.Version, Name: w.Name, Template: w.Template, Steps: w.Steps, Edges: w.Edges})
			if err != nil {
				return wf.annotate(err)
			}
			return output(cmd.OutOrStdout(), saved, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "saved workflow %s: version %d → %d\n", saved.ID, w.Version, saved.Version)
			})
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "", "the YAML file (- for standard input)")
	cmd.Flags().String("release", "", "for a file without an id: the release of the new workflow (default: releaseId in the file)")
	return cmd
}

func newWorkflowVersionsCmd() *cobra.Command {
	return &cobra.Command{
		Use: "versions ID", Short: "The saved versions of a workflow, newest first", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			list, err := c.WorkflowVersions(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "VERSION\tSAVED\tBY")
				for _, v := range list {
					fmt.Fprintf(tw, "%d\t%s\t%s\n", v.Version, fmtTime(&v.SavedAt), cell(v.SavedBy))
				}
			})
		},
	}
}

func newWorkflowDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use: "delete ID", Short: "Delete a workflow and its versions (refused while an execution of it runs)", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			if err := c.DeleteWorkflow(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted workflow %s\n", args[0])
			return nil
		},
	}
}
