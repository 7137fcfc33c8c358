// Package builtin is the control plane's own registry: instances register,
// heartbeat within a TTL and deregister; consumers list and watch them.
// Heartbeats live in memory; registrations are also written to the store
// (when Persist is set), so a restarted control plane knows every instance
// at once and gives each one TTL to beat again — consumers see no gap. An
// instance whose heartbeat is refused registers again. Several control-plane
// replicas each keep their own view; deploy etcd, Consul or Nacos as the
// registry when that matters.
package builtin

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
)

// DefaultTTL is how long an instance lives without a heartbeat.
const DefaultTTL = 15 * time.Second

// Registry implements switchyard.Registry in memory.
type Registry struct {
	TTL time.Duration
	Now func() time.Time
	// Persist, if set, keeps registrations across restarts.
	Persist switchyard.InstanceStore
	Logger  *slog.Logger

	mu        sync.Mutex
	instances map[string]*switchyard.Instance
	revision  int64
	watchers  map[string]map[*watcher]struct{} // by service; "" = every service
}

var _ switchyard.Registry = (*Registry)(nil)

// New returns an empty registry with DefaultTTL.
func New() *Registry {
	return &Registry{TTL: DefaultTTL, Now: time.Now, Logger: slog.Default(), instances: map[string]*switchyard.Instance{}, watchers: map[string]map[*watcher]struct{}{}}
}

// Load restores the persisted registrations, each alive for one TTL from
// now unless it beats again.
func (r *Registry) Load(ctx context.Context) error {
	if r.Persist == nil {
		return nil
	}
	list, err := r.Persist.LoadInstances(ctx)
	if err != nil {
		return err
	}
	now := r.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, in := range list {
		in.LastSeen = now
		r.instances[in.ID] = in
		r.changed(in.Service)
	}
	return nil
}

// persist writes a registration or its removal; failures are logged, the
// in-memory registry stays authoritative.
func (r *Registry) persist(ctx context.Context, in *switchyard.Instance, deleted bool) {
	if r.Persist == nil {
		return
	}
	var err error
	if deleted {
		err = r.Persist.DeleteInstance(context.WithoutCancel(ctx), in.ID)
	} else {
		err = r.Persist.SaveInstance(context.WithoutCancel(ctx), in)
	}
	if err != nil {
		r.Logger.Warn("persist registration", "instance", in.ID, "service", in.Service, "err", err)
	}
}

// Register implements switchyard.Registry.
func (r *Registry) Register(ctx context.Context, in *switchyard.Instance) (*switchyard.Instance, error) {
	c := clone(in)
	c.Normalize()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	now := r.Now()
	if c.StartTime.IsZero() {
		c.StartTime = now
	}
	if c.ID == "" {
		c.ID = TimeUUID(c.StartTime)
	}
	c.LastSeen = now
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.instances[c.ID]
	r.instances[c.ID] = c
	r.persist(ctx, c, false)
	r.changed(c.Service)
	if old != nil && old.Service != c.Service {
		r.changed(old.Service)
	}
	return clone(c), nil
}

// Heartbeat implements switchyard.Registry.
func (r *Registry) Heartbeat(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	in, ok := r.instances[id]
	if !ok {
		return switchyard.Errorf(switchyard.CodeNotFound, "instance %s is not registered (expired or never registered); register again", id).WithReason("instance.not_found", nil)
	}
	in.LastSeen = r.Now()
	return nil
}

// Deregister implements switchyard.Registry.
func (r *Registry) Deregister(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if in, ok := r.instances[id]; ok {
		delete(r.instances, id)
		r.persist(ctx, in, true)
		r.changed(in.Service)
	}
	return nil
}

// Instances implements switchyard.Registry.
func (r *Registry) Instances(_ context.Context, service string) ([]*switchyard.Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.list(service), nil
}

// All implements switchyard.Registry.
func (r *Registry) All(_ context.Context) ([]*switchyard.Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.list(""), nil
}

// list returns copies of the instances of service ("" = all), in Nepxion's
// order: service, host, port.
func (r *Registry) list(service string) []*switchyard.Instance {
	out := []*switchyard.Instance{}
	for _, in := range r.instances {
		if service == "" || in.Service == service {
			out = append(out, clone(in))
		}
	}
	slices.SortFunc(out, func(a, b *switchyard.Instance) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Host, b.Host), cmp.Compare(a.Port, b.Port), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Expire removes instances not heard from within the TTL and reports how
// many; Run calls it periodically.
func (r *Registry) Expire() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	now, n := r.Now(), 0
	for id, in := range r.instances {
		if now.Sub(in.LastSeen) > r.TTL {
			delete(r.instances, id)
			r.persist(context.Background(), in, true)
			r.changed(in.Service)
			n++
		}
	}
	return n
}

// Run expires instances every second until ctx is done, so an instance
// that stopped beating is gone at most a second after its TTL.
func (r *Registry) Run(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			r.Expire()
		}
	}
}

func clone(in *switchyard.Instance) *switchyard.Instance {
	c := *in
	if in.Metadata != nil {
		c.Metadata = make(map[string]string, len(in.Metadata))
		for k, v := range in.Metadata {
			c.Metadata[k] = v
		}
	}
	return &c
}

// TimeUUID makes Nepxion's instance id, yyyyMMdd-HHmmss-SSS-rrrr-rrr-rrr:
// ordering ids orders instances by start time (version sort "time").
func TimeUUID(t time.Time) string {
	r := func(n int64) int64 { v, _ := rand.Int(rand.Reader, big.NewInt(n)); return v.Int64() }
	return fmt.Sprintf("%s-%03d-%04d-%03d-%03d", t.UTC().Format("20060102-150405"), t.Nanosecond()/1e6, r(10000), r(1000), r(1000))
}
