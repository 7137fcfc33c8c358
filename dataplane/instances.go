package dataplane

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// Instances caches the live instances of the services a process calls,
// each kept current by a registry watch started on first use.
type Instances struct {
	reg    switchyard.Registry
	ctx    context.Context
	logger *slog.Logger
	// Wait bounds how long the first lookup of a service waits for the
	// registry's answer.
	Wait time.Duration
	// CacheDir, if set, keeps each service's last known instances on disk,
	// so a process started while the registry is down still routes.
	CacheDir string

	mu       sync.Mutex
	services map[string]*serviceInstances
}

type serviceInstances struct {
	list  atomic.Pointer[[]rule.Instance]
	ready chan struct{}
}

// NewInstances returns an empty cache; watches live until ctx ends.
func NewInstances(ctx context.Context, reg switchyard.Registry, logger *slog.Logger) *Instances {
	if logger == nil {
		logger = slog.Default()
	}
	return &Instances{reg: reg, ctx: ctx, logger: logger, Wait: 3 * time.Second, services: map[string]*serviceInstances{}}
}

// Get returns the live instances of service (nil while unknown). The slice is
// shared: callers must not modify it.
func (c *Instances) Get(service string) []rule.Instance {
	c.mu.Lock()
	s := c.services[service]
	if s == nil {
		s = &serviceInstances{ready: make(chan struct{})}
		if cached, ok := c.loadCache(service); ok {
			s.list.Store(&cached)
		}
		c.services[service] = s
		go c.watch(service, s)
	}
	c.mu.Unlock()
	if l := s.list.Load(); l != nil {
		return *l
	}
	select {
	case <-s.ready:
	case <-time.After(c.Wait):
	case <-c.ctx.Done():
	}
	if l := s.list.Load(); l != nil {
		return *l
	}
	return nil
}

// Preload starts watching services now, so the first request finds them.
func (c *Instances) Preload(services ...string) {
	for _, s := range services {
		go c.Get(s)
	}
}

func (c *Instances) watch(service string, s *serviceInstances) {
	ch, err := c.reg.Watch(c.ctx, service)
	if err != nil {
		c.logger.Error("watch instances", "service", service, "err", err)
		return
	}
	first := true
	for e := range ch {
		list := make([]rule.Instance, 0, len(e.Instances))
		for _, in := range e.Instances {
			list = append(list, ToRule(in))
		}
		s.list.Store(&list)
		c.storeCache(service, list)
		if first {
			close(s.ready)
			first = false
		}
	}
}

// ToRule converts a registry instance to what the rule package filters.
func ToRule(in *switchyard.Instance) rule.Instance {
	return rule.Instance{Service: in.Service, Version: in.Version, Region: in.Region, Env: in.Env, Zone: in.Zone, Group: in.Group,
		Host: in.Host, Port: in.Port, ID: in.ID, Type: in.Type, Active: in.Metadata["active"] == "true", StartTime: in.StartTime, Metadata: in.Metadata}
}

func (c *Instances) cachePath(service string) string {
	return filepath.Join(c.CacheDir, "instances", url.PathEscape(service)+".json")
}

func (c *Instances) loadCache(service string) ([]rule.Instance, bool) {
	if c.CacheDir == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.cachePath(service))
	if err != nil {
		return nil, false
	}
	var list []rule.Instance
	if json.Unmarshal(b, &list) != nil {
		return nil, false
	}
	c.logger.Info("instances from the disk cache until the registry answers", "service", service, "instances", len(list))
	return list, true
}

// storeCache writes atomically (temp file + rename).
func (c *Instances) storeCache(service string, list []rule.Instance) {
	if c.CacheDir == "" {
		return
	}
	p := c.cachePath(service)
	if os.MkdirAll(filepath.Dir(p), 0o700) != nil {
		return
	}
	b, _ := json.Marshal(list)
	if os.WriteFile(p+".tmp", b, 0o600) == nil {
		_ = os.Rename(p+".tmp", p)
	}
}
