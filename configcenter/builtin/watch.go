package builtin

import (
	"context"
	"time"

	"github.com/switchyard-io/switchyard"
)

// watcher is one Watch call: a one-slot channel that always holds the
// newest entry not yet read.
type watcher struct {
	ch chan *switchyard.ConfigEntry
}

// offer puts e in the slot, replacing an unread older entry. Called with
// the center's lock held, so offers to one watcher never interleave.
func (w *watcher) offer(e *switchyard.ConfigEntry) {
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

// Watch implements switchyard.ConfigCenter.
func (c *ConfigCenter) Watch(ctx context.Context, key switchyard.ConfigKey) (<-chan *switchyard.ConfigEntry, error) {
	cur, err := c.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	w := &watcher{ch: make(chan *switchyard.ConfigEntry, 1)}
	c.mu.Lock()
	if c.watchers[key] == nil {
		c.watchers[key] = map[*watcher]struct{}{}
	}
	c.watchers[key][w] = struct{}{}
	w.offer(cur)
	// A write between Get and registering is covered: notified holds the
	// newest version any writer announced.
	if v := c.notified[key]; v > cur.Version {
		if e, err := c.store.FindConfig(ctx, key); err == nil {
			w.offer(e)
		}
	}
	c.mu.Unlock()
	go func() {
		<-ctx.Done()
		c.mu.Lock()
		delete(c.watchers[key], w)
		if len(c.watchers[key]) == 0 {
			delete(c.watchers, key)
		}
		close(w.ch)
		c.mu.Unlock()
	}()
	return w.ch, nil
}

// notify hands e to the key's watchers unless a newer version was sent.
func (c *ConfigCenter) notify(e *switchyard.ConfigEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.notified[e.Key] >= e.Version {
		return
	}
	c.notified[e.Key] = e.Version
	for w := range c.watchers[e.Key] {
		w.offer(e)
	}
}

// Run follows the store's change feed until ctx is done, so watchers here
// hear of writes made by other control-plane replicas within PollInterval.
func (c *ConfigCenter) Run(ctx context.Context) error {
	if _, seq, err := c.store.ConfigChanges(ctx, 1<<62); err == nil {
		c.seq = seq
	}
	t := time.NewTicker(c.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		changes, seq, err := c.store.ConfigChanges(ctx, c.seq)
		if err != nil {
			if ctx.Err() == nil {
				c.Logger.WarnContext(ctx, "config change feed", "err", err)
			}
			continue
		}
		c.seq = seq
		for _, e := range changes {
			c.notify(e)
		}
	}
}
