package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	"github.com/switchyard-io/switchyard/builtin"
	"github.com/switchyard-io/switchyard/deploy/process"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/notify/webhook"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/verify"
	"github.com/switchyard-io/switchyard/web"
	"github.com/switchyard-io/switchyard/workflow"
)

// serverFlags are the flags shared by server and demo.
type serverFlags struct {
	configFile  string
	listen      string
	dataDir     string
	printConfig bool
}

func (f *serverFlags) register(cmd *cobra.Command, defaultListen string) {
	cmd.Flags().StringVar(&f.configFile, "config", "", "YAML configuration file (env SWITCHYARD_CONFIG)")
	cmd.Flags().StringVar(&f.listen, "listen", defaultListen, "API and console address host:port (config listen)")
	cmd.Flags().StringVar(&f.dataDir, "data-dir", "", "data directory (config data_dir; default "+defaultDataDir()+")")
	cmd.Flags().BoolVar(&f.printConfig, "print-config", false, "print the effective configuration (secrets redacted) and exit")
}

// load builds the effective configuration: defaults, file, env, flags.
func (f *serverFlags) load(cmd *cobra.Command, base Config) (Config, error) {
	cfg := base
	file := f.configFile
	if file == "" {
		file = os.Getenv("SWITCHYARD_CONFIG")
	}
	if file != "" {
		if err := cfg.loadFile(file); err != nil {
			return cfg, err
		}
	}
	if err := cfg.loadEnv(os.Getenv); err != nil {
		return cfg, err
	}
	if cmd.Flags().Changed("listen") {
		cfg.Listen = f.listen
	}
	if cmd.Flags().Changed("data-dir") {
		cfg.DataDir = f.dataDir
	}
	return cfg, cfg.validate()
}

