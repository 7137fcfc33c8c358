package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard"
)

func newReleaseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "release",
		Short: "Full-link blue-green and gray releases: create, operate (兜底/发布/回滚/结束), inspect",
	}
	cmd.AddCommand(newReleaseListCmd(), newReleaseCreateCmd(), newReleaseShowCmd(), newReleaseDeleteCmd(), newReleaseLockCmd(), newReleaseUnlockCmd())
	for _, op := range []struct {
		use   string
		op    switchyard.Operation
		short string
	}{
		{"fallback", switchyard.OpFallback, "执行兜底: pin every service to its old version"},
		{"publish", switchyard.OpRelease, "执行发布: publish the blue-green / gray conditions"},
		{"rollback", switchyard.OpRollback, "执行回滚: back to the old versions (= fallback)"},
		{"end", switchyard.OpEnd, "结束发布: clear the release rule (or pin the new versions while old instances run)"},
	} {
		cmd.AddCommand(newReleaseOpCmd(op.use, op.op, op.short))
	}
	return cmd
}

func newReleaseListCmd() *cobra.Command {
	var group string
	cmd := &cobra.Command{
		Use: "list", Short: "The release table", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			list, err := c.Releases(cmd.Context(), group)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), list, func(tw *tabwriter.Writer) {
				fmt.Fprintln(tw, "NAME\tTYPE\tSTATE\tSUBSCRIPTION\tGROUP\tAPP\tCREATED\tBY\tEXECUTED\tBY")
				for _, r := range list {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Type, stateOrNew(r.State), r.Subscription, r.Group, orDash(r.App),
						fmtTime(&r.CreatedAt), r.CreatedBy, fmtTime(r.ExecutedAt), orDash(r.ExecutedBy))
				}
			})
		},
	}
	cmd.Flags().StringVar(&group, "group", "", "only this group")
	return cmd
}

func stateOrNew(s switchyard.ReleaseState) string {
	if s == switchyard.StateNew {
		return "NEW"
	}
	return string(s)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// specFlags build a ReleaseSpec from flags (or a YAML/JSON file).
type specFlags struct {
	file                  string
	services              []string
	sort                  string
	green, blue           string
	gray                  []string
	header                []string
	gatewayOnly, domainGW bool
}

func (f *specFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.file, "spec", "", "the release form as a YAML or JSON file (fields of ReleaseSpec); flags below override it")
	cmd.Flags().StringSliceVar(&f.services, "services", nil, "services taking part, comma-separated")
	cmd.Flags().StringVar(&f.sort, "sort", "", "version (default) or time")
	cmd.Flags().StringVar(&f.green, "green", "", "blue-green: the old (green) chain's condition, e.g. \"#H['user-type'] == 'normal'\"")
	cmd.Flags().StringVar(&f.blue, "blue", "", "blue-green: the new (blue) chain's condition")
	cmd.Flags().StringArrayVar(&f.gray, "gray", nil, "gray condition WEIGHT or EXPRESSION=WEIGHT (weight of the new chain, 0-100); repeatable")
	cmd.Flags().StringArrayVar(&f.header, "header", nil, "inner header NAME=VALUE; repeatable")
	cmd.Flags().BoolVar(&f.gatewayOnly, "gateway-only", false, "the app list shows only gateways (fixed once created)")
	cmd.Flags().BoolVar(&f.domainGW, "domain-gateway", false, "domain gateway mode: services of the group only")
}

