package controlplane

import (
	"context"
	"net/url"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
)

const instancesPath = "/api/registry/instances"

// Register implements switchyard.Registry.
func (r *Registry) Register(ctx context.Context, in *switchyard.Instance) (*switchyard.Instance, error) {
	var out switchyard.Instance
	return &out, r.c.call(ctx, "POST", instancesPath, in, &out)
}

// Heartbeat implements switchyard.Registry.
func (r *Registry) Heartbeat(ctx context.Context, id string) error {
	return r.c.call(ctx, "PUT", instancesPath+"/"+url.PathEscape(id)+"/heartbeat", nil, nil)
}

// Deregister implements switchyard.Registry.
func (r *Registry) Deregister(ctx context.Context, id string) error {
	return r.c.call(ctx, "DELETE", instancesPath+"/"+url.PathEscape(id), nil, nil)
}

// Instances implements switchyard.Registry.
func (r *Registry) Instances(ctx context.Context, service string) ([]*switchyard.Instance, error) {
	var out []*switchyard.Instance
	return out, r.c.call(ctx, "GET", instancesPath+"?service="+url.QueryEscape(service), nil, &out)
}

// All implements switchyard.Registry.
func (r *Registry) All(ctx context.Context) ([]*switchyard.Instance, error) {
	var out []*switchyard.Instance
	return out, r.c.call(ctx, "GET", instancesPath, nil, &out)
}

// Watch implements switchyard.Registry: the current list, then each change;
// failures are retried with backoff until ctx ends.
func (r *Registry) Watch(ctx context.Context, service string) (<-chan switchyard.RegistryEvent, error) {
	fetch := func(ctx context.Context, have int64) (switchyard.RegistryEvent, bool, error) {
		return longPoll[switchyard.RegistryEvent](ctx, r.c, "/api/registry/watch?service="+url.QueryEscape(service)+"&revision="+strconv.FormatInt(have, 10))
	}
	revision := func(e switchyard.RegistryEvent) int64 { return e.Revision }
	return watch.Poll(ctx, fetch, revision, r.c.watchFailed(ctx, "registry watch", "service", service)), nil
}
