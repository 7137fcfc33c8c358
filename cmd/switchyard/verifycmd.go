package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/verify"
)

// testHooksEnv enables the simulation's test hook (inject a wrong rule
// after a phase), for admins only. Unset, the hook is refused.
const testHooksEnv = "SWITCHYARD_TEST_HOOKS"

// startVerifier builds the verification service and ends, before the API
// serves anyone, the runs a stopped server left under way (putting their
// rules back); replicas sharing PostgreSQL keep sweeping for a dead one's.
func startVerifier(ctx context.Context, store switchyard.Store, releases *release.Service, reg switchyard.Registry, logger *slog.Logger, driver string) (*verify.Service, error) {
	v := verify.New(store, releases, reg, logger.With("component", "verify"))
	v.Owner = runnerOwner(driver)
	v.Hooks = os.Getenv(testHooksEnv) == "1"
	if v.Hooks {
		logger.Warn("test hooks are on: admins may inject a wrong rule into a simulation", "env", testHooksEnv)
	}
	if n, err := v.Recover(ctx); err != nil {
		return nil, fmt.Errorf("recover interrupted verification runs: %w", err)
	} else if n > 0 {
		logger.Warn("ended verification runs a stopped server left running", "runs", n)
	}
	if driver == "postgres" {
		go v.RunSweeper(ctx, 15*time.Second)
	}
	return v, nil
}

func newVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verification tests: traffic inspection (流量侦测) and simulation (模拟) — inspect, simulate, list, show, abort",
	}
	cmd.SetFlagErrorFunc(usageError)
	cmd.AddCommand(newVerifyInspectCmd(), newVerifySimulateCmd(), newVerifyListCmd(), newVerifyShowCmd(), newVerifyAbortCmd())
	return cmd
}

// readArg reads a file ("-" is stdin); "" stays "".
func readArg(cmd *cobra.Command, path string) (string, error) {
	if path == "" {
		return "", nil
	}
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(cmd.InOrStdin(), verify.BodyBytes+1))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", &exitError{code: 2, err: err}
	}
	return string(b), nil
}

