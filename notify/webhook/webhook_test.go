package webhook_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/notify/notifytest"
	"github.com/switchyard-io/switchyard/notify/webhook"
)

const secret = "whsec-6f1c2b9e0d4a4f8c"

func newNotifier(t *testing.T, cfg webhook.Config, opts webhook.Options) *webhook.Notifier {
	t.Helper()
	n, err := webhook.New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConformance(t *testing.T) {
	notifytest.Run(t, notifytest.Harness{
		New: func(t *testing.T, url, secret string) switchyard.Notifier {
			return newNotifier(t, webhook.Config{Name: "ops", URL: url, Secret: secret}, webhook.Options{})
		},
	})
}

// TestDelivery: the request is the documented one — method, headers, the
// notification as the body, and a signature a receiver recomputes.
func TestDelivery(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r.Clone(t.Context()), must(io.ReadAll(r.Body))
	}))
	defer srv.Close()
	note := notifytest.Note("EXE-001/monitor-1/1/failed", "step.failed")
	n := newNotifier(t, webhook.Config{Name: "ops", URL: srv.URL + "/hooks/switchyard", Secret: secret}, webhook.Options{})
	if err := n.Notify(t.Context(), note); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(note)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	for _, c := range []struct{ what, got, want string }{
		{"method", got.Method, "POST"},
		{"path", got.URL.Path, "/hooks/switchyard"},
		{"Content-Type", got.Header.Get("Content-Type"), "application/json"},
		{"X-Switchyard-Event", got.Header.Get("X-Switchyard-Event"), "step.failed"},
		{"X-Switchyard-Delivery", got.Header.Get("X-Switchyard-Delivery"), note.Key},
		{"X-Switchyard-Signature", got.Header.Get("X-Switchyard-Signature"), "sha256=" + hex.EncodeToString(mac.Sum(nil))},
		{"body", string(body), string(want)},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if !webhook.Verify(secret, got.Header.Get("X-Switchyard-Signature"), body) {
		t.Error("Verify refuses the delivery's own signature")
	}
	for _, bad := range []struct{ secret, sig string }{
		{"other", got.Header.Get("X-Switchyard-Signature")},
		{secret, strings.Replace(got.Header.Get("X-Switchyard-Signature"), "sha256=", "sha1=", 1)},
		{secret, "sha256=zz"},
		{secret, ""},
	} {
		if webhook.Verify(bad.secret, bad.sig, body) {
			t.Errorf("Verify(%q, %q) accepts", bad.secret, bad.sig)
		}
	}
	if webhook.Verify(secret, got.Header.Get("X-Switchyard-Signature"), append(body, ' ')) {
		t.Error("Verify accepts a changed body")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestRetries: 5xx, 408 and 429 are retried up to 3 attempts in all;
// other answers are not.
func TestRetries(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		failures  int
		attempts  int
		delivered bool
	}{
		{"503ThenOK", 503, 2, 3, true},
		{"429ThenOK", 429, 1, 2, true},
		{"500Always", 500, 10, 3, false},
		{"400NotRetried", 400, 1, 1, false},
		{"404NotRetried", 404, 1, 1, false},
		{"302NotFollowed", 302, 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := notifytest.NewReceiver(t, secret)
			r.FailNext(tt.status, tt.failures)
			n := newNotifier(t, webhook.Config{Name: "ops", URL: r.URL, Secret: secret}, webhook.Options{})
			err := n.Notify(t.Context(), notifytest.Note("k", "step.failed"))
			if (err == nil) != tt.delivered || r.Attempts() != tt.attempts || (r.Count("k") == 1) != tt.delivered {
				t.Fatalf("err %v, %d attempts, %d delivered; want %d attempts, delivered %v", err, r.Attempts(), r.Count("k"), tt.attempts, tt.delivered)
			}
			if err != nil && (!switchyard.IsCode(err, switchyard.CodeUnavailable) || !strings.Contains(err.Error(), fmt.Sprint(tt.status)) ||
				!strings.Contains(err.Error(), fmt.Sprintf("%d attempt", tt.attempts))) {
				t.Fatalf("error %q; want unavailable naming the status and the attempts", err)
			}
		})
	}
}

// TestTimeoutBudget: a hanging endpoint ends the call at the config's
// timeout, however many attempts are left.
func TestTimeoutBudget(t *testing.T) {
	r := notifytest.NewReceiver(t, secret)
	r.Hang()
	n := newNotifier(t, webhook.Config{Name: "ops", URL: r.URL, Secret: secret, Timeout: 300 * time.Millisecond}, webhook.Options{})
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- n.Notify(t.Context(), notifytest.Note("k", "step.failed")) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		r.Release()
		t.Fatal("Notify to a hanging endpoint runs on 5s after its 300ms timeout")
	}
	if took := time.Since(start); err == nil || took < 300*time.Millisecond || took > 2*time.Second || r.Attempts() > 1 {
		t.Fatalf("Notify to a hanging endpoint: %v after %s in %d attempts; want an error at 300ms", err, took, r.Attempts())
	}
}

