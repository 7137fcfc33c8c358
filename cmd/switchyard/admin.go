package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
)

func fmtTime(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage users (admin)"}
	var group string
	list := &cobra.Command{
		Use: "list", Short: "List users", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			users, err := c.Users(cmd.Context(), group)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), users, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "NAME\tDISPLAY NAME\tROLE\tGROUPS\tSTATE")
				for _, u := range users {
					state := "enabled"
					if u.Disabled {
						state = "disabled"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", cell(u.Name), cell(u.DisplayName), cell(string(u.Role)), strings.Join(cells(u.Groups), ","), state)
				}
			})
		},
	}
	list.Flags().StringVar(&group, "group", "", "only members of this group")

	var nu switchyard.NewUser
	var role string
	create := &cobra.Command{
		Use: "create NAME", Short: "Create a user; the password is read from standard input", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			pw, err := readPassword(cmd, false)
			if err != nil {
				return err
			}
			nu.Name, nu.Role, nu.Password = args[0], switchyard.Role(role), pw
			u, err := c.CreateUser(cmd.Context(), nu)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), u, func(tw *tabwriter.Writer) { fmt.Fprintf(tw, "created user %s (%s)\n", u.Name, u.Role) })
		},
	}
	create.Flags().StringVar(&role, "role", "viewer", "admin, operator or viewer")
	create.Flags().StringVar(&nu.DisplayName, "display-name", "", "display name")
	create.Flags().StringSliceVar(&nu.Groups, "group", nil, "group to join (repeatable)")

	del := &cobra.Command{
		Use: "delete NAME", Short: "Delete a user", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			if err := c.DeleteUser(cmd.Context(), args[0], 0); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted user %s\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(list, create, del)
	return cmd
}

func newGroupCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "group", Short: "Manage groups"}
	list := &cobra.Command{
		Use: "list", Short: "List groups", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			groups, err := c.Groups(cmd.Context())
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), groups, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "NAME\tDESCRIPTION\tMEMBERS")
				for _, g := range groups {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", cell(g.Name), cell(g.Description), strings.Join(cells(g.Members), ","))
				}
			})
		},
	}
	var ng switchyard.NewGroup
	create := &cobra.Command{
		Use: "create NAME", Short: "Create a group (admin)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			ng.Name = args[0]
			g, err := c.CreateGroup(cmd.Context(), ng)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), g, func(tw *tabwriter.Writer) { fmt.Fprintf(tw, "created group %s\n", g.Name) })
		},
	}
	create.Flags().StringVar(&ng.Description, "description", "", "what the group is")
	cmd.AddCommand(list, create)
	return cmd
}

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var all bool
	list := &cobra.Command{
		Use: "list", Short: "List your API tokens", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			tokens, err := c.Tokens(cmd.Context(), all)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), tokens, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "ID\tUSER\tNAME\tPREFIX\tCREATED\tEXPIRES\tLAST USED\tREVOKED")
				for _, t := range tokens {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s…\t%s\t%s\t%s\t%s\n", cell(t.ID), cell(t.UserName), cell(t.Name), cell(t.Prefix), fmtTime(&t.CreatedAt), fmtTime(t.ExpiresAt), fmtTime(t.LastUsedAt), fmtTime(t.RevokedAt))
				}
			})
		},
	}
	list.Flags().BoolVar(&all, "all", false, "every user's tokens (admin)")
	var expires string
	create := &cobra.Command{
		Use: "create NAME", Short: "Create an API token; the secret is printed once", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			it, err := c.CreateToken(cmd.Context(), switchyard.TokenRequest{Name: args[0], ExpiresIn: expires})
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), it, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "created token %s (%s); the secret is shown only now:\n%s\n", it.Token.ID, it.Token.Name, it.Secret)
			})
		},
	}
	create.Flags().StringVar(&expires, "expires-in", "", "lifetime such as 720h; empty = never expires")
	revoke := &cobra.Command{
		Use: "revoke ID", Short: "Revoke an API token", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			t, err := c.RevokeToken(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), t, func(tw *tabwriter.Writer) { fmt.Fprintf(tw, "revoked token %s (%s)\n", t.ID, t.Name) })
		},
	}
	cmd.AddCommand(list, create, revoke)
	return cmd
}

func newAuditCmd() *cobra.Command {
	var f switchyard.AuditFilter
	cmd := &cobra.Command{
		Use: "audit", Short: "Read the audit log (admin)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			page, err := c.Audit(cmd.Context(), f)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), page, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "TIME\tACTOR\tACTION\tRESOURCE\tSTATUS\tOUTCOME\tFROM\tDETAIL")
				for _, e := range page.Entries {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", e.Time.Local().Format("2006-01-02 15:04:05"), cell(e.Actor), cell(e.Action), cell(e.Resource), e.Status, cell(e.Outcome), cell(e.RemoteAddr), cell(e.Detail))
				}
				if page.Next != "" {
					fmt.Fprintf(tw, "(more: --before %s)\n", cell(page.Next))
				}
			})
		},
	}
	cmd.Flags().StringVar(&f.Actor, "actor", "", "only this user")
	cmd.Flags().StringVar(&f.Action, "action", "", "action prefix, e.g. user.")
	cmd.Flags().StringVar(&f.Outcome, "outcome", "", "ok, refused or error")
	cmd.Flags().StringVar(&f.Before, "before", "", "page cursor")
	cmd.Flags().IntVar(&f.Limit, "limit", 50, "entries per page (1-500)")
	return cmd
}