func newVerifyInspectCmd() *cobra.Command {
	var strategy, conditions, format string
	var detach bool
	cmd := &cobra.Command{
		Use:   "inspect GROUP SERVICE",
		Short: "Start a traffic inspection (执行侦测) of GROUP@@SERVICE and follow it; without files, the saved one",
		Long: `Start a traffic inspection through the entry app SERVICE (a gateway) of GROUP:
--strategy is the inspector strategy (mock-inspector.yaml: service, header),
--conditions the inspector's application.properties (or YAML with --format yaml).
Both are saved for the next time; without them the saved inspection runs.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var req *switchyard.InspectionRequest
			s, err := readArg(cmd, strategy)
			if err != nil {
				return err
			}
			cond, err := readArg(cmd, conditions)
			if err != nil {
				return err
			}
			if s != "" || cond != "" {
				req = &switchyard.InspectionRequest{Strategy: s, ConditionsText: cond, ConditionsFormat: format}
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			started, err := c.StartInspection(cmd.Context(), args[0], args[1], req)
			if err != nil {
				return err
			}
			return followStarted(cmd, c, started, detach)
		},
	}
	cmd.Flags().StringVar(&strategy, "strategy", "", "the inspector strategy file (YAML, as mock-inspector.yaml; - for stdin)")
	cmd.Flags().StringVar(&conditions, "conditions", "", "the conditions file (application.properties, or YAML with --format yaml)")
	cmd.Flags().StringVar(&format, "format", "properties", "the conditions' format: properties or yaml")
	cmd.Flags().BoolVar(&detach, "detach", false, "print the run id and return without following it")
	return cmd
}

func newVerifySimulateCmd() *cobra.Command {
	var basic, release1, release2, conditions, format, injectRule string
	var injectPhase int
	var detach bool
	cmd := &cobra.Command{
		Use:   "simulate GROUP SERVICE",
		Short: "Start a simulation (执行模拟) of GROUP@@SERVICE and follow its seven phases; without files, the saved one",
		Long: `Start DiscoveryTool's simulation on the rule key GROUP/SERVICE: reset, basic,
release-1, reset, recreate basic, recreate release-2, reset, asserting after
each what Nepxion asserts; the rule in effect before is put back at the end.
--basic, --release1, --release2 are mock-version-release-basic.yaml, -1.yaml,
-2.yaml; --conditions the simulator's application.properties. The exit code is
1 when the simulation did not pass.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var files [4]string
			for i, p := range []string{basic, release1, release2, conditions} {
				var err error
				if files[i], err = readArg(cmd, p); err != nil {
					return err
				}
			}
			var req *switchyard.SimulationRequest
			if files != [4]string{} {
				req = &switchyard.SimulationRequest{Basic: files[0], Release1: files[1], Release2: files[2], ConditionsText: files[3], ConditionsFormat: format}
			}
			if injectPhase != 0 {
				r, err := readArg(cmd, injectRule)
				if err != nil {
					return err
				}
				if req == nil {
					req = &switchyard.SimulationRequest{}
				}
				req.Inject = &switchyard.VerifyInject{Phase: injectPhase, Rule: r}
			}
			c, err := apiClient()
			if err != nil {
				return err
			}
			started, err := c.StartSimulation(cmd.Context(), args[0], args[1], req)
			if err != nil {
				return refusedStart(err)
			}
			return followStarted(cmd, c, started, detach)
		},
	}
	cmd.Flags().StringVar(&basic, "basic", "", "mock-version-release-basic.yaml")
	cmd.Flags().StringVar(&release1, "release1", "", "mock-version-release-1.yaml")
	cmd.Flags().StringVar(&release2, "release2", "", "mock-version-release-2.yaml")
	cmd.Flags().StringVar(&conditions, "conditions", "", "the conditions file (application.properties, or YAML with --format yaml)")
	cmd.Flags().StringVar(&format, "format", "properties", "the conditions' format: properties or yaml")
	cmd.Flags().IntVar(&injectPhase, "test-inject-phase", 0, "TEST HOOK (admins, server with "+testHooksEnv+"=1): publish --test-inject-rule after this phase's change")
	cmd.Flags().StringVar(&injectRule, "test-inject-rule", "", "TEST HOOK: the wrong rule file")
	cmd.Flags().BoolVar(&detach, "detach", false, "print the run id and return without following it")
	_ = cmd.Flags().MarkHidden("test-inject-phase")
	_ = cmd.Flags().MarkHidden("test-inject-rule")
	return cmd
}

// refusedStart explains a refused simulation: who runs the key, or who
// operates its release.
func refusedStart(err error) error {
	e := switchyard.AsError(err)
	if e == nil {
		return err
	}
	switch e.Reason {
	case "verify.running":
		return fmt.Errorf("%s\n(see it: switchyard verify show %s)", e.Message, e.Params["id"])
	case "verify.release.locked":
		return fmt.Errorf("%s", e.Message)
	}
	return err
}

func followStarted(cmd *cobra.Command, c *client.Client, started *switchyard.VerifyStarted, detach bool) error {
	if detach {
		return output(cmd.OutOrStdout(), started, func(tw *tabwriter.Writer) { fmt.Fprintf(tw, "%s\t%s\n", started.ID, cell(started.Task)) })
	}
	return watchVerifyRun(cmd.Context(), c, started.ID, cmd.OutOrStdout())
}

