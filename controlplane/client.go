// Package controlplane is the data plane's client of the control plane's
// built-in ports: its config center, registry and metrics provider
// (package builtin) reached over the HTTP API. One Client holds the one API
// client, token and timeouts they share:
//
//	cp := controlplane.New(url, token, logger)
//	cp.ConfigCenter() // a switchyard.ConfigCenter
//	cp.Registry()     // a switchyard.Registry
//	cp.Collector()    // a switchyard.MetricsCollector
//
// Watches are long polls through internal/watch: one request in flight per
// watched key or service, answered the moment it changes, retried with
// backoff while the control plane is unreachable or restarting.
package controlplane

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/internal/watch"
)

// DefaultCallTimeout bounds each request other than a watch.
const DefaultCallTimeout = 10 * time.Second

// Client reaches one control plane with one API token (role agent for the
// data plane). Set its fields before handing out its ports.
type Client struct {
	api    *client.Client
	Logger *slog.Logger
	// PollTimeout is how long the server holds a watch request.
	PollTimeout time.Duration
	// CallTimeout bounds every other request.
	CallTimeout time.Duration
}

// New returns a client of the control plane at baseURL authenticating with
// token.
func New(baseURL, token string, logger *slog.Logger) *Client {
	if logger == nil {
		logger = slog.Default()
	}
	api := client.New(baseURL, token)
	// Watches outlive any fixed timeout (every call carries a deadline), and
	// each watched key or service holds a connection: keep enough idle ones
	// that a long poll answered does not cost a new connection to the next.
	api.HTTP = &http.Client{Transport: newTransport()}
	return &Client{api: api, Logger: logger, PollTimeout: watch.DefaultTimeout, CallTimeout: DefaultCallTimeout}
}

// maxIdlePerHost is how many idle connections to the control plane are
// kept: watches (one per key or service) plus a few calls in flight.
const maxIdlePerHost = 32

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = maxIdlePerHost
	t.MaxIdleConnsPerHost = maxIdlePerHost
	return t
}

// The ports, each sharing its Client.
type (
	// ConfigCenter implements switchyard.ConfigCenter over the API.
	ConfigCenter struct{ c *Client }
	// Registry implements switchyard.Registry over the API.
	Registry struct{ c *Client }
	// Collector implements switchyard.MetricsCollector over the API:
	// reports go to the control plane's built-in metrics provider.
	Collector struct{ c *Client }
)

var (
	_ switchyard.ConfigCenter     = (*ConfigCenter)(nil)
	_ switchyard.Registry         = (*Registry)(nil)
	_ switchyard.MetricsCollector = (*Collector)(nil)
)

// ConfigCenter is the control plane's config center.
func (c *Client) ConfigCenter() *ConfigCenter { return &ConfigCenter{c: c} }

// Registry is the control plane's registry.
func (c *Client) Registry() *Registry { return &Registry{c: c} }

// Collector is the control plane's metrics collector.
func (c *Client) Collector() *Collector { return &Collector{c: c} }

// call makes one request within CallTimeout.
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.CallTimeout)
	defer cancel()
	return c.api.Do(ctx, method, path, in, out)
}

// longPoll makes one watch request to path (which has a query already),
// held up to PollTimeout by the server; changed is false when it answered
// 304 Not Modified.
func longPoll[T any](ctx context.Context, c *Client, path string) (v T, changed bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.PollTimeout+c.CallTimeout)
	defer cancel()
	err = c.api.Do(ctx, "GET", path+"&timeout="+c.PollTimeout.String(), nil, &v)
	if errors.Is(err, client.ErrNotModified) {
		return v, false, nil
	}
	return v, err == nil, err
}

// watchFailed logs a failed watch request; the watch retries.
func (c *Client) watchFailed(ctx context.Context, what string, args ...any) func(error) {
	return func(err error) {
		c.Logger.WarnContext(ctx, what, append(args, "err", err)...)
	}
}
