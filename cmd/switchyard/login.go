package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

func newLoginCmd() *cobra.Command {
	var username string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in and save an API token for the CLI",
		Long: `Sign in with a user name and password. The server issues an API token that
is saved with the server URL in the CLI config file (SWITCHYARD_CLI_CONFIG, by
default ~/.config/switchyard/cli.yaml, mode 0600); the password is not saved.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			password, err := readPassword(cmd, passwordStdin)
			if err != nil {
				return err
			}
			host, _ := os.Hostname()
			c := client.New(serverURL(), "")
			it, err := c.LoginToken(cmd.Context(), switchyard.LoginRequest{Username: username, Password: password, TokenName: "cli@" + host})
			if err != nil {
				return err
			}
			if err := writeCLIConfig(cliConfig{Server: c.BaseURL, Token: it.Secret}); err != nil {
				return fmt.Errorf("save token: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signed in to %s as %s. Token %s… saved in %s\n", c.BaseURL, username, it.Token.Prefix, cliConfigPath())
			return nil
		},
	}
	cmd.Flags().StringVarP(&username, "username", "u", "admin", "user name")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from standard input")
	return cmd
}

// readPassword reads the password without echo from a terminal, or a line
// from standard input.
func readPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	if f, ok := cmd.InOrStdin().(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(cmd.ErrOrStderr(), "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		return string(b), err
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Revoke the saved API token and forget it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := readCLIConfig()
			if err != nil {
				return err
			}
			if cfg.Token == "" {
				fmt.Fprintln(cmd.OutOrStdout(), "Not signed in.")
				return nil
			}
			c := client.New(serverURL(), cfg.Token)
			if me, err := c.Me(cmd.Context()); err == nil {
				tokens, _ := c.Tokens(cmd.Context(), false)
				for _, t := range tokens {
					if strings.HasPrefix(cfg.Token, t.Prefix) && t.RevokedAt == nil && t.UserID == me.User.ID {
						_, _ = c.RevokeToken(cmd.Context(), t.ID)
					}
				}
			}
			cfg.Token = ""
			if err := writeCLIConfig(cfg); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Signed out.")
			return nil
		},
	}
}

func newWhoamiCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show the signed-in user",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			me, err := c.Me(cmd.Context())
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), me.User, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "user\t%s\n", cell(me.User.Name))
				fmt.Fprintf(tw, "name\t%s\n", cell(me.User.DisplayName))
				fmt.Fprintf(tw, "role\t%s\n", me.User.Role)
				fmt.Fprintf(tw, "groups\t%s\n", strings.Join(cells(me.User.Groups), ", "))
				fmt.Fprintf(tw, "server\t%s\n", c.BaseURL)
				fmt.Fprintf(tw, "via\t%s\n", me.Via)
			})
		},
	}
}
