package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/auth"
	ccbuiltin "github.com/switchyard-io/switchyard/configcenter/builtin"
	"github.com/switchyard-io/switchyard/httpapi"
	mbuiltin "github.com/switchyard-io/switchyard/metrics/builtin"
	regbuiltin "github.com/switchyard-io/switchyard/registry/builtin"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/store/postgres"
	"github.com/switchyard-io/switchyard/store/sqlite"
	"github.com/switchyard-io/switchyard/web"
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
SWITCHYARD_AUTH_SECURE_COOKIES, SWITCHYARD_ADMIN_PASSWORD), then flags.
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
	generated, err := a.Bootstrap(ctx, cfg.AdminPassword)
	if err != nil {
		store.Close()
		return nil, err
	}
	cc := ccbuiltin.New(store, logger.With("component", "configcenter"))
	reg := regbuiltin.New()
	reg.Persist, reg.Logger = store, logger.With("component", "registry")
	if err := reg.Load(ctx); err != nil {
		logger.Warn("restore registrations", "err", err)
	}
	go func() { _ = cc.Run(ctx) }()
	go func() { _ = reg.Run(ctx) }()
	metrics := mbuiltin.New()
	releases := release.New(store, cc, reg, logger.With("component", "release"))
	api := httpapi.New(httpapi.Deps{Store: store, Auth: a, Config: cc, Registry: reg, Metrics: metrics, Collector: metrics, Releases: releases, Logger: logger.With("component", "http")})
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
	cp := &controlPlane{URL: "http://" + ln.Addr().String(), Store: store, Auth: a, API: api, Logger: logger, errc: make(chan error, 1),
		srv: &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
			BaseContext: func(net.Listener) context.Context { return base }}}
	cp.srv.RegisterOnShutdown(stopRequests)
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
	if err := cp.srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-cp.errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
