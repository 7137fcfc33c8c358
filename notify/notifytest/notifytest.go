// Package notifytest is the conformance suite of switchyard.Notifier —
// every notifier (notify/webhook, and the DingTalk, Feishu, WeCom and other
// notifiers to come) passes it: a Notify delivers once per call and carries
// the deduplication key, a failed delivery is an error, an ended context
// ends the call — and Receiver, the test endpoint the suite and the e2e
// tests deliver to ("the webhook notifier received the failure", "no
// notification was sent twice").
package notifytest

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Harness is what the suite needs of an implementation.
type Harness struct {
	// New returns the notifier under test, delivering to url and signing
	// with secret.
	New func(t *testing.T, url, secret string) switchyard.Notifier
	// Decode reads the notifier's requests (default DecodeWebhook).
	Decode Decoder
	// Budget bounds how long a Notify to a dead or failing endpoint may
	// take (default 10s).
	Budget time.Duration
}

// Run runs the suite.
func Run(t *testing.T, h Harness) {
	if h.Decode == nil {
		h.Decode = DecodeWebhook
	}
	if h.Budget == 0 {
		h.Budget = 10 * time.Second
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, h Harness, r *Receiver, n switchyard.Notifier)
	}{
		{"HasAName", testName},
		{"DeliversOncePerCall", testOnce},
		{"CarriesTheKey", testKeys},
		{"SameNewsTwiceIsSentTwice", testTwice},
		{"CanceledContext", testCanceled},
		{"CancelEndsAHangingCall", testCancelHanging},
		{"DeadEndpointIsAnError", testDead},
		{"FailingEndpointIsAnError", testFailing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReceiverFor(t, "conformance-secret-0123456789", h.Decode)
			tt.fn(t, h, r, h.New(t, r.URL, r.Secret))
		})
	}
}

// Note returns a notification with key, as the engine sends it.
func Note(key, event string) switchyard.Notification {
	return switchyard.Notification{Key: key, Time: time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC), Event: event,
		ExecutionID: "EXE-001", WorkflowID: "WF-001", ReleaseID: "1", StepID: "monitor-1", StepName: "Monitor 10%",
		Outcome: "FAILED", Message: "Step Monitor 10% failed: success rate 78.5% < 95%",
		Details: map[string]any{"metric": "successRate", "measured": 78.5}, URL: "http://127.0.0.1:8080/executions/EXE-001"}
}

func notify(t *testing.T, n switchyard.Notifier, note switchyard.Notification) {
	t.Helper()
	if err := n.Notify(t.Context(), note); err != nil {
		t.Fatalf("Notify(%s): %v", note.Key, err)
	}
}

func testName(t *testing.T, _ Harness, _ *Receiver, n switchyard.Notifier) {
	if n.Name() == "" {
		t.Fatal("Name is empty")
	}
}

func testOnce(t *testing.T, _ Harness, r *Receiver, n switchyard.Notifier) {
	note := Note("EXE-001/monitor-1/1/failed", "step.failed")
	notify(t, n, note)
	d := r.Deliveries()
	if len(d) != 1 || r.Attempts() != 1 || r.Rejected() != 0 {
		t.Fatalf("one Notify: %d deliveries in %d requests, %d rejected", len(d), r.Attempts(), r.Rejected())
	}
	got := d[0].Notification
	if got.Key != note.Key || got.Event != note.Event || got.ExecutionID != note.ExecutionID || got.StepID != note.StepID ||
		got.Outcome != note.Outcome || !strings.Contains(got.Message, "78.5%") {
		t.Fatalf("delivered %+v, sent %+v", got, note)
	}
}

func testKeys(t *testing.T, _ Harness, r *Receiver, n switchyard.Notifier) {
	keys := []string{"EXE-001/deploy/1/completed", "EXE-001/monitor-1/1/failed", "EXE-001/rolled_back"}
	events := []string{"step.completed", "step.failed", "execution.rolled_back"}
	for i, k := range keys {
		notify(t, n, Note(k, events[i]))
	}
	for i, k := range keys {
		if r.Count(k) != 1 || r.CountEvent(events[i]) != 1 {
			t.Fatalf("key %s delivered %d times, event %s %d times; want 1 (all: %v)", k, r.Count(k), events[i], r.CountEvent(events[i]), r.Keys())
		}
	}
}

// testTwice: deduplication is the receiver's, by the key; a notifier asked
// twice delivers twice, with the same key.
func testTwice(t *testing.T, _ Harness, r *Receiver, n switchyard.Notifier) {
	note := Note("EXE-001/approval/1/requested", "approval.requested")
	notify(t, n, note)
	notify(t, n, note)
	if r.Count(note.Key) != 2 || len(r.Duplicates()) != 1 || r.Duplicates()[0] != note.Key {
		t.Fatalf("the same notification twice: counts %v, duplicates %v", r.Keys(), r.Duplicates())
	}
}

func testCanceled(t *testing.T, _ Harness, r *Receiver, n switchyard.Notifier) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := n.Notify(ctx, Note("EXE-001/canceled", "execution.aborted"))
	if err == nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("Notify with a canceled context: %v, want an error wrapping context.Canceled", err)
	}
	if len(r.Deliveries()) != 0 {
		t.Fatalf("delivered with a canceled context: %v", r.Keys())
	}
}

func testCancelHanging(t *testing.T, _ Harness, r *Receiver, n switchyard.Notifier) {
	r.Hang()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- n.Notify(ctx, Note("EXE-001/hang", "step.failed")) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		r.Release()
		t.Fatal("Notify to a hanging endpoint runs on 5s after its context was canceled")
	}
	if took := time.Since(start); err == nil || !errors.Is(err, context.Canceled) || took > 2*time.Second {
		t.Fatalf("Notify to a hanging endpoint, canceled after 100ms: %v after %s; want context.Canceled at once", err, took)
	}
}

func testDead(t *testing.T, h Harness, _ *Receiver, _ switchyard.Notifier) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	n := h.New(t, "http://"+addr+"/hook", "conformance-secret-0123456789")
	start := time.Now()
	err = n.Notify(t.Context(), Note("EXE-001/dead", "step.failed"))
	if took := time.Since(start); err == nil || took > h.Budget {
		t.Fatalf("Notify to a dead endpoint: %v after %s; want an error within %s", err, took, h.Budget)
	}
}

func testFailing(t *testing.T, h Harness, r *Receiver, n switchyard.Notifier) {
	r.FailNext(500, 100)
	start := time.Now()
	err := n.Notify(t.Context(), Note("EXE-001/failing", "step.failed"))
	if took := time.Since(start); err == nil || took > h.Budget || len(r.Deliveries()) != 0 {
		t.Fatalf("Notify to an endpoint answering 500: %v after %s; want an error within %s", err, took, h.Budget)
	}
}
