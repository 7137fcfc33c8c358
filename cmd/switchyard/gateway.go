package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/gateway"
	"github.com/switchyard-io/switchyard/rule"
)

// gatewayConfig is `switchyard gateway --config FILE`.
type gatewayConfig struct {
	instanceConfig `yaml:",inline"`
	Routes         []gateway.Route `yaml:"routes"`
	// Nepxion's gateway switches (spring.application.strategy.gateway.*).
	HeaderPriority        bool `yaml:"header_priority"`
	OriginalHeaderIgnored bool `yaml:"original_header_ignored"`
	CoreTransmission      bool `yaml:"core_transmission"`
	// StripIncoming removes n-d-* headers that arrive from clients.
	StripIncoming bool `yaml:"strip_incoming"`
	// ConsumerIsolation keeps calls inside the gateway's group.
	ConsumerIsolation bool `yaml:"consumer_isolation"`
}

func defaultGatewayConfig() gatewayConfig {
	return gatewayConfig{instanceConfig: defaultInstanceConfig(), HeaderPriority: true, OriginalHeaderIgnored: true, CoreTransmission: true}
}

func newGatewayCmd() *cobra.Command {
	cfg := defaultGatewayConfig()
	var routes []string
	var priority bool
	var pprofAddr string
	cmd := &cobra.Command{
		Use:   "gateway",
		Short: "Run an entry gateway: path routes, the rule's entry decision, n-d-* headers for the whole chain",
		Long: `Run an entry gateway. It registers itself, follows its rule keys (partial:
(group, service), global: (group, group)) in the control plane's config center,
and routes each request by path prefix to a service, choosing the instance and
stamping the n-d-* headers every later hop follows. The last good rule is
cached on disk, so the gateway starts and keeps routing while the control plane
is down. GET /healthz reports the rule status, GET /metrics Prometheus metrics.`,
		Example: `  switchyard gateway --service discovery-guide-gateway --group discovery-guide-group \
    --listen 127.0.0.1:5001 --route /discovery-guide-service-a/=discovery-guide-service-a \
    --control-plane http://127.0.0.1:8080   # SWITCHYARD_TOKEN: an API token with role agent`,
		Args: cobra.NoArgs,
	}
	flags := registerInstanceFlags(cmd)
	cmd.Flags().StringArrayVar(&routes, "route", nil, "route PREFIX=SERVICE (repeatable); the prefix is stripped")
	cmd.Flags().BoolVar(&priority, "header-priority", true, "gateway route values replace incoming n-d-* headers (false: incoming headers win)")
	cmd.Flags().BoolVar(&cfg.StripIncoming, "strip-incoming", false, "remove n-d-* headers arriving from clients")
	cmd.Flags().StringVar(&pprofAddr, "pprof", "", "serve Go's profiles (net/http/pprof) on this address, e.g. 127.0.0.1:6060 (loopback only: it exposes internals)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := flags.load(cmd, &cfg, &cfg.instanceConfig); err != nil {
			return &exitError{code: 2, err: err}
		}
		if cmd.Flags().Changed("header-priority") {
			cfg.HeaderPriority = priority
		}
		extra, err := parseRoutes(routes)
		if err != nil {
			return &exitError{code: 2, err: err}
		}
		cfg.Routes = append(cfg.Routes, extra...)
		if len(cfg.Routes) == 0 {
			return &exitError{code: 2, err: &configError{"routes", "at least one route is required (--route /prefix/=service)"}}
		}
		for i, r := range cfg.Routes {
			// A prefix of / is a route for every path.
			if r.Service == "" || !strings.HasPrefix(r.Prefix, "/") {
				return &exitError{code: 2, err: &configError{fmt.Sprintf("routes[%d]", i), "needs a prefix starting with / (a route of / takes every path) and a service"}}
			}
		}
		if pprofAddr != "" {
			stop, err := servePprof(pprofAddr)
			if err != nil {
				return &exitError{code: 2, err: &configError{"pprof", err.Error()}}
			}
			defer stop()
		}
		return runGateway(cmd.Context(), cfg, cmd)
	}
	return cmd
}

func runGateway(ctx context.Context, cfg gatewayConfig, cmd *cobra.Command) error {
	logger := newLogger(cfg.Log, cmd.ErrOrStderr()).With("component", "gateway")
	p := cfg.ports(logger)
	self := cfg.instance(switchyard.TypeGateway)
	self.Normalize()
	if self.Metadata["spring_application_gateway_type"] == "" {
		self.Metadata["spring_application_gateway_type"] = "switchyard"
	}
	ln, adminLn, err := cfg.listen(self.Metadata, logger)
	if err != nil {
		return err
	}
	metrics := dataplane.NewMetrics(self.Service, self.Version)
	rules := dataplane.NewRules(p.config, cfg.Group, cfg.Service, cfg.CacheDir, metrics, logger)
	rules.Start(ctx, 3*time.Second)
	instances := dataplane.NewInstances(p.registry, logger)
	defer instances.Close()
	instances.CacheDir = cfg.CacheDir
	var announced atomic.Pointer[dataplane.Announcement]
	current := func() switchyard.Instance {
		in := self
		if a := announced.Load(); a != nil {
			in.ID = a.ID()
		}
		return in
	}
	gw := gateway.New(gateway.Config{
		Routes:        cfg.Routes,
		Switches:      rule.GatewaySwitches{HeaderPriority: cfg.HeaderPriority, OriginalHeaderIgnored: cfg.OriginalHeaderIgnored, CoreTransmission: cfg.CoreTransmission},
		StripIncoming: cfg.StripIncoming,
		Options:       rule.Options{ConsumerIsolation: cfg.ConsumerIsolation},
	}, current, rules, instances, metrics, logger)
	instances.Preload(gw.Services()...)

	servers := []listener{{gw, ln}}
	if adminLn != nil {
		servers = append(servers, cfg.adminServer(adminLn, rules))
		logger.Debug("admin endpoints listening", "addr", adminLn.Addr().String())
	}
	errc := serving(servers...)
	ann := dataplane.Announce(ctx, p.registry, &self, 5*time.Second, logger)
	announced.Store(ann)
	go dataplane.Report(ctx, p.collector, metrics, current, time.Duration(cfg.ReportInterval), logger)
	fmt.Fprintf(cmd.OutOrStdout(), "gateway %s listening on http://%s\n", cfg.Service, ln.Addr())
	logger.Info("gateway started", "addr", ln.Addr().String(), "routes", len(cfg.Routes), "id", ann.ID())

	return drain(ctx, errc, ann.Done(), servers...)
}
