package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"
)

// demoAdminPassword is the documented password of the demo's admin user.
const demoAdminPassword = "switchyard-demo"

func newDemoCmd() *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the all-in-one demo on embedded defaults",
		Long: `Run the all-in-one demo: the control plane on an embedded SQLite store in
DATA_DIR/demo, with the user "admin" and the password "` + demoAdminPassword + `".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base := defaultConfig()
			base.DataDir = filepath.Join(defaultDataDir(), "demo")
			base.AdminPassword = demoAdminPassword
			cfg, err := f.load(cmd, base)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if f.printConfig {
				return printConfig(cmd.OutOrStdout(), cfg)
			}
			return serve(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr(), serveOptions{demo: true, banner: demoBanner})
		},
	}
	f.register(cmd, "127.0.0.1:8080")
	return cmd
}

func demoBanner(w io.Writer, url string) {
	fmt.Fprintf(w, "demo: sign in at %s/ as admin / %s\n", url, demoAdminPassword)
	fmt.Fprintln(w, "demo: press Ctrl-C to stop")
}
