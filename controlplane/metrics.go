package controlplane

import (
	"context"

	"github.com/switchyard-io/switchyard"
)

// Report implements switchyard.MetricsCollector.
func (m *Collector) Report(ctx context.Context, r *switchyard.MetricsReport) error {
	return m.c.call(ctx, "POST", "/api/metrics/report", r, nil)
}
