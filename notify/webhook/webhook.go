// Package webhook is a switchyard.Notifier that POSTs each notification as
// JSON to a URL, signed so the receiver knows it came from switchyard.
//
// A delivery is
//
//	POST <url>
//	Content-Type: application/json
//	User-Agent: switchyard-webhook/1
//	X-Switchyard-Event: step.failed
//	X-Switchyard-Delivery: EXE-001/monitor/1/failed
//	X-Switchyard-Signature: sha256=5d41402abc4b2a76b9719d911017c592…
//
//	{"key":"EXE-001/monitor/1/failed","time":"…","event":"step.failed",…}
//
// with the switchyard.Notification as the body. The signature is the
// lowercase hex HMAC-SHA256 of the body's exact bytes keyed with the
// webhook's secret, as GitHub signs its webhooks. A receiver verifies it
// before it parses the body: compute the HMAC of the raw body with the
// shared secret, compare it with the header's hex in constant time
// (hmac.Equal in Go, hmac.compare_digest in Python, crypto.timingSafeEqual
// in Node) and refuse the request on a mismatch; Verify does this in Go.
// X-Switchyard-Delivery is the notification's deduplication key: after a
// control-plane restart the same news may come again with the same key,
// and a receiver that has seen the key drops it. The body's time lets a
// receiver refuse old replays.
//
// Notify tries up to 3 times within Config.Timeout (5 s by default),
// backing off between attempts, on connection errors and on 5xx, 408 and
// 429 answers; any other non-2xx answer fails at once. Redirects are not
// followed. Of a response body at most 64 KiB is read and 200 bytes are
// quoted in an error, with the secret and the URL's password and query
// values (which may hold a token) cut out: none of them reaches an error
// or the log.
package webhook

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
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/watch"
)

var _ switchyard.Notifier = (*Notifier)(nil)

// The headers of a delivery.
const (
	HeaderEvent     = "X-Switchyard-Event"
	HeaderDelivery  = "X-Switchyard-Delivery"
	HeaderSignature = "X-Switchyard-Signature"
)

// maxAttempts is how many times one Notify tries.
const maxAttempts = 3

// Options are the notifier's collaborators; every field is optional.
type Options struct {
	// Client sends the requests (default: one that follows no redirects).
	Client *http.Client
	Logger *slog.Logger
}

// Notifier delivers notifications to one webhook.
type Notifier struct {
	cfg    Config
	url    string
	hidden []string
	client *http.Client
	log    *slog.Logger
}

// New returns the notifier of cfg, or cfg's first mistake (CodeInvalid
// naming the field).
func New(cfg Config, opts Options) (*Notifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	n := &Notifier{cfg: cfg, url: cfg.URL, hidden: hidden(cfg), client: opts.Client, log: opts.Logger}
	if n.client == nil {
		n.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	return n, nil
}

// Name implements switchyard.Notifier.
func (n *Notifier) Name() string { return n.cfg.Name }

// String describes the notifier without its secret.
func (n *Notifier) String() string { return n.cfg.String() }

// Notify implements switchyard.Notifier: it POSTs note, retrying as the
// package comment says. An event the config does not want is not sent
// (nil). Errors are CodeUnavailable: "not delivered".
func (n *Notifier) Notify(ctx context.Context, note switchyard.Notification) error {
	if !n.cfg.wants(note.Event) {
		return nil
	}
	body, err := json.Marshal(note)
	if err != nil {
		return fmt.Errorf("webhook %s: encode %s: %w", n.cfg.Name, note.Key, err)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	sig := Sign(n.cfg.Secret, body)
	backoff := watch.Backoff{Min: 200 * time.Millisecond, Max: time.Second}
	var last error
	attempt := 1
	for ; ; attempt++ {
		var retry bool
		retry, last = n.post(ctx, note, body, sig)
		if last == nil {
			return nil
		}
		if !retry || attempt == maxAttempts || ctx.Err() != nil {
			break
		}
		wait := backoff.Next()
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			break
		}
		n.log.DebugContext(ctx, "webhook: delivery failed, retrying", "notifier", n.cfg.Name, "key", note.Key, "attempt", attempt, "err", last)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	tries := "1 attempt"
	if attempt > 1 {
		tries = fmt.Sprintf("%d attempts", attempt)
	}
	e := switchyard.Errorf(switchyard.CodeUnavailable, "webhook %s: POST %s: %v (%s)", n.cfg.Name, redactURL(n.url), last, tries)
	if err := ctx.Err(); err != nil {
		e.Err = err
	}
	return e
}

// post makes one attempt; retry says whether another may succeed.
func (n *Notifier) post(ctx context.Context, note switchyard.Notification, body []byte, sig string) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return false, errors.New("the request cannot be made")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "switchyard-webhook/1")
	req.Header.Set(HeaderEvent, note.Event)
	req.Header.Set(HeaderDelivery, note.Key)
	req.Header.Set(HeaderSignature, sig)
	resp, err := n.client.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return false, cerr
		}
		// The client's error repeats the URL; keep only its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return true, errors.New(n.scrub(err.Error()))
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	retry = resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests
	msg := resp.Status
	if s := n.scrub(printable(head)); s != "" {
		msg += ": " + s
	}
	return retry, errors.New(msg)
}

// scrub removes the secret and the URL's credentials from s, should a
// receiver echo them.
func (n *Notifier) scrub(s string) string {
	for _, x := range n.hidden {
		s = strings.ReplaceAll(s, x, "[redacted]")
	}
	return s
}

// hidden is what scrub removes: the secret, the URL's password and query
// values, longest first (so a value inside another goes with it).
func hidden(cfg Config) []string {
	out := []string{cfg.Secret}
	if u, err := url.Parse(cfg.URL); err == nil {
		if p, ok := u.User.Password(); ok {
			out = append(out, p, url.QueryEscape(p))
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				out = append(out, v, url.QueryEscape(v))
			}
		}
	}
	out = slices.DeleteFunc(out, func(x string) bool { return x == "" })
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// printable is b as one line of valid UTF-8 without control characters.
func printable(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			sb.WriteRune('�')
		case unicode.IsControl(r):
			sb.WriteByte(' ')
		default:
			sb.WriteRune(r)
		}
	}
	return strings.TrimSpace(sb.String())
}

// Sign returns the X-Switchyard-Signature of body: "sha256=" and the hex
// HMAC-SHA256 of body keyed with secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature (an X-Switchyard-Signature header) is
// body's under secret, comparing in constant time: what a receiver written
// in Go calls before it trusts the body.
func Verify(secret, signature string, body []byte) bool {
	got, ok := strings.CutPrefix(signature, "sha256=")
	if !ok {
		return false
	}
	mac, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(mac, m.Sum(nil))
}
