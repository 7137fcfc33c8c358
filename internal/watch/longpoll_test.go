package watch

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchyard-io/switchyard"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type jsonVal struct {
	V int64 `json:"v"`
}

func TestLongPoll(t *testing.T) {
	tests := []struct {
		name       string
		have       int64
		timeout    string
		publish    *int64 // published after the request is held
		wantStatus int
		wantV      int64
		wantHeld   time.Duration
	}{
		{"the client is behind: answered at once", 1, "", nil, http.StatusOK, 3, 0},
		{"the client has none yet", -1, "10s", nil, http.StatusOK, 3, 0},
		{"up to date, then a change", 3, "10s", ptr(int64(4)), http.StatusOK, 4, time.Second},
		{"up to date, no change: 304 after the timeout", 3, "10s", nil, http.StatusNotModified, 0, 10 * time.Second},
		{"default timeout", 3, "", nil, http.StatusNotModified, 0, DefaultTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := NewHub[string](func(v jsonVal) int64 { return v.V })
				if tt.publish != nil {
					go func() {
						time.Sleep(time.Second)
						h.Publish("k", jsonVal{V: *tt.publish})
					}()
				}
				rec := httptest.NewRecorder()
				start := time.Now()
				err := LongPoll[jsonVal]{Have: tt.have, Timeout: tt.timeout, Version: func(v jsonVal) int64 { return v.V }, Write: writeJSON,
					Watch: func(ctx context.Context) (<-chan jsonVal, error) {
						return h.Subscribe(ctx, "k", func() (jsonVal, error) { return jsonVal{V: 3}, nil })
					}}.Serve(t.Context(), rec)
				if err != nil {
					t.Fatal(err)
				}
				if held := time.Since(start); held != tt.wantHeld {
					t.Errorf("held %s, want %s", held, tt.wantHeld)
				}
				if rec.Code != tt.wantStatus {
					t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
				}
				if tt.wantStatus == http.StatusOK {
					var got jsonVal
					if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.V != tt.wantV {
						t.Fatalf("body %q (%v), want version %d", rec.Body, err, tt.wantV)
					}
				} else if rec.Body.Len() != 0 {
					t.Fatalf("a 304 with a body: %q", rec.Body)
				}
			})
		})
	}
}

func TestLongPollRefusesBeforeWriting(t *testing.T) {
	boom := switchyard.Errorf(switchyard.CodeUnavailable, "store down")
	tests := []struct {
		name     string
		timeout  string
		watchErr error
		check    func(error) bool
	}{
		{"bad timeout", "61s", nil, func(err error) bool { e := switchyard.AsError(err); return e != nil && e.Field == "timeout" }},
		{"the watch cannot start", "1s", boom, func(err error) bool { return errors.Is(err, boom) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			err := LongPoll[jsonVal]{Timeout: tt.timeout, Version: func(v jsonVal) int64 { return v.V }, Write: writeJSON,
				Watch: func(context.Context) (<-chan jsonVal, error) { return nil, tt.watchErr }}.Serve(t.Context(), rec)
			if !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
				t.Fatalf("something was written: %d %q", rec.Code, rec.Body)
			}
		})
	}
}

// TestLongPollTimesOutWhileStarting: the poll's own time running out while
// the watch starts is a quiet 304, not an error (the client polls again);
// the request itself ending then is still the watch's error.
func TestLongPollTimesOutWhileStarting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		starting := func(ctx context.Context) (<-chan jsonVal, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		rec := httptest.NewRecorder()
		err := LongPoll[jsonVal]{Have: 3, Timeout: "10ms", Version: func(v jsonVal) int64 { return v.V }, Write: writeJSON, Watch: starting}.Serve(t.Context(), rec)
		if err != nil || rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("Serve = %v, %d %q; want 304 and no body", err, rec.Code, rec.Body)
		}
		gone, cancel := context.WithCancel(t.Context())
		cancel()
		rec = httptest.NewRecorder()
		err = LongPoll[jsonVal]{Have: 3, Timeout: "10s", Version: func(v jsonVal) int64 { return v.V }, Write: writeJSON, Watch: starting}.Serve(gone, rec)
		if !errors.Is(err, context.Canceled) || rec.Body.Len() != 0 || len(rec.Header()) != 0 {
			t.Fatalf("Serve of a request that ended = %v, %d %q; want context.Canceled and nothing written", err, rec.Code, rec.Body)
		}
	})
}

func TestParseTimeout(t *testing.T) {
	tests := []struct {
		raw  string
		want time.Duration
		ok   bool
	}{
		{"", DefaultTimeout, true},
		{"2s", 2 * time.Second, true},
		{"60s", MaxTimeout, true},
		{"61s", 0, false},
		{"0s", 0, false},
		{"-1s", 0, false},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		d, err := ParseTimeout(tt.raw)
		if tt.ok != (err == nil) || d != tt.want {
			t.Errorf("ParseTimeout(%q) = %s, %v", tt.raw, d, err)
		}
		if e := switchyard.AsError(err); err != nil && (e == nil || e.Code != switchyard.CodeInvalid || e.Field != "timeout") {
			t.Errorf("ParseTimeout(%q): %v, want invalid on timeout", tt.raw, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }
