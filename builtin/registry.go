package builtin

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
)

// DefaultTTL is how long an instance lives without a heartbeat.
const DefaultTTL = 15 * time.Second

// DefaultInstanceLimit is how many instances the registry holds at most.
const DefaultInstanceLimit = 10000

// Registry implements switchyard.Registry in memory. Heartbeats live only
// in memory; registrations are also written to Persist (when set), so a
// restarted control plane knows every instance at once (Load) and gives
// each one TTL to beat again — consumers see no gap. An instance whose
// heartbeat is refused registers again. Several control-plane replicas each
// keep their own view; use an external registry when that matters.
type Registry struct {
	TTL time.Duration
	// Limit bounds the registered instances: a new id beyond it is refused
	// (CodeUnavailable); instances already registered keep registering.
	Limit int
	Now   func() time.Time
	// Persist, if set, keeps registrations across restarts.
	Persist switchyard.InstanceStore
	Logger  *slog.Logger

	mu        sync.Mutex
	instances map[string]*switchyard.Instance
	revision  int64
	unsaved   map[string]*switchyard.Instance // see save
	saving    sync.Mutex                      // see save
	hub       *watch.Hub[string, switchyard.RegistryEvent]
}

var _ switchyard.Registry = (*Registry)(nil)

// NewRegistry returns an empty registry with DefaultTTL.
func NewRegistry() *Registry {
	return &Registry{TTL: DefaultTTL, Limit: DefaultInstanceLimit, Now: time.Now, Logger: slog.Default(),
		instances: map[string]*switchyard.Instance{}, unsaved: map[string]*switchyard.Instance{},
		hub: watch.NewHub[string](func(e switchyard.RegistryEvent) int64 { return e.Revision })}
}

// Register implements switchyard.Registry. The registrant of ctx becomes the
// instance's owner.
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
	c.Owner = switchyard.RegistrantFrom(ctx)
	fresh, err := r.put(ctx, c)
	if err != nil {
		return nil, err
	}
	r.save(ctx)
	if fresh {
		r.up(ctx, c)
	}
	return clone(c), nil
}

// up and down say what the registry's users want to see in the log:
// instances coming and going, not every heartbeat.
func (r *Registry) up(ctx context.Context, in *switchyard.Instance) {
	r.Logger.InfoContext(ctx, "instance up", "service", in.Service, "version", in.Version, "address", in.Address(), "id", in.ID)
}

func (r *Registry) down(ctx context.Context, in *switchyard.Instance, why string) {
	r.Logger.InfoContext(ctx, "instance down", "service", in.Service, "version", in.Version, "address", in.Address(), "id", in.ID, "reason", why)
}

// put stores c in memory and queues it for the store; fresh says the id
// was not registered.
func (r *Registry) put(ctx context.Context, c *switchyard.Instance) (fresh bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.instances[c.ID]
	if err := mayTouch(ctx, old); err != nil {
		return false, err
	}
	if old == nil && r.Limit > 0 && len(r.instances) >= r.Limit {
		return false, switchyard.Errorf(switchyard.CodeUnavailable, "the built-in registry holds its limit of %d instances; deregister some, or use an external registry", r.Limit).
			WithReason("registry.full", map[string]string{"limit": fmt.Sprint(r.Limit)})
	}
	if c.Owner == "" && old != nil {
		c.Owner = old.Owner // a trusted in-process caller keeps the owner
	}
	r.instances[c.ID] = c
	r.unsave(c.ID, clone(c))
	r.changed(c.Service)
	if old != nil && old.Service != c.Service {
		r.changed(old.Service)
	}
	return old == nil, nil
}

// mayTouch refuses a registrant changing an instance another one owns. A
// ctx without a registrant is a trusted in-process caller; an instance
// without an owner (stored before owners were) is anyone's.
func mayTouch(ctx context.Context, old *switchyard.Instance) error {
	who := switchyard.RegistrantFrom(ctx)
	if old == nil || who == "" || old.Owner == "" || old.Owner == who {
		return nil
	}
	return switchyard.InstanceTaken(old.ID)
}