func newVerifyListCmd() *cobra.Command {
	var kind string
	var running bool
	var limit int
	cmd := &cobra.Command{
		Use:   "list [GROUP SERVICE]",
		Short: "Past runs of GROUP@@SERVICE (--kind inspection or simulation), or the simulations running now (--running)",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 0 && len(args) != 2 || len(args) == 0 && !running {
				return &exitError{code: 2, err: fmt.Errorf("give GROUP SERVICE, or --running")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			var list []*switchyard.VerifyRun
			switch {
			case running:
				list, err = c.RunningSimulations(cmd.Context())
			case kind == "inspection":
				list, err = c.InspectionRuns(cmd.Context(), args[0], args[1], limit)
			case kind == "simulation":
				list, err = c.SimulationRuns(cmd.Context(), args[0], args[1], limit)
			default:
				return &exitError{code: 2, err: fmt.Errorf("--kind %q must be inspection or simulation", kind)}
			}
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "ID\tKIND\tTASK\tSTATUS\tSAMPLES\tSTARTED BY\tSTARTED\tREASON")
				for _, r := range list {
					reason := ""
					if r.Reason != nil {
						reason = switchyard.Truncate(r.Reason.Text, 80)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\n", r.ID, r.Kind, cell(r.Task), r.Status, r.Done, r.Total, cell(r.StartedBy),
						r.StartedAt.Local().Format("2006-01-02 15:04:05"), cell(reason))
				}
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "simulation", "inspection or simulation")
	cmd.Flags().BoolVar(&running, "running", false, "the simulations running now")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many (default 50)")
	return cmd
}

func newVerifyShowCmd() *cobra.Command {
	var watch bool
	cmd := &cobra.Command{
		Use:   "show RUN",
		Short: "A run: its phases and assertions with the counts, or its chains; --watch follows it live",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			if watch {
				return watchVerifyRun(cmd.Context(), c, args[0], cmd.OutOrStdout())
			}
			r, err := c.VerifyRun(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), r, func(tw *tabwriter.Writer) { _ = tw.Flush(); printVerifyRun(terminalWriter{cmd.OutOrStdout()}, r) })
		},
	}
	cmd.Flags().BoolVar(&watch, "watch", false, "follow the run until it ends")
	return cmd
}

func newVerifyAbortCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "abort RUN",
		Short: "Abort a run; a simulation puts the rule back before it ends",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			r, err := c.AbortVerifyRun(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), r, func(tw *tabwriter.Writer) { _ = tw.Flush(); printVerifyRun(terminalWriter{cmd.OutOrStdout()}, r) })
		},
	}
}

// watchVerifyRun follows a run: on a terminal the page is redrawn in place
// at every change; elsewhere a progress line is printed as the run moves
// on, then the final page. A simulation that did not pass, or a run that
// failed, exits 1.
func watchVerifyRun(ctx context.Context, c *client.Client, id string, w io.Writer) error {
	if global.output == "json" || global.output == "yaml" {
		runs, errc := c.VerifyEvents(ctx, id)
		var last *switchyard.VerifyRun
		for r := range runs {
			last = r
		}
		if err := <-errc; err != nil {
			return err
		}
		if last == nil {
			return ctx.Err()
		}
		return output(w, last, nil)
	}
	tty := isTerminal(w)
	runs, errc := c.VerifyEvents(ctx, id)
	var last *switchyard.VerifyRun
	progress := ""
	for r := range runs {
		last = r
		if tty {
			var b strings.Builder
			printVerifyRun(terminalWriter{&b}, r)
			// The page went through terminalWriter; only this sequence moves the cursor.
			_, _ = io.WriteString(w, "\x1b[H\x1b[2J"+b.String())
			continue
		}
		if p := progressLine(r); p != progress {
			progress = p
			fmt.Fprintln(terminalWriter{w}, p)
		}
	}
	if err := <-errc; err != nil {
		return err
	}
	if last == nil {
		return ctx.Err()
	}
	if !tty {
		fmt.Fprintln(w)
		printVerifyRun(terminalWriter{w}, last)
	}
	if last.Status == switchyard.VerifyFailed || last.Status == switchyard.VerifyAborted {
		reason := string(last.Status)
		if last.Reason != nil {
			reason += ": " + last.Reason.Text
		}
		return &exitError{code: 1, err: fmt.Errorf("%s %s %s", last.Kind, last.ID, cell(reason))}
	}
	return nil
}

// progressLine is one line of a run's progress: status, samples, phase (a
// line per tenth of the samples and per phase change).
func progressLine(r *switchyard.VerifyRun) string {
	tenth := 0
	if r.Total > 0 {
		tenth = r.Done * 10 / r.Total
	}
	line := fmt.Sprintf("%s %s %s: %d0%% of %d samples", r.ID, r.Kind, r.Status, tenth, r.Total)
	if r.Simulation != nil {
		for _, p := range r.Simulation.Result.Phases {
			if p.Status == switchyard.PhaseRunning {
				line += fmt.Sprintf(", phase %d %s", p.Index, p.Name)
			}
		}
	}
	return line
}

