package dataplane_test

import (
	"context"
	"sync"

	"github.com/switchyard-io/switchyard"
)

// fakeRegistry serves fixed instance lists through Watch, as the real
// registries do: the list at once, then nothing until ctx ends, when the
// channel is closed. It records the watches it served.
type fakeRegistry struct {
	switchyard.Registry // the methods a data-plane cache never calls

	mu       sync.Mutex
	services map[string][]*switchyard.Instance
	watches  []context.Context
	ended    sync.WaitGroup
}

func newFakeRegistry(instances ...switchyard.Instance) *fakeRegistry {
	r := &fakeRegistry{services: map[string][]*switchyard.Instance{}}
	for i := range instances {
		in := instances[i]
		r.services[in.Service] = append(r.services[in.Service], &in)
	}
	return r
}

func (r *fakeRegistry) Watch(ctx context.Context, service string) (<-chan switchyard.RegistryEvent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watches = append(r.watches, ctx)
	ch := make(chan switchyard.RegistryEvent, 1)
	ch <- switchyard.RegistryEvent{Service: service, Instances: r.services[service]}
	r.ended.Add(1)
	go func() {
		defer r.ended.Done()
		<-ctx.Done()
		close(ch)
	}()
	return ch, nil
}

// served returns the contexts of the watches served so far.
func (r *fakeRegistry) served() []context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]context.Context(nil), r.watches...)
}