// TestResponseBounded: a huge answer is read no further than needed and
// quoted in a few bytes.
func TestResponseBounded(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for range 320 { // 10 MiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}))
	defer srv.Close()
	n := newNotifier(t, webhook.Config{Name: "ops", URL: srv.URL, Secret: secret}, webhook.Options{})
	err := n.Notify(t.Context(), notifytest.Note("k", "step.failed"))
	if err == nil || len(err.Error()) > 400 {
		t.Fatalf("error of %d bytes: %.500v", len(fmt.Sprint(err)), err)
	}
	srv.CloseClientConnections()
	if s := sent.Load(); s >= 10<<20 {
		t.Fatalf("the whole %d-byte answer was read", s)
	}
}

// TestSecretsStayOut: neither the secret nor the URL's credentials reach
// an error, the log (debug included) or a printed config.
func TestSecretsStayOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A receiver that echoes what it got, the secret included.
		http.Error(w, "bad: "+r.URL.RawQuery+" "+secret, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	url := strings.Replace(srv.URL, "http://", "http://user:pa55word@", 1) + "/hook?access_token=tok-123"
	cfg := webhook.Config{Name: "ops", URL: url, Secret: secret}
	n := newNotifier(t, cfg, webhook.Options{Logger: logger})
	err := n.Notify(t.Context(), notifytest.Note("k", "step.failed"))
	if err == nil {
		t.Fatal("delivered")
	}
	dead := newNotifier(t, webhook.Config{Name: "ops", URL: "http://127.0.0.1:1/hook?access_token=tok-123", Secret: secret}, webhook.Options{Logger: logger})
	derr := dead.Notify(t.Context(), notifytest.Note("k", "step.failed"))
	logger.Info("config", "webhook", cfg)
	shown := strings.Join([]string{err.Error(), fmt.Sprint(derr), logs.String(), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, n)}, "\n")
	for _, s := range []string{secret, "pa55word", "tok-123"} {
		if strings.Contains(shown, s) {
			t.Fatalf("%q is shown:\n%s", s, shown)
		}
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Fatalf("no retry was logged (the test would prove nothing):\n%s", logs.String())
	}
}

// TestEvents: only the configured events are sent.
func TestEvents(t *testing.T) {
	r := notifytest.NewReceiver(t, secret)
	n := newNotifier(t, webhook.Config{Name: "ops", URL: r.URL, Secret: secret, Events: []string{"step.failed", "execution.*"}}, webhook.Options{})
	for _, e := range []string{"step.completed", "step.failed", "execution.rolled_back", "report"} {
		if err := n.Notify(t.Context(), notifytest.Note(e, e)); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.Events(); len(got) != 2 || got["step.failed"] != 1 || got["execution.rolled_back"] != 1 || r.Attempts() != 2 {
		t.Fatalf("delivered %v in %d requests; want step.failed and execution.rolled_back", got, r.Attempts())
	}
}

// TestWrongSecretRefused: the receiver refuses a delivery signed with
// another secret, and Notify reports it without retrying.
func TestWrongSecretRefused(t *testing.T) {
	r := notifytest.NewReceiver(t, secret)
	n := newNotifier(t, webhook.Config{Name: "ops", URL: r.URL, Secret: "another-secret"}, webhook.Options{})
	err := n.Notify(t.Context(), notifytest.Note("k", "step.failed"))
	if err == nil || !strings.Contains(err.Error(), "401") || r.Rejected() != 1 || r.Attempts() != 1 || len(r.Deliveries()) != 0 {
		t.Fatalf("wrong secret: %v, %d rejected in %d attempts", err, r.Rejected(), r.Attempts())
	}
}

// TestValidate: each mistake is CodeInvalid naming its field, without
// repeating the URL or the secret.
func TestValidate(t *testing.T) {
	ok := webhook.Config{Name: "ops", URL: "https://hooks.example.com/switchyard", Secret: secret}
	tests := []struct {
		name, field, mention string
		edit                 func(c *webhook.Config)
	}{
		{"NoName", "name", `""`, func(c *webhook.Config) { c.Name = "" }},
		{"BadName", "name", "a b", func(c *webhook.Config) { c.Name = "a b" }},
		{"NoURL", "url", "empty", func(c *webhook.Config) { c.URL = "" }},
		{"NotHTTP", "url", "http:// or https://", func(c *webhook.Config) { c.URL = "ftp://hooks.example.com/?token=tok-123" }},
		{"Relative", "url", "http:// or https://", func(c *webhook.Config) { c.URL = "/hooks?token=tok-123" }},
		{"NoHost", "url", "no host", func(c *webhook.Config) { c.URL = "https:///hooks?token=tok-123" }},
		{"Unparsable", "url", "not a URL", func(c *webhook.Config) { c.URL = "http://[::1/?token=tok-123" }},
		{"NoSecret", "secret", "no secret", func(c *webhook.Config) { c.Secret = "" }},
		{"NegativeTimeout", "timeout", "-1s", func(c *webhook.Config) { c.Timeout = -time.Second }},
		{"LongTimeout", "timeout", "1h0m0s", func(c *webhook.Config) { c.Timeout = time.Hour }},
		{"UnknownEvent", "events[1]", "step.exploded", func(c *webhook.Config) { c.Events = []string{"step.failed", "step.exploded"} }},
		{"UnknownPrefix", "events[0]", "deploy.*", func(c *webhook.Config) { c.Events = []string{"deploy.*"} }},
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good config: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			_, err := webhook.New(c, webhook.Options{})
			e := switchyard.AsError(err)
			if e == nil || e.Code != switchyard.CodeInvalid || e.Field != tt.field || !strings.Contains(e.Message, tt.mention) {
				t.Fatalf("New = %v; want invalid on %s naming %q", err, tt.field, tt.mention)
			}
			if strings.Contains(e.Message, "tok-123") || strings.Contains(e.Message, secret) {
				t.Fatalf("the message repeats a secret: %s", e.Message)
			}
		})
	}
}

// TestEventsKnown: the event list is the port's.
func TestEventsKnown(t *testing.T) {
	got := strings.Join(webhook.Events(), ",")
	for _, e := range []string{"step.failed", "execution.rolled_back", "approval.requested", "report"} {
		if !strings.Contains(got, e) {
			t.Fatalf("Events() = %s, missing %s", got, e)
		}
	}
}
