package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// execFlags are the flags every exec command shares.
type execFlags struct {
	lang string
}

func (f *execFlags) language() (string, error) { return cliLang(f.lang) }

func newExecCmd() *cobra.Command {
	f := &execFlags{}
	cmd := &cobra.Command{
		Use:   "exec",
		Short: "Executions of workflows (执行监控): start, list, get --watch, logs -f, and the signals pause, resume, abort, rollback, retry, skip, approve, reject",
	}
	cmd.SetFlagErrorFunc(usageError)
	cmd.PersistentFlags().StringVar(&f.lang, "lang", "", "language of messages and labels: zh or en (default from LC_ALL, LC_MESSAGES or LANG: zh_* → zh)")
	cmd.AddCommand(newExecStartCmd(f), newExecListCmd(f), newExecGetCmd(f), newExecLogsCmd(f))
	for _, s := range []struct{ kind, short string }{
		{"pause", "暂停: pause a running execution (a gradual shift holds where it is)"},
		{"resume", "继续: resume a paused execution"},
		{"abort", "终止: end the execution (ABORTED); the traffic stays where it is"},
		{"rollback", "回滚: all traffic back to the old versions"},
		{"retry", "重试: run the failed step again"},
		{"skip", "跳过: skip the current step"},
		{"approve", "批准: approve the step waiting for an approval"},
		{"reject", "驳回: reject the step waiting for an approval"},
	} {
		cmd.AddCommand(newExecSignalCmd(f, s.kind, s.short))
	}
	return cmd
}

func newExecStartCmd(f *execFlags) *cobra.Command {
	var req switchyard.StartRequest
	var watch bool
	cmd := &cobra.Command{
		Use: "start WORKFLOW", Short: "Start an execution of a workflow and print its id", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := f.language()
			if err != nil {
				return err
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			x, err := c.StartExecution(cmd.Context(), args[0], req, lang)
			if err != nil {
				return err
			}
			if watch {
				return watchExecution(cmd.Context(), c, x.ID, lang, cmd.OutOrStdout(), 10)
			}
			return output(cmd.OutOrStdout(), x, func(tw *tabwriter.Writer) { fmt.Fprintln(tw, x.ID) })
		},
	}
	cmd.Flags().IntVar(&req.Version, "version", 0, "run this saved version (default: the current one)")
	cmd.Flags().BoolVar(&watch, "watch", false, "then follow it as exec get --watch does")
	return cmd
}

func newExecListCmd(f *execFlags) *cobra.Command {
	var fl switchyard.ExecutionFilter
	var status, since, until string
	cmd := &cobra.Command{
		Use: "list", Short: "Executions (执行记录), newest first, with the numbers over them", Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang, err := f.language()
			if err != nil {
				return err
			}
			fl.Status = switchyard.ExecutionStatus(strings.ToUpper(status))
			for _, t := range []struct {
				flag, v string
				dst     *time.Time
			}{{"since", since, &fl.Since}, {"until", until, &fl.Until}} {
				if t.v == "" {
					continue
				}
				if *t.dst, err = parseWhen(t.v, time.Now()); err != nil {
					return usageError(cmd, fmt.Errorf("--%s %q: %w", t.flag, t.v, err))
				}
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			list, err := c.Executions(cmd.Context(), fl, lang)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "ID\tWORKFLOW\tRELEASE\tSTATUS\tSTARTED\tDURATION\tBY\tCURRENT STEP")
				for _, e := range list.Executions {
					fmt.Fprintf(tw, "%s\t%s v%d\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(e.ID), cell(e.WorkflowID), e.WorkflowVersion, cell(e.ReleaseID), e.Status,
						fmtTime(&e.StartTime), seconds(e.Duration), cell(e.StartedBy), orDash(cell(e.CurrentStep)))
				}
				st := list.Stats
				tw.Flush()
				fmt.Fprintf(tw, "\n%d executions · %.1f per week · %d rolled back (%.1f%%) · median duration %s\n", st.Total, st.PerWeek, st.RolledBack, st.RolledBackRate, seconds(st.MedianDuration))
			})
		},
	}
	cmd.Flags().StringVar(&fl.WorkflowID, "workflow", "", "only executions of this workflow")
	cmd.Flags().StringVar(&fl.ReleaseID, "release", "", "only executions of this release")
	cmd.Flags().StringVar(&status, "status", "", "only RUNNING, PAUSED, COMPLETED, FAILED, ROLLED_BACK or ABORTED")
	cmd.Flags().StringVar(&fl.StartedBy, "started-by", "", "only executions started by this user")
	cmd.Flags().StringVar(&since, "since", "", "started at or after: RFC 3339 time or a duration ago (24h)")
	cmd.Flags().StringVar(&until, "until", "", "started before: RFC 3339 time or a duration ago")
	cmd.Flags().IntVar(&fl.Limit, "limit", 0, "at most this many (default 100, at most 1000)")
	return cmd
}

// parseWhen reads an RFC 3339 time or a duration before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return time.Time{}, fmt.Errorf("must be an RFC 3339 time (2026-11-23T10:00:00Z) or a duration ago (24h)")
	}
	return now.Add(-d), nil
}

