package notifytest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Decoder reads one request of a notifier's wire format into the
// notification it carries, verifying what the format signs; an error
// refuses the request (401).
type Decoder func(r *http.Request, body []byte, secret string) (switchyard.Notification, error)

// Delivery is one notification the receiver accepted.
type Delivery struct {
	Notification switchyard.Notification
	Header       http.Header
	At           time.Time
}

// Receiver is an HTTP endpoint for notifiers in tests: it verifies each
// request (by default the webhook format: the HMAC-SHA256 signature of the
// body, the event and delivery headers, the JSON body), answers 204 and
// counts the deliveries per key and per event. A request that fails the
// check is answered 401 and counted in Rejected, never as a delivery. It
// can be told to fail or hang, to test retries and timeouts.
type Receiver struct {
	// URL is where notifiers deliver; Secret is the key they sign with.
	URL    string
	Secret string

	srv    *httptest.Server
	decode Decoder

	mu         sync.Mutex
	deliveries []Delivery
	attempts   int
	rejected   int
	fail       []int         // statuses to answer the next requests with
	hang       chan struct{} // while non-nil, requests wait for it to close
	changed    chan struct{} // closed and replaced on every request
}

// NewReceiver starts a Receiver of the webhook format, closed when the
// test ends.
func NewReceiver(t testing.TB, secret string) *Receiver {
	return NewReceiverFor(t, secret, DecodeWebhook)
}

// NewReceiverFor starts a Receiver of another notifier's format.
func NewReceiverFor(t testing.TB, secret string, decode Decoder) *Receiver {
	r := &Receiver{Secret: secret, decode: decode, changed: make(chan struct{})}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL + "/hook"
	t.Cleanup(func() {
		r.Release()
		r.srv.Close()
	})
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	r.attempts++
	hang := r.hang
	var status int
	if len(r.fail) > 0 {
		status, r.fail = r.fail[0], r.fail[1:]
	}
	r.notify()
	r.mu.Unlock()
	if hang != nil {
		select {
		case <-hang:
		case <-req.Context().Done():
			return
		}
	}
	if status != 0 {
		http.Error(w, fmt.Sprintf("told to answer %d", status), status)
		return
	}
	var n switchyard.Notification
	if err == nil {
		n, err = r.decode(req, body, r.Secret)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.notify()
	if err != nil {
		r.rejected++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	r.deliveries = append(r.deliveries, Delivery{Notification: n, Header: req.Header.Clone(), At: time.Now()})
	w.WriteHeader(http.StatusNoContent)
}

// notify wakes Wait; r.mu is held.
func (r *Receiver) notify() {
	close(r.changed)
	r.changed = make(chan struct{})
}

// DecodeWebhook is the webhook format's Decoder: POST, a valid
// X-Switchyard-Signature over the raw body, a JSON Notification whose key
// and event the X-Switchyard-Delivery and X-Switchyard-Event headers
// repeat. It is written from the format's description, not from the
// notifier's code, so that the two check each other.
func DecodeWebhook(req *http.Request, body []byte, secret string) (switchyard.Notification, error) {
	var n switchyard.Notification
	if req.Method != http.MethodPost {
		return n, fmt.Errorf("method %s, want POST", req.Method)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		return n, fmt.Errorf("Content-Type %q, want application/json", ct)
	}
	sig, ok := strings.CutPrefix(req.Header.Get("X-Switchyard-Signature"), "sha256=")
	got, err := hex.DecodeString(sig)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if !ok || err != nil || !hmac.Equal(got, m.Sum(nil)) {
		return n, errors.New("bad signature")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&n); err != nil {
		return n, fmt.Errorf("body: %w", err)
	}
	if h := req.Header.Get("X-Switchyard-Delivery"); h != n.Key || h == "" {
		return n, fmt.Errorf("X-Switchyard-Delivery %q, body key %q", h, n.Key)
	}
	if h := req.Header.Get("X-Switchyard-Event"); h != n.Event || h == "" {
		return n, fmt.Errorf("X-Switchyard-Event %q, body event %q", h, n.Event)
	}
	return n, nil
}

// FailNext answers the next n requests with status (before checking them).
func (r *Receiver) FailNext(status, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range n {
		r.fail = append(r.fail, status)
	}
}

// Hang makes requests wait, unanswered, until Release or until their
// sender gives up.
func (r *Receiver) Hang() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hang == nil {
		r.hang = make(chan struct{})
	}
}

// Release lets hanging requests go on and stops hanging new ones.
func (r *Receiver) Release() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.hang != nil {
		close(r.hang)
		r.hang = nil
	}
}

// Deliveries returns the accepted notifications, in arrival order.
func (r *Receiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.deliveries)
}

// Count is how many times the notification with key was accepted.
func (r *Receiver) Count(key string) int { return r.Keys()[key] }

// CountEvent is how many notifications of event were accepted.
func (r *Receiver) CountEvent(event string) int { return r.Events()[event] }

// Keys counts the accepted notifications per deduplication key.
func (r *Receiver) Keys() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, d := range r.deliveries {
		out[d.Notification.Key]++
	}
	return out
}

// Events counts the accepted notifications per event.
func (r *Receiver) Events() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, d := range r.deliveries {
		out[d.Notification.Event]++
	}
	return out
}

// Duplicates returns the keys accepted more than once, sorted: news told
// twice (which a receiver drops by its key).
func (r *Receiver) Duplicates() []string {
	var out []string
	for k, n := range r.Keys() {
		if n > 1 {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Attempts counts every request, accepted, failed or rejected.
func (r *Receiver) Attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}

// Rejected counts the requests that failed the check.
func (r *Receiver) Rejected() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rejected
}

// Wait waits until cond holds of r or ctx ends (then it returns ctx's
// error): for notifiers in another process, such as a control plane in an
// e2e test.
func (r *Receiver) Wait(ctx context.Context, cond func(r *Receiver) bool) error {
	for {
		r.mu.Lock()
		ch := r.changed
		r.mu.Unlock()
		if cond(r) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("notifytest: waiting for deliveries (have %v, %d rejected): %w", r.Events(), r.Rejected(), ctx.Err())
		}
	}
}
