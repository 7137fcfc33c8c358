package builtin

import (
	"context"

	"github.com/switchyard-io/switchyard"
)

// Registrations reach Persist outside r.mu, so listing, watching and
// heartbeats never wait for the store, and the store's order is still the
// registry's:
//
//   - every change of r.instances records, under r.mu and so in the order of
//     the changes, the id's new registration (a copy) or its removal (nil) in
//     r.unsaved; a later change of the same id replaces the earlier one;
//   - save, called after r.mu is released, takes everything recorded under
//     r.mu and writes it holding r.saving, so batches reach the store one at
//     a time in the order they were taken.
//
// Whatever the interleaving of Register, Deregister and the sweeper for one
// id, the store's last write for it is the registry's last state of it. A
// write to different ids in one batch may go in any order: they are
// different rows.

// unsave records that id must be stored as in (nil: removed). Called with
// r.mu held.
func (r *Registry) unsave(id string, in *switchyard.Instance) {
	if r.Persist != nil {
		r.unsaved[id] = in
	}
}

// save writes what unsave recorded. It returns once everything recorded
// before the call is in the store (or failed, which is logged: the
// in-memory registry stays authoritative), also when a concurrent save took
// it: that one holds r.saving until it has written.
func (r *Registry) save(ctx context.Context) {
	if r.Persist == nil {
		return
	}
	r.saving.Lock()
	defer r.saving.Unlock()
	r.mu.Lock()
	batch := r.unsaved
	if len(batch) > 0 {
		r.unsaved = map[string]*switchyard.Instance{}
	} else {
		batch = nil // another save took it
	}
	r.mu.Unlock()
	ctx = context.WithoutCancel(ctx)
	for id, in := range batch {
		var err error
		if in == nil {
			err = r.Persist.DeleteInstance(ctx, id)
		} else {
			err = r.Persist.SaveInstance(ctx, in)
		}
		if err != nil {
			r.Logger.Warn("persist registration", "instance", id, "removed", in == nil, "err", err)
		}
	}
}

// Load restores the persisted registrations, each alive for one TTL from
// now unless it beats again. A stored registration that Validate refuses
// (saved by an older version) is dropped and removed from the store.
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
	for _, in := range list {
		in.Normalize()
		if err := in.Validate(); err != nil {
			r.Logger.Warn("dropping a stored registration the registry refuses now", "instance", in.ID, "service", in.Service, "err", err)
			r.unsave(in.ID, nil)
			continue
		}
		in.LastSeen = now
		r.instances[in.ID] = in
		r.changed(in.Service)
	}
	r.mu.Unlock()
	r.save(ctx)
	return nil
}
