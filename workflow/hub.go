package workflow

import "sync"

// Hub tells the live pages of this replica at once that an execution has
// new events (they then read them from the store, where every replica's
// writes are; without a word from the hub they look every second).
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]bool
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[chan struct{}]bool{}} }

// Subscribe returns a channel that receives (latest wins: one pending
// nudge at most) whenever execution id has new events, and the function
// that ends the subscription.
func (h *Hub) Subscribe(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[id] == nil {
		h.subs[id] = map[chan struct{}]bool{}
	}
	h.subs[id][ch] = true
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[id], ch)
		if len(h.subs[id]) == 0 {
			delete(h.subs, id)
		}
		h.mu.Unlock()
	}
}

// Publish nudges the subscribers of execution id.
func (h *Hub) Publish(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[id] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
