package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/demo"
	"github.com/switchyard-io/switchyard/deploy/process"
)

// The versions the demo's release workflow moves between.
const (
	demoOld = "1.0"
	demoNew = "1.1"
	// demoRelease is the release the demo's workflow operates.
	demoRelease = "discovery-guide-1.1"
)

// demoCatalog is the process deployer's catalog of the topology's services:
// `switchyard demo-service` at each version's fixed port (the guide's), so
// the workflow's DEPLOY brings 1.1 up where the guide expects it and its
// OFFLINE takes 1.0 down.
func demoCatalog(topo demo.Topology, cpURL, token string) process.Catalog {
	cat := process.Catalog{StopGrace: 5 * time.Second, Env: map[string]string{"SWITCHYARD_TOKEN": token, "SWITCHYARD_CONTROL_PLANE": cpURL}}
	index := map[string]int{}
	for _, s := range topo.Services {
		i, ok := index[s.Service]
		if !ok {
			host, _, _ := net.SplitHostPort(s.Listen)
			cat.Services = append(cat.Services, process.Service{Name: s.Service, Group: topo.Group, Host: host,
				Ports: process.PortRange{From: 20000, To: 20999},
				Args: []string{"demo-service", "--service", "{name}", "--group", "{group}", "--version", "{version}", "--listen", "{host}:{port}",
					"--control-plane", cpURL, "--admin-listen", "127.0.0.1:0", "--cache-dir", "{datadir}/cache", "--report-interval", "1s", "--next", s.Next}})
			i = len(cat.Services) - 1
			index[s.Service] = i
		}
		_, port, _ := net.SplitHostPort(s.Listen)
		p, _ := strconv.Atoi(port)
		args := []string{"--region", s.Region, "--env", s.Env, "--zone", s.Zone}
		if s.Active {
			args = append(args, "--active")
		}
		cat.Services[i].Versions = append(cat.Services[i].Versions, process.Version{Version: s.Version, Ports: []int{p}, Args: args})
	}
	return cat
}

// startServices brings the topology's services up through the deployer:
// every version, or with fresh only the old one. Instances a previous run
// left behind are stopped first (they carry that run's revoked token).
func startServices(ctx context.Context, dep *process.Deployer, topo demo.Topology, fresh bool) error {
	if err := dep.StopAll(ctx); err != nil {
		return fmt.Errorf("stop the services a previous demo left: %w", err)
	}
	for _, s := range topo.Services {
		if fresh && s.Version != demoOld {
			continue
		}
		if _, err := dep.Ensure(ctx, switchyard.DeploySpec{Service: s.Service, Group: topo.Group, Version: s.Version, Instances: 1, Key: "demo"}); err != nil {
			return fmt.Errorf("start %s %s (is its port %s taken? use --port-offset): %w", s.Service, s.Version, s.Listen, err)
		}
	}
	return nil
}

// demoOutput shows each instance's log lines with the topology's name for
// it ([A1], [B2], …), as the demo always has.
func demoOutput(topo demo.Topology, w io.Writer) func(name string) io.Writer {
	names := map[string]string{}
	for _, s := range topo.Services {
		names[s.Service+"-"+s.Version+"-1"] = s.Name
	}
	var mu sync.Mutex
	return func(instance string) io.Writer {
		label := names[instance]
		if label == "" {
			label = instance
		}
		return &prefixWriter{w: w, mu: &mu, prefix: "[" + label + "] "}
	}
}

// prefixWriter writes each line it is given with a prefix; writers of
// several instances share mu.
type prefixWriter struct {
	w      io.Writer
	mu     *sync.Mutex
	prefix string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if _, err := io.WriteString(p.w, p.prefix); err != nil {
			return 0, err
		}
		if _, err := p.w.Write(line); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// demoWorkflow makes sure the demo's release (discovery-guide-1.1, the
// gateway's key, services a and b) and its blue-green workflow exist with
// short durations, and returns the workflow. A release a previous run ended
// is made anew, so the workflow can run again.
func demoWorkflow(ctx context.Context, cp *controlPlane, topo demo.Topology) (*switchyard.Workflow, error) {
	admin, err := cp.Store.FindUserByName(ctx, "admin")
	if err != nil {
		return nil, err
	}
	r, err := cp.Store.FindRelease(ctx, demoRelease)
	switch {
	case err == nil && r.State == switchyard.StateEnded:
		if err := cp.API.Releases.Delete(ctx, admin, demoRelease, 0); err != nil {
			return nil, err
		}
		r = nil
	case switchyard.IsCode(err, switchyard.CodeNotFound):
		r = nil
	case err != nil:
		return nil, err
	}
	if r == nil {
		services := []string{}
		for _, s := range topo.Services {
			if !slices.Contains(services, s.Service) {
				services = append(services, s.Service)
			}
		}
		nr := switchyard.NewRelease{Name: demoRelease, Description: "The demo's release: " + demoOld + " → " + demoNew + " of the guide's services, run by workflow",
			Subscription: switchyard.Partial, Group: topo.Group, App: topo.Gateway.Service,
			Spec: switchyard.ReleaseSpec{Services: services, Sort: "version", GrayEnabled: true, GrayConditions: []switchyard.GrayCondition{{Weight: 0}}}}
		if _, err := cp.API.Releases.Create(ctx, admin, nr); err != nil {
			return nil, err
		}
	}
	list, err := cp.Store.FindWorkflows(ctx, switchyard.WorkflowFilter{ReleaseID: demoRelease})
	if err != nil {
		return nil, err
	}
	if len(list) > 0 {
		return list[len(list)-1], nil
	}
	return cp.API.Workflows.Create(ctx, admin, switchyard.NewWorkflow{ReleaseID: demoRelease, Name: "蓝绿部署 " + demoOld + " → " + demoNew,
		Template: switchyard.TemplateBlueGreen, Params: &switchyard.TemplateParams{NewVersion: demoNew, Weights: []int{10, 50, 100},
			Observe: []string{"20s", "20s", "20s"}, Increment: 5, Interval: "2s", Sample: "5s"}})
}

// newVersionListen is where the new version of the first service listens
// (its fault injection endpoint).
func newVersionListen(topo demo.Topology) string {
	for _, s := range topo.Services {
		if s.Version == demoNew {
			return s.Listen
		}
	}
	return ""
}
