package builtin

import (
	"context"

	"github.com/switchyard-io/switchyard"
)

// watcher holds the newest unread event of one Watch call.
type watcher struct {
	ch chan switchyard.RegistryEvent
}

func (w *watcher) offer(e switchyard.RegistryEvent) {
	select {
	case w.ch <- e:
	default:
		select {
		case <-w.ch:
		default:
		}
		w.ch <- e
	}
}

// Watch implements switchyard.Registry. An empty service watches every
// instance (the event's Service is then "").
func (r *Registry) Watch(ctx context.Context, service string) (<-chan switchyard.RegistryEvent, error) {
	w := &watcher{ch: make(chan switchyard.RegistryEvent, 1)}
	r.mu.Lock()
	if r.watchers[service] == nil {
		r.watchers[service] = map[*watcher]struct{}{}
	}
	r.watchers[service][w] = struct{}{}
	w.offer(switchyard.RegistryEvent{Service: service, Instances: r.list(service), Revision: r.revision})
	r.mu.Unlock()
	go func() {
		<-ctx.Done()
		r.mu.Lock()
		delete(r.watchers[service], w)
		if len(r.watchers[service]) == 0 {
			delete(r.watchers, service)
		}
		close(w.ch)
		r.mu.Unlock()
	}()
	return w.ch, nil
}

// changed bumps the revision and tells the service's watchers and the
// watchers of everything. Called with the lock held.
func (r *Registry) changed(service string) {
	r.revision++
	for w := range r.watchers[service] {
		w.offer(switchyard.RegistryEvent{Service: service, Instances: r.list(service), Revision: r.revision})
	}
	if service != "" && len(r.watchers[""]) > 0 {
		all := r.list("")
		for w := range r.watchers[""] {
			w.offer(switchyard.RegistryEvent{Instances: all, Revision: r.revision})
		}
	}
}