// spec merges the file and the flags set on base.
func (f *specFlags) spec(cmd *cobra.Command, base switchyard.ReleaseSpec) (switchyard.ReleaseSpec, error) {
	s := base
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return s, err
		}
		var generic any
		if err := yaml.Unmarshal(b, &generic); err != nil {
			return s, fmt.Errorf("--spec %s: %w", f.file, err)
		}
		if err := remarshal(generic, &s); err != nil {
			return s, fmt.Errorf("--spec %s: %w", f.file, err)
		}
	}
	ch := cmd.Flags().Changed
	if ch("services") {
		s.Services = f.services
	}
	if ch("sort") {
		s.Sort = f.sort
	}
	if ch("green") || ch("blue") {
		s.BlueGreenEnabled, s.GreenExpression, s.BlueExpression = true, f.green, f.blue
	}
	if ch("gray") {
		s.GrayEnabled, s.GrayConditions = true, nil
		for _, g := range f.gray {
			gc, err := parseGray(g)
			if err != nil {
				return s, err
			}
			s.GrayConditions = append(s.GrayConditions, gc)
		}
	}
	if ch("header") {
		s.HeaderEnabled, s.Header = true, map[string]string{}
		for _, h := range f.header {
			k, v, ok := strings.Cut(h, "=")
			if !ok {
				return s, &exitError{code: 2, err: fmt.Errorf("--header %q must be NAME=VALUE", h)}
			}
			s.Header[k] = v
		}
	}
	if ch("gateway-only") {
		s.GatewayOnly = f.gatewayOnly
	}
	if ch("domain-gateway") {
		s.DomainGateway = f.domainGW
	}
	return s, nil
}

func newReleaseCreateCmd() *cobra.Command {
	var nr switchyard.NewRelease
	var global bool
	var sf specFlags
	cmd := &cobra.Command{
		Use: "create NAME", Short: "新建发布: create a release of a group you belong to", Args: cobra.ExactArgs(1),
		Example: `  switchyard release create V2.1.0 --group order-group --app order-gateway \
    --services order-service,stock-service --blue "#H['user-type'] == 'vip'" --green "#H['user-type'] == 'normal'" --gray 10`,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			nr.Name, nr.Subscription = args[0], switchyard.Partial
			if global {
				nr.Subscription = switchyard.Global
			}
			if nr.Spec, err = sf.spec(cmd, switchyard.ReleaseSpec{}); err != nil {
				return err
			}
			r, err := c.CreateRelease(cmd.Context(), nr)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), r, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "created release %s (%s, %s, key %s)\n", r.Name, r.Type, r.Subscription, r.Key())
			})
		},
	}
	cmd.Flags().StringVar(&nr.Group, "group", "", "the group (its global rule key, and who may operate)")
	cmd.Flags().StringVar(&nr.App, "app", "", "the entry app (gateway or service) whose rule key the release writes")
	cmd.Flags().BoolVar(&global, "global", false, "global subscription: write the group's key, every app follows")
	cmd.Flags().StringVar(&nr.Description, "description", "", "what the release is")
	sf.register(cmd)
	return cmd
}

