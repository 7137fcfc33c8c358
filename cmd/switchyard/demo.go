package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/demo"
	"github.com/switchyard-io/switchyard/deploy/process"
)

// demoAdminPassword is the documented password of the demo's admin user.
const demoAdminPassword = "switchyard-demo"

// demoFlags shape the demo beyond the server flags.
type demoFlags struct {
	noTraffic   bool
	trafficRate int
	portOffset  int
	topology    string
	// fresh starts only the old versions (1.0): what a release workflow
	// expects to find before it deploys the new one.
	fresh bool
}

func newDemoCmd() *cobra.Command {
	var f serverFlags
	var d demoFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the all-in-one demo: control plane, gateway and the guide's services",
		Long: `Run the all-in-one demo on embedded defaults: the control plane (SQLite in
DATA_DIR/demo, built-in config center and registry; user "admin", password
"` + demoAdminPassword + `"), the Nepxion guide topology as real processes —
gateway discovery-guide-gateway on 127.0.0.1:5001 routing
/discovery-guide-service-a/** to service-a 1.0 (:3001) and 1.1 (:3002), which
call service-b 1.0 (:4001) and 1.1 (:4002) — Nepxion's console endpoints at
127.0.0.1:6001, and a gentle traffic generator. Ctrl-C stops everything.

The services run under the local-process deployer, so the release workflow
the demo ships (WF-001, blue-green 1.0 → 1.1 with short durations, on the
release discovery-guide-1.1) really deploys 1.1, shifts traffic, watches it
and takes 1.0 offline. --fresh starts with 1.0 only, as a release would.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base := defaultConfig()
			base.DataDir = filepath.Join(defaultDataDir(), "demo")
			base.AdminPassword = demoAdminPassword
			cfg, err := f.load(cmd, base)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if f.printConfig {
				return printConfig(cmd.OutOrStdout(), cfg)
			}
			topo := demo.Guide()
			if d.topology != "" {
				if err := loadYAMLFile(d.topology, &topo); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			return runDemo(cmd.Context(), cfg, topo.Shift(d.portOffset), d, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.register(cmd, "127.0.0.1:8080")
	cmd.Flags().BoolVar(&d.noTraffic, "no-traffic", false, "do not generate traffic")
	cmd.Flags().IntVar(&d.trafficRate, "traffic-rate", 10, "requests per second the traffic generator sends")
	cmd.Flags().IntVar(&d.portOffset, "port-offset", 0, "add this to every demo port (gateway, services, Nepxion console)")
	cmd.Flags().StringVar(&d.topology, "topology", "", "YAML file describing another topology (see demo.Topology)")
	cmd.Flags().BoolVar(&d.fresh, "fresh", false, "start only the old versions (1.0); the workflow WF-001 deploys 1.1")
	return cmd
}

func runDemo(ctx context.Context, cfg Config, topo demo.Topology, d demoFlags, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var token string
	opts := serveOptions{demo: true, output: demoOutput(topo, stderr),
		catalog: func(ctx context.Context, cp *controlPlane) (process.Catalog, error) {
			var err error
			token, err = demoAgentToken(ctx, cp)
			return demoCatalog(topo, cp.URL, token), err
		}}
	cp, err := startControlPlane(ctx, cfg, stdout, stderr, opts)
	if err != nil {
		return err
	}
	stopServices := func() {
		sctx, scancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer scancel()
		if err := cp.Deployer.StopAll(sctx); err != nil {
			cp.Logger.Warn("stop the demo's services", "err", err)
		}
	}
	if err := startServices(ctx, cp.Deployer, topo, d.fresh); err != nil {
		stopServices()
		cancel()
		_ = cp.wait(ctx)
		return err
	}
	cp.API.NepxionOpenOnLoopback = true
	console, err := serveNepxionConsole(ctx, cp, topo.Console)
	if err != nil {
		cancel()
		_ = cp.wait(ctx)
		return err
	}
	children, err := startTopology(ctx, cp.URL, token, cfg.DataDir, topo, stderr)
	if err != nil {
		children.stop()
		stopServices()
		cancel()
		_ = cp.wait(ctx)
		return err
	}
	wf, err := demoWorkflow(ctx, cp, topo)
	if err != nil {
		cp.Logger.Warn("the demo's release workflow", "err", err)
	}
	gwURL := "http://" + topo.Gateway.Listen + topo.Gateway.Route + "invoke/gateway"
	if !d.noTraffic {
		go demo.Traffic(ctx, gwURL, d.trafficRate)
	}
	fmt.Fprintf(stdout, "demo: sign in at %s/ as admin / %s\n", cp.URL, demoAdminPassword)
	fmt.Fprintf(stdout, "demo: gateway %s on http://%s — try: curl %s\n", topo.Gateway.Service, topo.Gateway.Listen, gwURL)
	fmt.Fprintf(stdout, "demo: Nepxion console endpoints on http://%s (no token needed from programs on this machine; web pages are refused)\n", console)
	if wf != nil {
		fmt.Fprintf(stdout, "demo: release workflow %s (blue-green %s → %s) — run it: switchyard exec start %s (or 执行 on its page in the console); errors into 1.1: curl -X PUT http://%s/demo/fault -d '{\"errorRate\":0.2}'\n",
			wf.ID, demoOld, demoNew, wf.ID, newVersionListen(topo))
	}
	fmt.Fprintln(stdout, "demo: press Ctrl-C to stop")
	cp.Logger.Warn("demo mode: the Nepxion console endpoints accept calls from programs on this machine without a token (not from web pages; the API listener's /nepxion/ still wants one)", "console", console)
	var serveErr error
	select {
	case serveErr = <-cp.errc:
	case <-ctx.Done():
	}
	// Children first: they deregister while the control plane still answers.
	children.stop()
	stopServices()
	if err := cp.shutdown(); err != nil && serveErr == nil {
		serveErr = err
	}
	return serveErr
}

// demoAgentToken makes (or reuses) the data-plane user and issues a fresh
// token for this run, revoking the previous run's tokens.
func demoAgentToken(ctx context.Context, cp *controlPlane) (string, error) {
	u, err := cp.Store.FindUserByName(ctx, "dataplane")
	if switchyard.IsCode(err, switchyard.CodeNotFound) {
		u, err = cp.Auth.CreateUser(ctx, switchyard.NewUser{Name: "dataplane", DisplayName: "Demo data plane", Role: switchyard.RoleAgent, Password: "dp-" + demoAdminPassword + "-agent"})
	}
	if err != nil {
		return "", err
	}
	old, _ := cp.Store.FindTokens(ctx, switchyard.TokenFilter{UserID: u.ID})
	for _, t := range old {
		if t.RevokedAt == nil {
			_, _ = cp.Store.RevokeToken(ctx, t.ID, time.Now())
		}
	}
	it, err := cp.Auth.IssueToken(ctx, u, switchyard.TokenRequest{Name: "demo data plane"})
	if err != nil {
		return "", err
	}
	return it.Secret, nil
}

// serveNepxionConsole serves Nepxion's console paths at addr (the guide's
// 127.0.0.1:6001): the Nepxion endpoints only, open to programs on this
// machine (not to web pages) without a token.
func serveNepxionConsole(ctx context.Context, cp *controlPlane, addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s for the Nepxion console endpoints: %w", addr, err)
	}
	srv := &http.Server{Handler: cp.API.NepxionConsole(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return ln.Addr().String(), nil
}

// children are the demo's data-plane processes.
type children struct {
	mu    sync.Mutex
	procs []*exec.Cmd
	done  []chan struct{}
}

// startTopology starts the gateway as a child process of this binary and
// waits until it listens (the services run under the process deployer:
// startServices).
func startTopology(ctx context.Context, cpURL, token, dataDir string, topo demo.Topology, stderr io.Writer) (*children, error) {
	self, err := os.Executable()
	if err != nil {
		return &children{}, err
	}
	ch := &children{}
	env := childEnv(os.Environ(), cpURL, token)
	cache := filepath.Join(dataDir, "cache")
	start := func(name, listen string, args ...string) error {
		cmd := exec.Command(self, args...)
		cmd.Env = env
		// The kernel ends the children if the demo dies without cleaning up.
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
		out, _ := cmd.StderrPipe()
		cmd.Stdout = io.Discard
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		done := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				fmt.Fprintf(stderr, "[%s] %s\n", name, sc.Text())
			}
			_ = cmd.Wait()
			close(done)
		}()
		ch.mu.Lock()
		ch.procs, ch.done = append(ch.procs, cmd), append(ch.done, done)
		ch.mu.Unlock()
		return waitListening(ctx, listen, done, name)
	}
	common := func(service, listen string) []string {
		return []string{"--service", service, "--group", topo.Group, "--listen", listen, "--control-plane", cpURL, "--admin-listen", "127.0.0.1:0",
			"--cache-dir", filepath.Join(cache, service+"-"+strings.ReplaceAll(listen, ":", "_"))}
	}
	g := topo.Gateway
	// The guide's gateway: incoming n-d-* headers win (header.priority=false).
	args := append([]string{"gateway"}, common(g.Service, g.Listen)...)
	args = append(args, "--version", g.Version, "--route", g.Route+"="+g.First, "--header-priority=false")
	if err := start("gateway", g.Listen, args...); err != nil {
		return ch, err
	}
	return ch, nil
}

// childEnv is the environment of the demo's data-plane processes: this
// process's without any SWITCHYARD_* setting (the admin password, a store
// DSN, the user's own token or listen address are not theirs), plus the
// control plane's URL and the run's agent token, which is all they need.
func childEnv(parent []string, cpURL, token string) []string {
	env := make([]string, 0, len(parent)+2)
	for _, kv := range parent {
		if !strings.HasPrefix(kv, "SWITCHYARD_") {
			env = append(env, kv)
		}
	}
	return append(env, "SWITCHYARD_TOKEN="+token, "SWITCHYARD_CONTROL_PLANE="+cpURL)
}

// waitListening waits until addr accepts connections or the process exits.
func waitListening(ctx context.Context, addr string, exited <-chan struct{}, name string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("%s exited before listening on %s (is the port taken? use --port-offset)", name, addr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s does not listen on %s after 20s", name, addr)
}

// stop ends every child: SIGTERM, then SIGKILL after 5 seconds.
func (c *children) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		_ = p.Process.Signal(syscall.SIGTERM)
	}
	deadline := time.Now().Add(5 * time.Second)
	for i, done := range c.done {
		select {
		case <-done:
		case <-time.After(time.Until(deadline)):
			_ = syscall.Kill(-c.procs[i].Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
}
