package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// run executes the CLI with args and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

// newRootCmd builds the command tree. Every subcommand is added here.
func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "switchyard",
		Short:         "Full-link blue-green and gray release orchestration",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	registerGlobalFlags(root)
	root.AddCommand(
		newVersionCmd(),
		newServerCmd(),
		newDemoCmd(),
		newOpenAPICmd(),
		newLoginCmd(),
		newLogoutCmd(),
		newWhoamiCmd(),
		newUserCmd(),
		newGroupCmd(),
		newTokenCmd(),
		newAuditCmd(),
		newReleaseCmd(),
		newConfigCmd(),
		newServiceCmd(),
		newGatewayCmd(),
		newSidecarCmd(),
		newDemoServiceCmd(),
		newRuleCmd(),
		newWorkflowCmd(),
		newExecCmd(),
		newVerifyCmd(),
	)
	return root
}
