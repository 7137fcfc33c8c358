package workflow

import (
	"context"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/readiness"
)

// healthProgress is a HEALTH_CHECK between ticks.
type healthProgress struct {
	Started time.Time `json:"started"`
	// Healthy is since when each instance (by id) has answered its health
	// endpoint without a failure in between.
	Healthy map[string]time.Time `json:"healthy,omitempty"`
	// Seen is the picture of each service last logged.
	Seen map[string]string `json:"seen,omitempty"`
}

// healthService is one service's part of a HEALTH_CHECK's result.
type healthService struct {
	Service   string           `json:"service"`
	Version   string           `json:"version"`
	Want      int              `json:"want"`
	Instances []healthInstance `json:"instances"`
}

type healthInstance struct {
	ID      string     `json:"id"`
	Address string     `json:"address"`
	Healthy bool       `json:"healthy"`
	Since   *time.Time `json:"since,omitempty"`
	Error   string     `json:"error,omitempty"`
}

// healthCheck is HEALTH_CHECK (健康检查): it waits until the new version's
// instances are registered (at least Instances per service, every one of
// them healthy) and their health endpoints have answered 200 without a
// failure for Settle. It logs a line when a service's picture changes, not
// at every probe. Without a timeout of its own it gives up after 5 minutes.
//
// Idempotency: it only reads (the registry, GET on health endpoints); what
// it remembers between ticks is in its progress, so a repeated tick
// decides the same way.
func healthCheck(ctx context.Context, t *Tick) Outcome {
	cfg := ConfigOf[HealthCheckConfig](t)
	version, depServices := cfg.Version, []string(nil)
	if version == "" {
		version, depServices = deployed(t)
	}
	if version == "" {
		return t.Fail(Msg("health.no_version"), nil)
	}
	services := cfg.Services
	if len(services) == 0 {
		services = depServices
	}
	services = servicesOf(t, services)
	if len(services) == 0 {
		return t.Fail(Msg("step.no_services"), nil)
	}
	want := max(cfg.Instances, 1)
	path := cfg.Path
	if path == "" {
		path = "/healthz"
	}
	settle := cfg.Settle.D(2 * time.Second)
	p := ProgressOf[healthProgress](t)
	if p.Started.IsZero() {
		p.Started = t.Now
	}
	healthy := map[string]time.Time{}
	var recs []Record
	var result []healthService
	var waiting *switchyard.Message
	for _, svc := range services {
		hs, picture, ok := checkService(ctx, t, svc, version, path, want, settle, p.Healthy, healthy)
		result = append(result, hs)
		if !ok && waiting == nil {
			waiting = picture
		}
		if p.Seen[svc] != picture.Text {
			if p.Seen == nil {
				p.Seen = map[string]string{}
			}
			p.Seen[svc] = picture.Text
			recs = append(recs, logRec(t.Step.ID, "info", picture))
		}
	}
	p.Healthy = healthy
	res := map[string]any{"version": version, "path": path, "services": result}
	if waiting == nil {
		return withRecords(t.Done(Msg("summary.passed"), res), recs)
	}
	if t.Step.Timeout == 0 && t.Now.Sub(p.Started) >= instancesCap {
		return withRecords(t.Fail(Nest("health.timeout", "detail", waiting, "minutes", strconv.Itoa(int(instancesCap/time.Minute))), res), recs)
	}
	return withRecords(t.Again(t.Now.Add(cfg.Interval.D(time.Second)), "instances", p), recs)
}

// checkService probes the instances of svc at version, notes in healthy
// since when each has been healthy (from before), and reports whether the
// service is ready, with its picture.
func checkService(ctx context.Context, t *Tick, svc, version, path string, want int, settle time.Duration,
	before, healthy map[string]time.Time) (healthService, *switchyard.Message, bool) {
	hs := healthService{Service: svc, Version: version, Want: want, Instances: []healthInstance{}}
	list, err := readiness.Check(ctx, t.Env.Registry, httpClient(t), svc, version, path)
	if err != nil {
		return hs, Msg("health.registry", "service", svc, "detail", errDetail(err)), false
	}
	settled, answering := 0, 0
	for _, in := range list {
		hi := healthInstance{ID: in.ID, Address: in.Address}
		if !in.Healthy() {
			hi.Error = in.Err.Error()
		} else {
			since, ok := before[in.ID]
			if !ok {
				since = t.Now
			}
			healthy[in.ID] = since
			hi.Healthy, hi.Since = true, &since
			answering++
			if !t.Now.Before(since.Add(settle)) {
				settled++
			}
		}
		hs.Instances = append(hs.Instances, hi)
	}
	picture := Msg("health.picture", "service", svc, "version", version, "registered", strconv.Itoa(len(hs.Instances)),
		"want", strconv.Itoa(want), "healthy", strconv.Itoa(answering), "path", path)
	return hs, picture, len(hs.Instances) >= want && settled == len(hs.Instances)
}
