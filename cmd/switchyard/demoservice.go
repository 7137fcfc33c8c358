package main

import (
	"context"
	"fmt"
	"net"
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
	AdminEndpoints bool       `yaml:"admin_endpoints"`
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
	cmd.Flags().BoolVar(&cfg.AdminEndpoints, "admin-endpoints", false, "serve Nepxion's instance admin endpoints (no credentials)")
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
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	sc := sdk.DefaultConfig(cfg.instance("service"))
	sc.CacheDir = cfg.CacheDir
	sc.ContextHeaders = []string{"user", "mobile", "location", "trace-id", "span-id"}
	svc := sdk.New(sc, p.registry, p.config, p.collector, logger)
	app := demo.NewApp(svc, cfg.Next, cfg.Fault)
	if cfg.AdminEndpoints {
		app.WithAdminEndpoints()
	}
	srv := &http.Server{Handler: app.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := serving(listener{srv, ln})
	if err := svc.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "demo service %s %s listening on http://%s\n", cfg.Service, cfg.Version, ln.Addr())
	return drain(ctx, errc, svc.Done(), listener{srv, ln})
}
