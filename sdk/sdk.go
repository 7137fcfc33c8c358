// Package sdk makes a Go HTTP service part of a full-link release: it
// registers the service and keeps it alive, follows its rules, captures the
// n-d-* headers of each incoming request (Middleware), and gives outgoing
// calls to other services (http://service-id/path) the same version lane
// (Transport): the headers are propagated and the provider instance is
// chosen by the rule, as Nepxion's Feign/RestTemplate interceptors and
// load balancer do for Java services.
//
//	svc := sdk.New(sdk.Config{Self: switchyard.Instance{Service: "order", Group: "shop", Version: "1.1", Host: "10.0.0.5", Port: 8080}},
//		registry, configCenter, collector, logger)
//	if err := svc.Start(ctx); err != nil { … }
//	http.Handle("/", svc.Middleware(myHandler))
//	client := svc.Client() // client.Get(ctx-bound request to http://payment/pay)
package sdk

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/rule"
)

// Config shapes a service.
type Config struct {
	// Self is the instance to register: service id, group, version, region,
	// env, zone, the address consumers reach it at, metadata.
	Self    switchyard.Instance
	Options rule.Options
	// ServiceHeaderPriority: the service's own rule values replace incoming
	// headers (Nepxion's default, true) or only fill missing ones.
	ServiceHeaderPriority bool
	// CoreTransmission propagates the core route headers (default true).
	CoreTransmission bool
	// ContextHeaders are business or context headers to propagate besides
	// n-d-* (Nepxion's context/business request headers).
	ContextHeaders []string
	// CacheDir keeps the last good rule on disk ("" = none).
	CacheDir          string
	HeartbeatInterval time.Duration
	ReportInterval    time.Duration
}

// DefaultConfig returns Nepxion's defaults for self.
func DefaultConfig(self switchyard.Instance) Config {
	return Config{Self: self, ServiceHeaderPriority: true, CoreTransmission: true, HeartbeatInterval: 5 * time.Second, ReportInterval: 5 * time.Second}
}

// Service is one instance of a Go service in the data plane.
type Service struct {
	cfg       Config
	reg       switchyard.Registry
	collector switchyard.MetricsCollector
	logger    *slog.Logger

	// The service's data plane: its rule, the instances it calls, the
	// router of its requests and calls, its metrics.
	Rules     *dataplane.Rules
	Instances *dataplane.Instances
	Router    *dataplane.Router
	Metrics   *dataplane.Metrics

	self      atomic.Pointer[switchyard.Instance]
	started   atomic.Bool
	transport *dataplane.RetryTransport
	announced *dataplane.Announcement
}

// New prepares a service; Start brings it up. collector may be nil.
func New(cfg Config, reg switchyard.Registry, cc switchyard.ConfigCenter, collector switchyard.MetricsCollector, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	cfg.Self.Normalize()
	if cfg.HeartbeatInterval <= 0 {
		cfg.HeartbeatInterval = 5 * time.Second
	}
	if cfg.ReportInterval <= 0 {
		cfg.ReportInterval = 5 * time.Second
	}
	s := &Service{cfg: cfg, reg: reg, collector: collector, logger: logger}
	s.self.Store(&cfg.Self)
	s.Metrics = dataplane.NewMetrics(cfg.Self.Service, cfg.Self.Version)
	s.Rules = dataplane.NewRules(cc, cfg.Self.Group, cfg.Self.Service, cfg.CacheDir, s.Metrics, logger)
	s.Instances = dataplane.NewInstances(reg, logger)
	s.Instances.CacheDir = cfg.CacheDir
	s.Router = dataplane.NewRouter(dataplane.RouterConfig{Self: cfg.Self, Options: cfg.Options, ServiceHeaderPriority: cfg.ServiceHeaderPriority,
		Propagate: rule.PropagateSwitches{CoreTransmission: cfg.CoreTransmission, ContextHeaders: cfg.ContextHeaders}}, s.Rules, s.Instances)
	s.transport = &dataplane.RetryTransport{Base: dataplane.NewTransport(), Metrics: s.Metrics, Attempts: 3}
	return s
}

// Self returns the registered instance (with its ID once registered).
func (s *Service) Self() switchyard.Instance {
	in := *s.self.Load()
	if s.announced != nil {
		in.ID = s.announced.ID()
	}
	return in
}

// Start follows the rules (waiting up to 3 s for the config center),
// registers the instance and starts heartbeats and metrics reports. All of
// it stops, and the instance deregisters, when ctx ends; Done is closed then.
func (s *Service) Start(ctx context.Context) error {
	context.AfterFunc(ctx, s.Instances.Close)
	s.started.Store(true)
	s.Rules.Start(ctx, 3*time.Second)
	in := s.Self()
	s.announced = dataplane.Announce(ctx, s.reg, &in, s.cfg.HeartbeatInterval, s.logger)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if s.collector != nil {
		go dataplane.Report(ctx, s.collector, s.Metrics, s.Self, s.cfg.ReportInterval, s.logger)
	}
	s.logger.Info("service started", "service", in.Service, "version", in.Version, "id", s.announced.ID(), "address", in.Address())
	return nil
}

// Done is closed after the instance deregistered at shutdown.
func (s *Service) Done() <-chan struct{} {
	if s.announced == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return s.announced.Done()
}

// Client returns an HTTP client whose requests to http://<service-id>/…
// follow the full-link route. Pass the incoming request's context to
// outgoing requests so its headers are propagated.
func (s *Service) Client() *http.Client { return &http.Client{Transport: s.Transport()} }
