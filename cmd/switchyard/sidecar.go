package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard/sdk"
	"github.com/switchyard-io/switchyard/sidecar"
)

// sidecarConfig is `switchyard sidecar --config FILE`.
type sidecarConfig struct {
	instanceConfig `yaml:",inline"`
	// App is the local app's address; Outbound the listener the app calls.
	App      string `yaml:"app"`
	Outbound string `yaml:"outbound"`
	// ContextHeaders are business headers to propagate besides n-d-*.
	ContextHeaders []string `yaml:"context_headers"`
}

func newSidecarCmd() *cobra.Command {
	cfg := sidecarConfig{instanceConfig: defaultInstanceConfig()}
	cmd := &cobra.Command{
		Use:   "sidecar",
		Short: "Run a sidecar that puts a service in any language into full-link releases",
		Long: `Run a sidecar next to one app instance. --listen is the inbound address the
sidecar registers and consumers call; it applies the service's rule and
forwards to --app. The app calls other services through --outbound, as
http://OUTBOUND/<service-id>/path (or with Host: <service-id>), copying the
n-d-* headers of the request it serves; the sidecar picks the instance.`,
		Example: `  switchyard sidecar --service orders --group shop --version 1.1 \
    --listen 10.0.0.5:9001 --app 127.0.0.1:8080 --outbound 127.0.0.1:9002`,
		Args: cobra.NoArgs,
	}
	flags := registerInstanceFlags(cmd)
	cmd.Flags().StringVar(&cfg.App, "app", "", "the local app's address host:port")
	cmd.Flags().StringVar(&cfg.Outbound, "outbound", "", "outbound listener the app calls, host:port")
	cmd.Flags().StringSliceVar(&cfg.ContextHeaders, "context-header", nil, "business header to propagate (repeatable)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := flags.load(cmd, &cfg, &cfg.instanceConfig); err != nil {
			return &exitError{code: 2, err: err}
		}
		if err := validateListen(cfg.App); err != nil {
			return &exitError{code: 2, err: &configError{"app", err.Error()}}
		}
		if err := validateListen(cfg.Outbound); err != nil {
			return &exitError{code: 2, err: &configError{"outbound", err.Error()}}
		}
		return runSidecar(cmd.Context(), cfg, cmd)
	}
	return cmd
}

func runSidecar(ctx context.Context, cfg sidecarConfig, cmd *cobra.Command) error {
	logger := newLogger(cfg.Log, cmd.ErrOrStderr()).With("component", "sidecar")
	p := cfg.ports(logger)
	self := cfg.instance("service")
	in, adminLn, err := cfg.listen(self.Metadata, logger)
	if err != nil {
		return err
	}
	out, err := net.Listen("tcp", cfg.Outbound)
	if err != nil {
		in.Close()
		closeListener(adminLn)
		return fmt.Errorf("listen on %s: %w", cfg.Outbound, err)
	}
	sc := sdk.DefaultConfig(self)
	sc.CacheDir, sc.ContextHeaders, sc.ReportInterval = cfg.CacheDir, cfg.ContextHeaders, time.Duration(cfg.ReportInterval)
	svc := sdk.New(sc, p.registry, p.config, p.collector, logger)
	sc2 := sidecar.New(svc, cfg.App, logger)
	inSrv := &http.Server{Handler: sc2.Inbound(), ReadHeaderTimeout: 10 * time.Second}
	outSrv := &http.Server{Handler: sc2.Outbound(), ReadHeaderTimeout: 10 * time.Second}
	servers := []listener{{inSrv, in}, {outSrv, out}}
	if adminLn != nil {
		servers = append(servers, cfg.adminServer(adminLn, svc.Rules))
	}
	errc := serving(servers...)
	if err := svc.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "sidecar %s: inbound http://%s → app %s, outbound http://%s\n", cfg.Service, in.Addr(), cfg.App, out.Addr())
	return drain(ctx, errc, svc.Done(), servers...)
}
