package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Read and write rule configs in the built-in config center",
		Long: `Read and write configs by (group, dataId). A service's partial rule is at
(group, service id), the group's global rule at (group, group).`,
	}
	get := &cobra.Command{
		Use: "get GROUP DATA_ID", Short: "Print the current config (the raw text; -o json for the entry)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			e, err := c.Config(cmd.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			if global.output == "table" {
				_, err := io.WriteString(cmd.OutOrStdout(), e.Content+trailingNewline(e.Content))
				return err
			}
			return output(cmd.OutOrStdout(), e, nil)
		},
	}
	var format string
	var ifVersion int64
	put := &cobra.Command{
		Use: "put GROUP DATA_ID FILE", Short: "Write a config from FILE (- for standard input)", Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			content, err := readInput(cmd, args[2])
			if err != nil {
				return err
			}
			if format == "" {
				format = guessFormat(content)
			}
			e, err := c.PutConfig(cmd.Context(), args[0], args[1], content, format, ifVersion)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), e, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "%s: version %d written by %s\n", e.Key, e.Version, e.UpdatedBy)
			})
		},
	}
	put.Flags().StringVar(&format, "format", "", "xml, json, yaml, properties, html or text (default: from the content)")
	put.Flags().Int64Var(&ifVersion, "if-version", -1, "write only if the current version is this (0 = never written)")
	del := &cobra.Command{
		Use: "delete GROUP DATA_ID", Short: "Remove a config (kept in the history)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			e, err := c.DeleteConfig(cmd.Context(), args[0], args[1])
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), e, func(tw *tabwriter.Writer) { fmt.Fprintf(tw, "%s: removed (version %d)\n", e.Key, e.Version) })
		},
	}
	var limit int
	history := &cobra.Command{
		Use: "history GROUP DATA_ID", Short: "List the versions of a config, newest first", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			h, err := c.ConfigHistory(cmd.Context(), args[0], args[1], limit)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), h, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "VERSION\tTIME\tBY\tFORMAT\tSIZE\tSTATE")
				for _, e := range h {
					state := "set"
					if e.Deleted {
						state = "deleted"
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", e.Version, e.UpdatedAt.Local().Format("2006-01-02 15:04:05"), e.UpdatedBy, e.Format, len(e.Content), state)
				}
			})
		},
	}
	history.Flags().IntVar(&limit, "limit", 20, "how many versions")
	cmd.AddCommand(get, put, del, history)
	return cmd
}

func trailingNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return ""
	}
	return "\n"
}

// readInput reads a file, or standard input for "-".
func readInput(cmd *cobra.Command, name string) (string, error) {
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(cmd.InOrStdin())
	} else {
		b, err = os.ReadFile(name)
	}
	return string(b), err
}

func guessFormat(content string) string {
	t := strings.TrimSpace(content)
	switch {
	case strings.HasPrefix(t, "<"):
		return "xml"
	case strings.HasPrefix(t, "{"), strings.HasPrefix(t, "["):
		return "json"
	}
	return "text"
}

func newServiceCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "service", Short: "Look at the registry: groups, services, instances"}
	groups := &cobra.Command{
		Use: "groups", Short: "List the groups instances registered with", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			gs, err := c.RegistryGroups(cmd.Context())
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), gs, func(tw *tabwriter.Writer) {
				for _, g := range gs {
					fmt.Fprintln(tw, g)
				}
			})
		},
	}
	var group string
	list := &cobra.Command{
		Use: "list", Short: "List services with their type and online versions", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			all, err := c.Instances(cmd.Context(), "", group)
			if err != nil {
				return err
			}
			type row struct {
				Service  string   `json:"service"`
				Type     string   `json:"type"`
				Group    string   `json:"group"`
				Versions []string `json:"versions"`
				Count    int      `json:"instances"`
			}
			var rows []*row
			idx := map[string]*row{}
			for _, in := range all {
				r := idx[in.Service+"/"+in.Group]
				if r == nil {
					r = &row{Service: in.Service, Type: in.Type, Group: in.Group}
					idx[in.Service+"/"+in.Group] = r
					rows = append(rows, r)
				}
				r.Count++
				if !slices.Contains(r.Versions, in.Version) {
					r.Versions = append(r.Versions, in.Version)
				}
			}
			return output(cmd.OutOrStdout(), rows, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "SERVICE\tTYPE\tGROUP\tVERSIONS\tINSTANCES")
				for _, r := range rows {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.Service, r.Type, r.Group, strings.Join(r.Versions, ";"), r.Count)
				}
			})
		},
	}
	list.Flags().StringVar(&group, "group", "", "only this group")
	instances := &cobra.Command{
		Use: "instances SERVICE", Short: "List the instances of a service", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			list, err := c.Instances(cmd.Context(), args[0], "")
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) { instanceTable(tw, list) })
		},
	}
	cmd.AddCommand(groups, list, instances)
	return cmd
}

func instanceTable(tw *tabwriter.Writer, list []*switchyard.Instance) {
	fmt.Fprintln(tw, "ADDRESS\tVERSION\tREGION\tENV\tZONE\tGROUP\tID\tSTARTED")
	for _, in := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in.Address(), in.Version, in.Region, in.Env, in.Zone, in.Group, in.ID, in.StartTime.Local().Format("2006-01-02 15:04:05"))
	}
}