func newReleaseShowCmd() *cobra.Command {
	return &cobra.Command{
		Use: "show NAME", Short: "A release: its form, lock, effective rule and history", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			r, err := c.Release(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			view, err := c.ReleaseRule(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			hist, err := c.ReleaseHistory(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			all := map[string]any{"release": r, "rule": view, "history": hist}
			return output(cmd.OutOrStdout(), all, func(tw *tabwriter.Writer) { showRelease(tw, r, view, hist) })
		},
	}
}

func showRelease(tw *tabwriter.Writer, r *switchyard.ReleaseView, view *switchyard.RuleView, hist []*switchyard.ReleaseHistory) {
	s := r.Spec
	fmt.Fprintf(tw, "name\t%s\ntype\t%s\nstate\t%s\nsubscription\t%s (key %s)\nservices\t%s\nsort\t%s\n", r.Name, r.Type, stateOrNew(r.State), r.Subscription, r.Key(), strings.Join(s.Services, ", "), s.Sort)
	if s.BlueGreenEnabled {
		fmt.Fprintf(tw, "green\t%s\nblue\t%s\n", s.GreenExpression, s.BlueExpression)
	}
	for i, g := range s.GrayConditions {
		if s.GrayEnabled {
			fmt.Fprintf(tw, "gray[%d]\t%s → %d%% new\n", i, orDash(g.Expression), g.Weight)
		}
	}
	if r.Lock != nil {
		fmt.Fprintf(tw, "lock\t%s since %s (until %s)\n", r.Lock.Holder, r.Lock.Since.Local().Format("15:04:05"), r.Lock.ExpiresAt.Local().Format("15:04:05"))
	}
	fmt.Fprintf(tw, "rule\tversion %d by %s\n", view.Entry.Version, orDash(view.Entry.UpdatedBy))
	tw.Flush()
	fmt.Fprintln(tw, view.Entry.Content)
	if len(hist) > 0 {
		fmt.Fprintln(tw, "\nHISTORY\tOPERATION\tSTATE\tBY\tVERSION")
		for _, h := range hist {
			fmt.Fprintf(tw, "%s\t%s\t%s → %s\t%s\t%d\n", h.At.Local().Format("2006-01-02 15:04:05"), h.Operation, stateOrNew(h.StateBefore), h.StateAfter, h.By, h.ConfigVersion)
		}
	}
}

func newReleaseOpCmd(use string, op switchyard.Operation, short string) *cobra.Command {
	var dryRun bool
	var sf specFlags
	cmd := &cobra.Command{
		Use: use + " NAME", Short: short, Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			req := switchyard.OperationRequest{Operation: op}
			if cmd.Flags().NFlag() > boolInt(dryRun) {
				cur, err := c.Release(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				spec, err := sf.spec(cmd, cur.Spec)
				if err != nil {
					return err
				}
				req.Spec, req.Revision = &spec, cur.Revision
			}
			if dryRun {
				p, err := c.PreviewRelease(cmd.Context(), args[0], req)
				if err != nil {
					return err
				}
				return output(cmd.OutOrStdout(), p, func(tw *tabwriter.Writer) {
					for _, v := range p.Versions {
						fmt.Fprintf(tw, "%s\told %s\tnew %s\n", v.Service, v.Old, v.New)
					}
					for _, w := range p.Warnings {
						fmt.Fprintf(tw, "warning: %s\n", w)
					}
					tw.Flush()
					fmt.Fprintf(tw, "--- document\n%s--- rule for %s\n%s\n", p.YAML, p.Key, p.XML)
				})
			}
			res, err := c.Operate(cmd.Context(), args[0], req)
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), res, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "%s: %s → %s; %s version %d (read back):\n%s\n", res.Release.Name, stateOrNew(res.History.StateBefore), res.Release.State, res.History.ConfigKey, res.Version, res.XML)
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "show the document and the rule it would publish; publish nothing")
	sf.register(cmd)
	return cmd
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func newReleaseDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use: "delete NAME", Short: "删除发布: delete an ended or never executed release", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			if err := c.DeleteRelease(cmd.Context(), args[0], 0); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted release %s\n", args[0])
			return nil
		},
	}
}

func newReleaseLockCmd() *cobra.Command {
	return &cobra.Command{
		Use: "lock NAME", Short: "Take (or renew) the operating lock for 60 s", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			l, err := c.LockRelease(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return output(cmd.OutOrStdout(), l, func(tw *tabwriter.Writer) {
				fmt.Fprintf(tw, "%s is locked by %s until %s\n", l.Release, l.Holder, l.ExpiresAt.Local().Format("15:04:05"))
			})
		},
	}
}

func newReleaseUnlockCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use: "unlock NAME", Short: "Give the lock up (--break: remove anyone's lock, admins)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := apiClient()
			if err != nil {
				return err
			}
			if force {
				l, err := c.BreakReleaseLock(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "broke the lock of %s (held by %s)\n", args[0], orDash(l.Holder))
				return nil
			}
			if err := c.UnlockRelease(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "unlocked %s\n", args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "break", false, "break someone else's lock (admins; audited)")
	return cmd
}

// parseGray reads --gray WEIGHT or --gray EXPRESSION=WEIGHT (the weight is
// what follows the last '=').
func parseGray(g string) (switchyard.GrayCondition, error) {
	if n, err := strconv.Atoi(strings.TrimSpace(g)); err == nil {
		return switchyard.GrayCondition{Weight: n}, nil
	}
	if i := strings.LastIndex(g, "="); i >= 0 {
		if n, err := strconv.Atoi(strings.TrimSpace(g[i+1:])); err == nil {
			return switchyard.GrayCondition{Expression: strings.TrimSpace(g[:i]), Weight: n}, nil
		}
	}
	return switchyard.GrayCondition{}, &exitError{code: 2, err: fmt.Errorf("--gray %q must be WEIGHT or EXPRESSION=WEIGHT, the weight an integer 0-100", g)}
}
