// Package controlplane is the data plane's registry: the switchyard control
// plane's built-in registry reached over its HTTP API, with long-poll
// watches.
package controlplane

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// Registry implements switchyard.Registry over the API.
type Registry struct {
	c      *client.Client
	Logger *slog.Logger
	// PollTimeout is how long the server holds a watch request.
	PollTimeout time.Duration
}

var _ switchyard.Registry = (*Registry)(nil)

// New returns a registry client of the control plane at baseURL with an
// API token (role agent).
func New(baseURL, token string, logger *slog.Logger) *Registry {
	if logger == nil {
		logger = slog.Default()
	}
	c := client.New(baseURL, token)
	c.HTTP = &http.Client{}
	return &Registry{c: c, Logger: logger, PollTimeout: 30 * time.Second}
}

func callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 10*time.Second)
}

// Register implements switchyard.Registry.
func (r *Registry) Register(ctx context.Context, in *switchyard.Instance) (*switchyard.Instance, error) {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	var out switchyard.Instance
	return &out, r.c.Do(ctx, "POST", "/api/registry/instances", in, &out)
}

// Heartbeat implements switchyard.Registry.
func (r *Registry) Heartbeat(ctx context.Context, id string) error {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	return r.c.Do(ctx, "PUT", "/api/registry/instances/"+url.PathEscape(id)+"/heartbeat", nil, nil)
}

// Deregister implements switchyard.Registry.
func (r *Registry) Deregister(ctx context.Context, id string) error {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	return r.c.Do(ctx, "DELETE", "/api/registry/instances/"+url.PathEscape(id), nil, nil)
}

// Instances implements switchyard.Registry.
func (r *Registry) Instances(ctx context.Context, service string) ([]*switchyard.Instance, error) {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	var out []*switchyard.Instance
	return out, r.c.Do(ctx, "GET", "/api/registry/instances?service="+url.QueryEscape(service), nil, &out)
}

// All implements switchyard.Registry.
func (r *Registry) All(ctx context.Context) ([]*switchyard.Instance, error) {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	var out []*switchyard.Instance
	return out, r.c.Do(ctx, "GET", "/api/registry/instances", nil, &out)
}

// Watch implements switchyard.Registry: the current list, then each change;
// failures are retried with backoff until ctx ends.
func (r *Registry) Watch(ctx context.Context, service string) (<-chan switchyard.RegistryEvent, error) {
	ch := make(chan switchyard.RegistryEvent, 1)
	go func() {
		defer close(ch)
		revision := int64(-1)
		delay := 250 * time.Millisecond
		for ctx.Err() == nil {
			e, err := r.poll(ctx, service, revision)
			if err != nil {
				if ctx.Err() == nil {
					r.Logger.WarnContext(ctx, "registry watch", "service", service, "err", err)
					sleep(ctx, delay/2+time.Duration(rand.Int64N(int64(delay))))
					delay = min(delay*2, 10*time.Second)
				}
				continue
			}
			delay = 250 * time.Millisecond
			if e != nil {
				revision = e.Revision
				offer(ch, *e)
			}
		}
	}()
	return ch, nil
}

func (r *Registry) poll(ctx context.Context, service string, revision int64) (*switchyard.RegistryEvent, error) {
	rctx, cancel := context.WithTimeout(ctx, r.PollTimeout+10*time.Second)
	defer cancel()
	var e switchyard.RegistryEvent
	p := "/api/registry/watch?service=" + url.QueryEscape(service) + "&revision=" + strconv.FormatInt(revision, 10) + "&timeout=" + r.PollTimeout.String()
	err := r.c.Do(rctx, "GET", p, nil, &e)
	if errors.Is(err, client.ErrNotModified) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

func offer(ch chan switchyard.RegistryEvent, e switchyard.RegistryEvent) {
	select {
	case ch <- e:
	default:
		select {
		case <-ch:
		default:
		}
		ch <- e
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