func newServerCmd() *cobra.Command {
	var f serverFlags
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run the control plane: API, console, store",
		Long: `Run the switchyard control plane.

Configuration comes from defaults, then the YAML file given by --config (or
SWITCHYARD_CONFIG), then SWITCHYARD_* variables (SWITCHYARD_LISTEN,
SWITCHYARD_DATA_DIR, SWITCHYARD_STORE_DRIVER, SWITCHYARD_STORE_DSN,
SWITCHYARD_LOG_LEVEL, SWITCHYARD_LOG_FORMAT, SWITCHYARD_AUTH_SESSION_TTL,
SWITCHYARD_AUTH_SESSION_MAX_AGE, SWITCHYARD_AUTH_SECURE_COOKIES,
SWITCHYARD_ADMIN_PASSWORD), then flags.
Unknown keys and bad values stop the server with a message naming the key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(cmd, defaultConfig())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if f.printConfig {
				return printConfig(cmd.OutOrStdout(), cfg)
			}
			return serve(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr(), serveOptions{})
		},
	}
	f.register(cmd, "127.0.0.1:8080")
	return cmd
}

func printConfig(w io.Writer, cfg Config) error {
	b, err := yaml.Marshal(cfg.redacted())
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// serveOptions are what the demo adds to a plain server.
type serveOptions struct {
	demo bool
	// catalog, when set, gives the process deployer's catalog once the
	// control plane's store, identity service and address exist (the demo
	// makes its agent token and its topology's commands there); otherwise
	// the configuration's deploy.process is used.
	catalog func(ctx context.Context, cp *controlPlane) (process.Catalog, error)
	// output receives the deployer's instances' log lines (the demo shows
	// them with the instance's name).
	output func(name string) io.Writer
}

// newLogger builds the server log on stderr.
func newLogger(cfg LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openStore opens the configured store adapter.
func openStore(ctx context.Context, cfg StoreConfig) (switchyard.Store, error) {
	switch cfg.Driver {
	case "postgres":
		return postgres.Open(ctx, cfg.DSN)
	case "sqlite":
		return sqlite.Open(ctx, cfg.DSN)
	}
	return nil, &configError{"store.driver", fmt.Sprintf("%q must be sqlite or postgres", cfg.Driver)}
}

// controlPlane is a started server.
type controlPlane struct {
	URL    string
	Store  switchyard.Store
	Auth   *auth.Service
	API    *httpapi.Server
	Logger *slog.Logger
	srv    *http.Server
	errc   chan error
	// stopRunner stops the workflow runner; runnerDone closes once it has.
	stopRunner func()
	runnerDone chan struct{}
	// Deployer is the local-process deployer (its instances outlive the
	// server; the demo stops them).
	Deployer *process.Deployer
	// verifier runs the verification tests; stopping puts back the rules
	// of the simulations under way.
	verifier *verify.Service
}

// startControlPlane opens the store, makes the first admin, and starts
// serving the API and the console.
func startControlPlane(ctx context.Context, cfg Config, stdout, stderr io.Writer, opts serveOptions) (*controlPlane, error) {
	logger := newLogger(cfg.Log, stderr)
	store, err := openStore(ctx, cfg.Store)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	a := auth.New(store, logger.With("component", "auth"))
	a.SessionTTL = time.Duration(cfg.Auth.SessionTTL)
	a.SessionMaxAge = time.Duration(cfg.Auth.SessionMaxAge)
	generated, err := a.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		store.Close()
		return nil, err
	}
	cc := builtin.NewConfigCenter(store, logger.With("component", "configcenter"))
	reg := builtin.NewRegistry()
	reg.Persist, reg.Logger = store, logger.With("component", "registry")
	if err := reg.Load(ctx); err != nil {
		logger.Warn("restore registrations", "err", err)
	}
	go func() { _ = cc.Run(ctx) }()
	go func() { _ = reg.Run(ctx) }()
	metrics := builtin.NewMetrics()
	releases := release.New(store, cc, reg, logger.With("component", "release"))
	applyCrashHook(releases)
	if err := reconcileOnStart(ctx, releases, cfg.Store.Driver); err != nil {
		store.Close()
		return nil, err
	}
	verifier, err := startVerifier(ctx, store, releases, reg, logger, cfg.Store.Driver)
	if err != nil {
		store.Close()
		return nil, err
	}
	// The workflow engine: the local-process deployer (the DEPLOY and
	// OFFLINE steps' default) is added once listening; the webhook
	// notifiers come from the configuration.
	notifiers, err := webhooks(cfg.Notify, logger)
	if err != nil {
		store.Close()
		return nil, &exitError{code: 2, err: err}
	}
	engine := &workflow.Env{Releases: releases, Registry: reg, Metrics: metrics, Deployers: map[string]switchyard.Deployer{}, Notifiers: notifiers,
		HTTP: &http.Client{Timeout: 10 * time.Second}, Logger: logger.With("component", "workflow"), AllowCommands: cfg.Workflow.AllowCommands}
	// 执行发布 / 结束发布 may deploy and take offline through the same
	// deployers (the map is filled once listening).
	releases.Rollouts = &release.Rollouts{Deployers: engine.Deployers}
	runner := workflow.NewRunner(store, engine, runnerOwner(cfg.Store.Driver))
	api := httpapi.New(httpapi.Deps{Store: store, Auth: a, Config: cc, Registry: reg, Metrics: metrics, Collector: metrics, Releases: releases,
		Workflows: workflow.NewService(releases, runner), Verify: verifier, Logger: logger.With("component", "http")})
	api.Version = buildVersion()
	api.SecureCookies = cfg.Auth.SecureCookies
	api.UI = web.Handler()
	api.SetDemo(opts.demo)

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		store.Close()
		return nil, &exitError{code: 1, err: fmt.Errorf("listen on %s: %w", cfg.Listen, err)}
	}
	// Requests run on a context cancelled as shutdown begins, so held
	// long-poll watches answer at once instead of delaying the shutdown.
	base, stopRequests := context.WithCancel(context.WithoutCancel(ctx))
	cp := &controlPlane{URL: "http://" + ln.Addr().String(), Store: store, Auth: a, API: api, Logger: logger, errc: make(chan error, 1), verifier: verifier,
		srv: &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
			BaseContext: func(net.Listener) context.Context { return base }}}
	cp.srv.RegisterOnShutdown(stopRequests)
	engine.BaseURL = cp.URL
	cat := cfg.Deploy.Process
	if opts.catalog != nil {
		if cat, err = opts.catalog(ctx, cp); err != nil {
			ln.Close()
			store.Close()
			return nil, err
		}
	}
	// No catalog, no process deployer: DEPLOY and OFFLINE steps then fail
	// saying no deployer named process is configured.
	if len(cat.Services) > 0 {
		dep, err := process.New(cfg.DataDir, cat, process.Options{Logger: logger.With("component", "deployer"), Output: opts.output})
		if err != nil {
			ln.Close()
			store.Close()
			return nil, &exitError{code: 2, err: fmt.Errorf("deploy.process: %w", err)}
		}
		cp.Deployer = dep
		engine.Deployers["process"] = dep
	}
	runCtx, stopRunner := context.WithCancel(ctx)
	cp.stopRunner, cp.runnerDone = stopRunner, make(chan struct{})
	go func() { defer close(cp.runnerDone); _ = runner.Run(runCtx) }()
	fmt.Fprintf(stdout, "switchyard %s listening on %s\n", buildVersion(), cp.URL)
	fmt.Fprintf(stdout, "console: %s/\n", cp.URL)
	if !web.Built() {
		fmt.Fprintln(stdout, "note: this binary has no console built in; run `make build` to include it")
	}
	if generated != "" {
		// Printed once, never logged: the only place this password appears.
		fmt.Fprintf(stdout, "first start: created user \"admin\" with password %s (change it under System → Users)\n", generated)
	}
	logger.Info("server started", "addr", ln.Addr().String(), "store", cfg.Store.Driver)
	go cleanSessions(ctx, store, logger)
	go func() { cp.errc <- cp.srv.Serve(ln) }()
	return cp, nil
}

// wait serves until ctx is done, then shuts down gracefully.
func (cp *controlPlane) wait(ctx context.Context) error {
	select {
	case err := <-cp.errc:
		cp.stopEngine(context.Background())
		cp.Store.Close()
		return err
	case <-ctx.Done():
	}
	return cp.shutdown()
}

// shutdown stops serving, lets requests finish and closes the store.
func (cp *controlPlane) shutdown() error {
	defer cp.Store.Close()
	cp.Logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	defer cp.stopEngine(sctx)
	if err := cp.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-cp.errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// stopEngine stops the workflow runner and waits (until ctx ends) for it
// to finish its save: before the store closes.
func (cp *controlPlane) stopEngine(ctx context.Context) {
	_ = cp.verifier.Close(ctx)
	cp.stopRunner()
	select {
	case <-cp.runnerDone:
	case <-ctx.Done():
	}
	if cp.Deployer != nil {
		// Its instances keep running (they outlive the server; the demo
		// stops them itself): this lets the data directory go.
		_ = cp.Deployer.Close()
	}
}

// webhooks builds the configured webhook notifiers.
func webhooks(cfg NotifyConfig, logger *slog.Logger) ([]switchyard.Notifier, error) {
	out := []switchyard.Notifier{}
	for i, w := range cfg.Webhooks {
		c := w.Config
		if w.SecretEnv != "" {
			c.Secret = os.Getenv(w.SecretEnv)
		}
		n, err := webhook.New(c, webhook.Options{Logger: logger.With("component", "notify", "notifier", c.Name)})
		if err != nil {
			return nil, fmt.Errorf("notify.webhooks[%d]: %w", i, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// runnerOwner names this replica in execution leases: one stable name for
// a SQLite server (one process per data directory), so a restarted server
// takes its leases back at once; a name per process on PostgreSQL, where
// replicas share the store and a dead one's leases run out.
func runnerOwner(driver string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	if driver == "sqlite" {
		return "sqlite@" + host
	}
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + rand.Text()[:8]
}

// serve runs the control plane until ctx is done.
func serve(ctx context.Context, cfg Config, stdout, stderr io.Writer, opts serveOptions) error {
	cp, err := startControlPlane(ctx, cfg, stdout, stderr, opts)
	if err != nil {
		return err
	}
	return cp.wait(ctx)
}

// cleanSessions removes expired sessions every half hour.
func cleanSessions(ctx context.Context, store switchyard.Store, logger *slog.Logger) {
	t := time.NewTicker(30 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := store.DeleteExpiredSessions(ctx, now); err != nil && ctx.Err() == nil {
				logger.Warn("delete expired sessions", "err", err)
			}
		}
	}
}
