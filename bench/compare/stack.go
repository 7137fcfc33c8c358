package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// The gateway's identity and its route.
const (
	gatewayService = "gw"
	group          = "g"
	routePrefix    = "/b/"
)

// stack is every process of the comparison: the control plane, the two
// backends, the gateway and nginx.
type stack struct {
	o    options
	dir  string
	ps   *procs
	bin  string
	http *http.Client

	cpURL    string
	admin    *client.Client
	backends map[string]string // version → host:port
	gateway  string            // host:port
	pprof    string            // the gateway's --pprof host:port; "" when the binary has none
	nginx    string            // host:port

	gatewayProc     *proc
	nginxProc       *proc
	nginxConditions int // the rule nginx runs; 0 = none yet
	ruleConditions  int // the rule the gateway applied; 0 = none yet
}

func newStack(o options, dir string, ps *procs) *stack {
	return &stack{o: o, dir: dir, ps: ps, bin: o.Bin, backends: map[string]string{},
		http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}}
}

// buildBinary builds ./cmd/switchyard of the module the harness runs in.
func buildBinary(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module to build switchyard from: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("find the module to build switchyard from: not inside one (run in the repository, or set SWITCHYARD_BIN)")
	}
	bin := filepath.Join(dir, "switchyard")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/switchyard")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/switchyard: %w\n%s", err, out)
	}
	return bin, nil
}

// start brings up the control plane, the backends and the gateway.
func (s *stack) start(ctx context.Context) error {
	addrs, err := freePorts(5)
	if err != nil {
		return err
	}
	s.backends[oldVersion], s.backends[newVersion], s.gateway, s.nginx = addrs[1], addrs[2], addrs[3], addrs[4]
	if err := s.startControlPlane(ctx, addrs[0]); err != nil {
		return err
	}
	token, err := s.agentToken(ctx)
	if err != nil {
		return err
	}
	for _, v := range []string{oldVersion, newVersion} {
		if err := s.startBackend(ctx, v, token); err != nil {
			return err
		}
	}
	if err := s.waitRegistered(ctx); err != nil {
		return err
	}
	if err := s.publishRule(ctx, 2); err != nil {
		return err
	}
	return s.startGateway(ctx, token)
}

// startControlPlane runs `switchyard server` on SQLite in the temp dir.
func (s *stack) startControlPlane(ctx context.Context, addr string) error {
	password := randomHex(12)
	env := cleanEnv("SWITCHYARD_ADMIN_PASSWORD="+password, "SWITCHYARD_LOG_LEVEL=warn")
	p, err := s.ps.start("control-plane", env, s.bin, "server", "--data-dir", filepath.Join(s.dir, "control-plane"), "--listen", addr)
	if err != nil {
		return err
	}
	if err := p.waitListening(ctx, addr, 60*time.Second); err != nil {
		return err
	}
	s.cpURL = "http://" + addr
	if err := s.waitOK(ctx, s.cpURL+"/readyz", 30*time.Second); err != nil {
		return p.failure(err.Error())
	}
	s.admin = client.New(s.cpURL, "")
	it, err := s.admin.LoginToken(ctx, switchyard.LoginRequest{Username: "admin", Password: password, TokenName: "bench"})
	if err != nil {
		return fmt.Errorf("sign in to the control plane as admin: %w", err)
	}
	s.admin.Token = it.Secret
	return nil
}

// agentToken makes the data-plane user (role agent) and signs it in: the
// SWITCHYARD_TOKEN of the backends and the gateway.
func (s *stack) agentToken(ctx context.Context) (string, error) {
	password := randomHex(12)
	if _, err := s.admin.CreateUser(ctx, switchyard.NewUser{Name: "bench-agent", DisplayName: "bench data plane", Role: switchyard.RoleAgent, Password: password}); err != nil {
		return "", fmt.Errorf("create the agent user: %w", err)
	}
	it, err := client.New(s.cpURL, "").LoginToken(ctx, switchyard.LoginRequest{Username: "bench-agent", Password: password, TokenName: "bench data plane"})
	if err != nil {
		return "", fmt.Errorf("sign in as the agent user: %w", err)
	}
	return it.Secret, nil
}

// proxyProc is the process serving target's requests ahead of the
// backends: nil for direct, which has none.
func (s *stack) proxyProc(target string) *proc {
	switch target {
	case "nginx":
		return s.nginxProc
	case "gateway":
		return s.gatewayProc
	}
	return nil
}

// dataPlaneArgs are the flags the backends and the gateway share.
func (s *stack) dataPlaneArgs(name, service, version, listen string) []string {
	return []string{"--service", service, "--group", group, "--version", version, "--listen", listen,
		"--control-plane", s.cpURL, "--cache-dir", filepath.Join(s.dir, "cache", name)}
}

func (s *stack) startBackend(ctx context.Context, version, token string) error {
	name := "backend-" + version
	args := append([]string{"demo-service"}, s.dataPlaneArgs(name, backendService, version, s.backends[version])...)
	args = append(args, "--next", "")
	p, err := s.ps.start(name, cleanEnv("SWITCHYARD_TOKEN="+token, "SWITCHYARD_LOG_LEVEL=warn"), s.bin, args...)
	if err != nil {
		return err
	}
	return p.waitListening(ctx, s.backends[version], 30*time.Second)
}