// printVerifyRun writes a run as a page: its header, then an inspection's
// counts and chains or a simulation's phases, failed assertions with their
// counts, and whether the rule before it is back.
func printVerifyRun(w io.Writer, r *switchyard.VerifyRun) {
	fmt.Fprintf(w, "%s  %s %s  %s\n", r.ID, r.Kind, cell(r.Task), r.Status)
	fmt.Fprintf(w, "started by %s at %s; %d of %d samples\n", cell(r.StartedBy), r.StartedAt.Local().Format("2006-01-02 15:04:05"), r.Done, r.Total)
	if r.Reason != nil {
		fmt.Fprintf(w, "reason: %s\n", cell(r.Reason.Text))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	defer tw.Flush()
	if in := r.Inspection; in != nil {
		fmt.Fprintf(w, "entry %s, serviceIdList %s\n\n", cell(in.Result.URL), cell(strings.Join(in.Result.Services, ",")))
		fmt.Fprintln(tw, "SERVICE@@VERSION\tHITS")
		for _, c := range in.Result.Counts {
			fmt.Fprintf(tw, "%s\t%d\n", cell(c.Key), c.Count)
		}
		tw.Flush()
		fmt.Fprintln(w)
		fmt.Fprintln(tw, "CHAIN\tCOUNT")
		for _, c := range in.Result.Chains {
			fmt.Fprintf(tw, "%s\t%d\n", cell(c.Chain), c.Count)
		}
		if in.Result.Other > 0 {
			fmt.Fprintf(tw, "(other chains)\t%d\n", in.Result.Other)
		}
		return
	}
	sim := r.Simulation
	if sim == nil {
		return
	}
	fmt.Fprintf(w, "entry %s, serviceIdList %s\n", cell(sim.Result.URL), cell(strings.Join(sim.Result.Services, ",")))
	for _, v := range sim.Result.Versions {
		fmt.Fprintf(w, "  %s: old %s, new %s\n", cell(v.Service), cell(strings.Join(v.Old, ",")), cell(strings.Join(v.New, ",")))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(tw, "PHASE\tACTION\tSTATUS\tRULE VERSION\tBATCHES\tSAMPLES")
	for _, p := range sim.Result.Phases {
		samples, passed := 0, 0
		for _, b := range p.Batches {
			samples += b.Samples
			if b.Passed {
				passed++
			}
		}
		version := ""
		if p.RuleVersion > 0 {
			version = strconv.FormatInt(p.RuleVersion, 10)
			if p.Injected {
				version += " (injected)"
			}
		}
		fmt.Fprintf(tw, "%d %s\t%s\t%s\t%s\t%d/%d passed\t%d\n", p.Index, p.Name, p.Action, p.Status, version, passed, len(p.Batches), samples)
	}
	tw.Flush()
	for _, p := range sim.Result.Phases {
		if p.Error != nil {
			fmt.Fprintf(w, "\nphase %d: %s\n", p.Index, cell(p.Error.Text))
		}
		for _, b := range p.Batches {
			for _, a := range b.Assertions {
				if !a.Passed {
					fmt.Fprintf(w, "\nphase %d %s batch (header %s): %s failed — expected %s, got %s\n", p.Index, b.Kind, cell(headerText(b.Header)), a.Name, cell(a.Expected), cell(a.Actual))
					for _, c := range b.Counts {
						fmt.Fprintf(w, "    %s (%s) %d\n", cell(c.Key), c.Side, c.Count)
					}
				}
			}
		}
	}
	if sim.Restore != nil {
		fmt.Fprintf(w, "\nrule before the simulation: %s — %s\n", sim.Restore.Status, cell(sim.Restore.Message.Text))
	}
}

func headerText(h map[string]string) string {
	if len(h) == 0 {
		return "none"
	}
	var parts []string
	for k, v := range h {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ";")
}