// Heartbeat implements switchyard.Registry.
func (r *Registry) Heartbeat(ctx context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	in, ok := r.instances[id]
	if !ok {
		return switchyard.Errorf(switchyard.CodeNotFound, "instance %s is not registered (expired or never registered); register again", id).WithReason("instance.not_found", nil)
	}
	if err := mayTouch(ctx, in); err != nil {
		return err
	}
	in.LastSeen = r.Now()
	return nil
}

// Deregister implements switchyard.Registry.
func (r *Registry) Deregister(ctx context.Context, id string) error {
	gone, err := r.remove(ctx, id)
	if err != nil {
		return err
	}
	r.save(ctx)
	if gone != nil {
		r.down(ctx, gone, "deregistered")
	}
	return nil
}

func (r *Registry) remove(ctx context.Context, id string) (*switchyard.Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	in, ok := r.instances[id]
	if !ok {
		return nil, nil
	}
	if err := mayTouch(ctx, in); err != nil {
		return nil, err
	}
	delete(r.instances, id)
	r.unsave(id, nil)
	r.changed(in.Service)
	return in, nil
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
// order: service, host, port. Called with r.mu held.
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

// Watch implements switchyard.Registry. An empty service watches every
// instance (the event's Service is then "").
func (r *Registry) Watch(ctx context.Context, service string) (<-chan switchyard.RegistryEvent, error) {
	return r.hub.Subscribe(ctx, service, func() (switchyard.RegistryEvent, error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.event(service), nil
	})
}

// event is what service's watchers are told now. Called with r.mu held.
func (r *Registry) event(service string) switchyard.RegistryEvent {
	return switchyard.RegistryEvent{Service: service, Instances: r.list(service), Revision: r.revision}
}

// changed bumps the revision and tells the service's watchers and the
// watchers of everything. Called with r.mu held, so events leave in the
// order of the changes.
func (r *Registry) changed(service string) {
	r.revision++
	r.publish(service)
	r.publish("")
}

// publish tells key's watchers, if any, of the registry now. Called with
// r.mu held.
func (r *Registry) publish(key string) {
	if r.hub.Watched(key) {
		r.hub.Publish(key, r.event(key))
	}
}

// Expire removes instances not heard from within the TTL and reports how
// many; Run calls it periodically.
func (r *Registry) Expire() int {
	r.mu.Lock()
	now := r.Now()
	var gone []*switchyard.Instance
	for id, in := range r.instances {
		if now.Sub(in.LastSeen) > r.TTL {
			delete(r.instances, id)
			r.unsave(id, nil)
			r.changed(in.Service)
			gone = append(gone, in)
		}
	}
	r.mu.Unlock()
	r.save(context.Background())
	for _, in := range gone {
		r.down(context.Background(), in, "expired")
	}
	return len(gone)
}

// Run expires instances every second until ctx is done, so an instance
// that stopped beating is gone at most a second after its TTL.
func (r *Registry) Run(ctx context.Context) error {
	every(ctx, time.Second, func() { r.Expire() })
	return nil
}

func clone(in *switchyard.Instance) *switchyard.Instance {
	c := *in
	c.Metadata = maps.Clone(in.Metadata)
	return &c
}

// TimeUUID makes Nepxion's instance id, yyyyMMdd-HHmmss-SSS-rrrr-rrr-rrr:
// ordering ids orders instances by start time (version sort "time").
func TimeUUID(t time.Time) string {
	r := func(n int64) int64 { v, _ := rand.Int(rand.Reader, big.NewInt(n)); return v.Int64() }
	return fmt.Sprintf("%s-%03d-%04d-%03d-%03d", t.UTC().Format("20060102-150405"), t.Nanosecond()/1e6, r(10000), r(1000), r(1000))
}
