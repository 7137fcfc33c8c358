package notifytest_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/notify/notifytest"
)

const secret = "receiver-secret"

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// TestReceiverChecks: the receiver accepts a well-formed, well-signed
// delivery and refuses each departure from the format.
func TestReceiverChecks(t *testing.T) {
	note := notifytest.Note("EXE-001/x/1/failed", "step.failed")
	good, _ := json.Marshal(note)
	tests := []struct {
		name   string
		method string
		body   []byte
		edit   func(h http.Header)
		ok     bool
	}{
		{"Good", "POST", good, func(http.Header) {}, true},
		{"Get", "GET", good, func(http.Header) {}, false},
		{"NoSignature", "POST", good, func(h http.Header) { h.Del("X-Switchyard-Signature") }, false},
		{"OtherSecret", "POST", good, func(h http.Header) { h.Set("X-Switchyard-Signature", "sha256="+hex.EncodeToString(make([]byte, 32))) }, false},
		{"KeyMismatch", "POST", good, func(h http.Header) { h.Set("X-Switchyard-Delivery", "other") }, false},
		{"EventMismatch", "POST", good, func(h http.Header) { h.Set("X-Switchyard-Event", "report") }, false},
		{"NotJSON", "POST", []byte("key=x"), func(http.Header) {}, false},
		{"UnknownField", "POST", []byte(`{"key":"EXE-001/x/1/failed","event":"step.failed","extra":1}`), func(http.Header) {}, false},
		{"TextContent", "POST", good, func(h http.Header) { h.Set("Content-Type", "text/plain") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := notifytest.NewReceiver(t, secret)
			req, _ := http.NewRequest(tt.method, r.URL, bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Switchyard-Event", note.Event)
			req.Header.Set("X-Switchyard-Delivery", note.Key)
			req.Header.Set("X-Switchyard-Signature", sign(tt.body))
			tt.edit(req.Header)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			accepted := resp.StatusCode == http.StatusNoContent
			if accepted != tt.ok || (r.Count(note.Key) == 1) != tt.ok || (r.Rejected() == 1) == tt.ok || r.Attempts() != 1 {
				t.Fatalf("status %d, count %d, rejected %d; want accepted %v", resp.StatusCode, r.Count(note.Key), r.Rejected(), tt.ok)
			}
		})
	}
}

// TestReceiverWait: Wait returns once the condition holds, and with the
// context's error (naming what arrived) if it never does.
func TestReceiverWait(t *testing.T) {
	r := notifytest.NewReceiver(t, secret)
	note := notifytest.Note("k", "execution.rolled_back")
	body, _ := json.Marshal(note)
	go func() {
		time.Sleep(50 * time.Millisecond)
		req, _ := http.NewRequest("POST", r.URL, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Switchyard-Event", note.Event)
		req.Header.Set("X-Switchyard-Delivery", note.Key)
		req.Header.Set("X-Switchyard-Signature", sign(body))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := r.Wait(ctx, func(r *notifytest.Receiver) bool { return r.CountEvent("execution.rolled_back") == 1 }); err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel2()
	if err := r.Wait(short, func(r *notifytest.Receiver) bool { return r.CountEvent("report") == 1 }); err == nil {
		t.Fatal("Wait for what never comes returned nil")
	}
}