// waitRegistered waits until the registry holds both backends.
func (s *stack) waitRegistered(ctx context.Context) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		ins, err := s.admin.Instances(ctx, backendService, group)
		found := 0
		for _, in := range ins {
			if addr := in.Address(); addr == s.backends[oldVersion] || addr == s.backends[newVersion] {
				found++
			}
		}
		if err == nil && found == 2 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the registry does not list both backends after 20s (%d of 2; last error: %s)", found, errText(err))
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// gatewayHasPprof reports whether this switchyard's gateway has --pprof.
func (s *stack) gatewayHasPprof(ctx context.Context) bool {
	out, _ := exec.CommandContext(ctx, s.bin, "gateway", "--help").CombinedOutput()
	return strings.Contains(string(out), "--pprof")
}

func (s *stack) startGateway(ctx context.Context, token string) error {
	args := append([]string{"gateway"}, s.dataPlaneArgs("gateway", gatewayService, oldVersion, s.gateway)...)
	args = append(args, "--route", routePrefix+"="+backendService)
	if s.o.Profile != "" && s.gatewayHasPprof(ctx) {
		addrs, err := freePorts(1)
		if err != nil {
			return err
		}
		s.pprof = addrs[0]
		args = append(args, "--pprof", s.pprof)
	}
	env := cleanEnv("SWITCHYARD_TOKEN="+token, "SWITCHYARD_LOG_LEVEL=warn")
	env = append(env, s.o.GatewayEnv...)
	p, err := s.ps.start("gateway", env, s.bin, args...)
	if err != nil {
		return err
	}
	s.gatewayProc = p
	if err := p.waitListening(ctx, s.gateway, 30*time.Second); err != nil {
		return err
	}
	if err := s.waitApplied(ctx); err != nil {
		return p.failure(err.Error())
	}
	return nil
}

// publishRule writes the gateway's partial rule with n conditions through
// the control plane's API and, once the gateway runs, waits until its
// /healthz reports that version applied.
func (s *stack) publishRule(ctx context.Context, n int) error {
	if s.ruleConditions == n {
		return nil
	}
	if _, err := s.admin.PutConfig(ctx, group, gatewayService, gatewayRule(n), "xml", -1); err != nil {
		return fmt.Errorf("publish the gateway's rule (%d conditions): %w", n, err)
	}
	s.ruleConditions = n
	if s.gatewayProc == nil {
		return nil // startGateway waits for it
	}
	return s.waitApplied(ctx)
}

// waitApplied waits until the gateway's /healthz reports the config
// center's current version of its rule applied and no rule refused.
func (s *stack) waitApplied(ctx context.Context) error {
	e, err := s.admin.Config(ctx, group, gatewayService)
	if err != nil {
		return fmt.Errorf("read the published rule: %w", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	var last gatewayHealth
	for {
		last, err = s.health(ctx)
		if err == nil && last.Rule.OK && last.Rule.Partial.Version >= e.Version {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the gateway's /healthz does not report rule version %d applied after 15s: %+v (last error: %s)", e.Version, last, errText(err))
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// gatewayHealth is what the harness reads of the gateway's /healthz.
type gatewayHealth struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
	Rule   struct {
		OK      bool `json:"ok"`
		Partial struct {
			Version int64  `json:"version"`
			Error   string `json:"error"`
		} `json:"partial"`
	} `json:"rule"`
}

func (s *stack) health(ctx context.Context) (gatewayHealth, error) {
	var h gatewayHealth
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.gateway+"/healthz", nil)
	resp, err := s.http.Do(req)
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&h); err != nil {
		return h, fmt.Errorf("gateway /healthz: %w", err)
	}
	return h, nil
}

// startNginx (re)starts nginx with the rule of n conditions.
func (s *stack) startNginx(ctx context.Context, n int) error {
	if s.nginxConditions == n && s.nginxProc != nil && !s.nginxProc.exited() {
		return nil
	}
	if s.nginxProc != nil {
		s.nginxProc.stop(5 * time.Second)
		s.ps.remove(s.nginxProc)
		s.nginxProc = nil
	}
	dir := filepath.Join(s.dir, "nginx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	text, err := nginxConfig{Dir: dir, Listen: s.nginx, Workers: runtime.NumCPU(), User: nginxUser(),
		Old: s.backends[oldVersion], New: s.backends[newVersion], Conditions: n, Keepalive: 64}.render()
	if err != nil {
		return err
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return err
	}
	p, err := s.ps.start(fmt.Sprintf("nginx-%d", n), cleanEnv(), s.o.Nginx, "-p", dir, "-c", conf, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
	if err != nil {
		return err
	}
	s.nginxProc, s.nginxConditions = p, n
	return p.waitListening(ctx, s.nginx, 20*time.Second)
}

// nginxUser is the user directive's value when the harness runs as root
// (nginx's workers would run as nobody, who may not read the temp dir):
// the current user and group; "" otherwise.
func nginxUser() string {
	if os.Geteuid() != 0 {
		return ""
	}
	u, err := user.Current()
	if err != nil {
		return ""
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return u.Username
	}
	return u.Username + " " + g.Name
}

// waitOK polls url until it answers 200.
func (s *stack) waitOK(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := s.http.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = errors.New(resp.Status)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s does not answer 200 after %s: %w", url, timeout, err)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// errText is err's message, "none" for nil.
func errText(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
