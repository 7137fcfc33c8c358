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
// each kept current by a registry watch started on first use. The watches
// belong to the cache: Close ends them.
type Instances struct {
	reg    switchyard.Registry
	logger *slog.Logger
	// closed is closed by Close; watches counts the running watch
	// goroutines, for Close to wait on.
	closed  chan struct{}
	watches sync.WaitGroup
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
	stop  context.CancelFunc // ends the service's watch
}

// NewInstances returns an empty cache of the instances in reg; Close ends
// the watches it starts.
func NewInstances(reg switchyard.Registry, logger *slog.Logger) *Instances {
	if logger == nil {
		logger = slog.Default()
	}
	return &Instances{reg: reg, logger: logger, closed: make(chan struct{}), Wait: 3 * time.Second, services: map[string]*serviceInstances{}}
}

// Close ends every watch and waits for them to stop. Lookups after Close
// answer what the cache knew and start no watch. It is idempotent.
func (c *Instances) Close() {
	c.mu.Lock()
	select {
	case <-c.closed:
	default:
		close(c.closed)
		for _, s := range c.services {
			s.stop()
		}
	}
	c.mu.Unlock()
	c.watches.Wait()
}

// Get returns the live instances of service (nil while unknown). The slice is
// shared: callers must not modify it.
func (c *Instances) Get(service string) []rule.Instance {
	c.mu.Lock()
	s := c.services[service]
	if s == nil {
		select {
		case <-c.closed:
			c.mu.Unlock()
			return nil // closed: no new watch
		default:
		}
		ctx, stop := context.WithCancel(context.Background())
		s = &serviceInstances{ready: make(chan struct{}), stop: stop}
		if cached, ok := c.loadCache(service); ok {
			s.list.Store(&cached)
		}
		c.services[service] = s
		c.watches.Add(1)
		go c.watch(ctx, service, s)
	}
	c.mu.Unlock()
	if l := s.list.Load(); l != nil {
		return *l
	}
	select {
	case <-s.ready:
	case <-time.After(c.Wait):
	case <-c.closed:
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

// watch keeps s current until ctx ends (Close).
func (c *Instances) watch(ctx context.Context, service string, s *serviceInstances) {
	defer c.watches.Done()
	ch, err := c.reg.Watch(ctx, service)
	if err != nil {
		if ctx.Err() == nil {
			c.logger.Error("watch instances", "service", service, "err", err)
		}
		return
	}
	first := true
	for e := range ch {
		list := make([]rule.Instance, 0, len(e.Instances))
		for _, in := range e.Instances {
			list = append(list, rule.InstanceOf(in))
		}
		s.list.Store(&list)
		c.storeCache(service, list)
		if first {
			close(s.ready)
			first = false
		}
	}
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
