// Package controlplane is the data plane's metrics collector: it sends
// reports to the switchyard control plane's built-in metrics provider.
package controlplane

import (
	"context"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// Collector implements switchyard.MetricsCollector over the API.
type Collector struct{ c *client.Client }

var _ switchyard.MetricsCollector = (*Collector)(nil)

// New returns a collector reporting to the control plane at baseURL with an
// API token (role agent).
func New(baseURL, token string) *Collector { return &Collector{c: client.New(baseURL, token)} }

// Report implements switchyard.MetricsCollector.
func (c *Collector) Report(ctx context.Context, r *switchyard.MetricsReport) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.c.Do(ctx, "POST", "/api/metrics/report", r, nil)
}