func newExecGetCmd(f *execFlags) *cobra.Command {
	var watch bool
	var logs int
	cmd := &cobra.Command{
		Use: "get EXECUTION", Short: "An execution: overview, steps (✅ 🔵 ⚪ ❌ ⏭️), blue/green metrics, alerts, the last log lines",
		Long: `Print an execution as the console's execution page shows it. With --watch the
page follows the execution's live stream: redrawn in place on a terminal,
printed again at each change otherwise, until the execution ends.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := f.language()
			if err != nil {
				return err
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			if watch {
				return watchExecution(cmd.Context(), c, args[0], lang, cmd.OutOrStdout(), logs)
			}
			x, err := c.Execution(cmd.Context(), args[0], lang)
			if err != nil {
				return err
			}
			return printExecution(cmd.OutOrStdout(), x, execPage{zh: lang == "zh", loc: time.Local, logs: logs})
		},
	}
	cmd.Flags().BoolVarP(&watch, "watch", "w", false, "follow the execution until it ends")
	cmd.Flags().IntVar(&logs, "logs", 10, "how many of the last log lines to show")
	return cmd
}

// printExecution prints x: the page for the table format, else the API's
// JSON (or YAML).
func printExecution(w io.Writer, x *switchyard.Execution, p execPage) error {
	if global.output != "table" && global.output != "" {
		return output(w, x, nil)
	}
	_, err := io.WriteString(terminalWriter{w}, p.render(x)) // the render escaped the server's text already; this is the belt
	return err
}

// watchExecution follows execution id: the page again after each batch
// of events, until the execution ends (or ctx does). On a terminal the
// page is redrawn in place (ANSI clear and home); otherwise each changed
// page is printed after the last.
func watchExecution(ctx context.Context, c *client.Client, id, lang string, w io.Writer, logs int) error {
	p := execPage{zh: lang == "zh", loc: time.Local, logs: logs}
	tty := isTerminal(w)
	last := ""
	draw := func() (*switchyard.Execution, error) {
		x, err := c.Execution(ctx, id, lang)
		if err != nil {
			return nil, err
		}
		var b strings.Builder
		if err := printExecution(&b, x, p); err != nil {
			return nil, err
		}
		if page := b.String(); page != last {
			last = page
			if tty {
				// Control sequences written here only: the page itself went
				// through cell, so the server's text cannot move the cursor.
				_, _ = io.WriteString(w, "\x1b[H\x1b[2J")
			} else if global.output == "table" || global.output == "" {
				page += "\n"
			}
			if _, err := io.WriteString(w, page); err != nil {
				return nil, err
			}
		}
		return x, nil
	}
	x, err := draw()
	if err != nil || x.Status.Finished() {
		return err
	}
	events, errc := c.ExecutionEvents(ctx, id, x.Seq, lang)
	for {
		ended := false
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-events:
			ended = !ok
		}
		// One redraw for a burst of events.
	drain:
		for !ended {
			select {
			case _, ok := <-events:
				ended = !ok
			default:
				break drain
			}
		}
		if ended {
			if err := <-errc; err != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return nil // interrupted: not an error
			default:
			}
		}
		if _, err := draw(); err != nil {
			return err
		}
		if ended {
			return nil
		}
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newExecLogsCmd(f *execFlags) *cobra.Command {
	var follow bool
	cmd := &cobra.Command{
		Use: "logs EXECUTION", Short: "The execution log (执行日志); -f follows it until the execution ends", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := f.language()
			if err != nil {
				return err
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			return printLogs(cmd.Context(), c, args[0], lang, cmd.OutOrStdout(), follow)
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "follow the log until the execution ends")
	return cmd
}

// printLogs prints an execution's log and, with follow, its new lines as
// they come until the execution ends.
func printLogs(ctx context.Context, c *client.Client, id, lang string, w io.Writer, follow bool) error {
	x, err := c.Execution(ctx, id, lang)
	if err != nil {
		return err
	}
	for _, l := range x.Logs {
		if err := printLogLine(w, l); err != nil {
			return err
		}
	}
	if !follow || x.Status.Finished() {
		return nil
	}
	events, errc := c.ExecutionEvents(ctx, id, x.Seq, lang)
	for ev := range events {
		if ev.Kind != "log" {
			continue
		}
		var l switchyard.LogLine
		if json.Unmarshal(ev.Data, &l) == nil {
			if err := printLogLine(w, l); err != nil {
				return err
			}
		}
	}
	return <-errc
}

// printLogLine prints one log line: time and message (JSON lines for -o
// json or yaml).
func printLogLine(w io.Writer, l switchyard.LogLine) error {
	if global.output == "json" || global.output == "yaml" {
		b, err := json.Marshal(l)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	level := ""
	if l.Level == "warn" || l.Level == "error" {
		level = strings.ToUpper(l.Level) + " "
	}
	_, err := fmt.Fprintf(w, "%s  %s%s\n", l.Time.In(time.Local).Format("2006-01-02 15:04:05"), level, cell(l.Message))
	return err
}

func newExecSignalCmd(f *execFlags, kind, short string) *cobra.Command {
	var req switchyard.SignalRequest
	cmd := &cobra.Command{
		Use: kind + " EXECUTION", Short: short, Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang, err := f.language()
			if err != nil {
				return err
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			x, err := c.Signal(cmd.Context(), args[0], kind, req, lang)
			if err != nil {
				return err
			}
			p := execPage{zh: lang == "zh", loc: time.Local}
			return output(cmd.OutOrStdout(), x, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "%s: %s sent; %s %s, %s %s", x.ID, kind, p.word("status"), x.Status, p.word("current"), orDash(cell(x.CurrentStep)))
				if len(x.Allowed) > 0 {
					fmt.Fprintf(tw, "; %s %s", p.word("allowed"), strings.Join(x.Allowed, ", "))
				}
				fmt.Fprintln(tw)
			})
		},
	}
	cmd.Flags().StringVar(&req.StepID, "step", "", "the step the signal is meant for (refused if it is not the current one)")
	cmd.Flags().StringVar(&req.Comment, "comment", "", "why (kept in the execution's actions)")
	return cmd
}
