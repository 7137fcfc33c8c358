package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard/demo"
	"github.com/switchyard-io/switchyard/sdk"
)

// demoServiceConfig is one demo service process.
type demoServiceConfig struct {
	instanceConfig `yaml:",inline"`
	Next           string     `yaml:"next"`
	Fault          demo.Fault `yaml:"fault"`
}

func newDemoServiceCmd() *cobra.Command {
	cfg := demoServiceConfig{instanceConfig: defaultInstanceConfig()}
	cmd := &cobra.Command{
		Use:    "demo-service",
		Short:  "Run one demo service (GET /invoke/{value} answers Nepxion's chain body)",
		Hidden: true,
		Args:   cobra.NoArgs,
	}
	flags := registerInstanceFlags(cmd)
	cmd.Flags().StringVar(&cfg.Next, "next", "", "the service this one calls")
	cmd.Flags().Float64Var(&cfg.Fault.ErrorRate, "error-rate", 0, "share of requests answered 500 (0..1)")
	cmd.Flags().IntVar(&cfg.Fault.LatencyMs, "latency-ms", 0, "latency added to every request")
	var active bool
	cmd.Flags().BoolVar(&active, "active", false, "metadata active=true")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := flags.load(cmd, &cfg, &cfg.instanceConfig); err != nil {
			return &exitError{code: 2, err: err}
		}
		if active {
			if cfg.Metadata == nil {
				cfg.Metadata = map[string]string{}
			}
			cfg.Metadata["active"] = "true"
		}
		return runDemoService(cmd.Context(), cfg, cmd)
	}
	return cmd
}

func runDemoService(ctx context.Context, cfg demoServiceConfig, cmd *cobra.Command) error {
	logger := newLogger(cfg.Log, cmd.ErrOrStderr()).With("component", "demo-service", "version", cfg.Version)
	p := cfg.ports(logger)
	self := cfg.instance("service")
	ln, adminLn, err := cfg.listen(self.Metadata, logger)
	if err != nil {
		return err
	}
	sc := sdk.DefaultConfig(self)
	sc.CacheDir = cfg.CacheDir
	sc.ReportInterval = time.Duration(cfg.ReportInterval)
	sc.ContextHeaders = []string{"user", "mobile", "location", "trace-id", "span-id"}
	svc := sdk.New(sc, p.registry, p.config, p.collector, logger)
	app := demo.NewApp(svc, cfg.Next, cfg.Fault)
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	servers := []listener{{srv, ln}}
	if adminLn != nil {
		servers = append(servers, cfg.adminServer(adminLn, svc.Rules))
	}
	errc := serving(servers...)
	if err := svc.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "demo service %s %s listening on http://%s\n", cfg.Service, cfg.Version, ln.Addr())
	return drain(ctx, errc, svc.Done(), servers...)
}
