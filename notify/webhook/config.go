package webhook

import (
	"fmt"
	"log/slog"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Config is one webhook notifier.
type Config struct {
	// Name identifies it in the configuration and the log.
	Name string `yaml:"name"`
	// URL is where deliveries are POSTed: http or https, with a host.
	URL string `yaml:"url"`
	// Secret is the HMAC-SHA256 key of the X-Switchyard-Signature header.
	Secret string `yaml:"secret" secret:"all"`
	// Timeout bounds one Notify, every attempt and wait included (default
	// 5s, at most 1m).
	Timeout time.Duration `yaml:"timeout"`
	// Events are the events delivered: names such as "step.failed", or a
	// prefix such as "execution.*"; empty: every event.
	Events []string `yaml:"events"`
}

// DefaultTimeout bounds a Notify when Config.Timeout is zero.
const DefaultTimeout = 5 * time.Second

const maxTimeout = time.Minute

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Validate reports the first mistake in c, a CodeInvalid *switchyard.Error
// naming its field. Neither the secret nor the URL (which may carry a
// token) is repeated in the message.
func (c Config) Validate() error {
	if !nameRE.MatchString(c.Name) {
		return switchyard.FieldErrorf("name", "", "name: %q is not a notifier name (letters, digits, '.', '_', '-'; at most 64)", c.Name)
	}
	if _, err := parseURL(c.URL); err != nil {
		return switchyard.FieldErrorf("url", "", "url: the URL of webhook %s %v", c.Name, err)
	}
	if c.Secret == "" {
		return switchyard.FieldErrorf("secret", "", "secret: webhook %s has no secret to sign its deliveries with", c.Name)
	}
	if c.Timeout < 0 || c.Timeout > maxTimeout {
		return switchyard.FieldErrorf("timeout", "", "timeout: %s is not a timeout of webhook %s (0 for %s, at most %s)", c.Timeout, c.Name, DefaultTimeout, maxTimeout)
	}
	known := Events()
	for i, e := range c.Events {
		if !slices.Contains(known, e) && !isPrefix(e, known) {
			return switchyard.FieldErrorf(fmt.Sprintf("events[%d]", i), "", "events[%d]: %q is not an event (known: %s, or a prefix such as execution.*)", i, e, strings.Join(known, ", "))
		}
	}
	return nil
}

// parseURL accepts http(s) URLs with a host; its errors do not repeat the
// URL.
func parseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return nil, fmt.Errorf("is empty")
	case err != nil:
		return nil, fmt.Errorf("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("must start with http:// or https://")
	case u.Hostname() == "":
		return nil, fmt.Errorf("has no host")
	}
	return u, nil
}

func isPrefix(e string, known []string) bool {
	p, ok := strings.CutSuffix(e, ".*")
	if !ok || p == "" {
		return false
	}
	return slices.ContainsFunc(known, func(k string) bool { return strings.HasPrefix(k, p+".") })
}

// Events are the notification events there are (switchyard.Notification's
// Event), the names Config.Events may use.
func Events() []string {
	f, _ := reflect.TypeFor[switchyard.Notification]().FieldByName("Event")
	return strings.Split(f.Tag.Get("enum"), ",")
}

// wants reports whether c delivers event.
func (c Config) wants(event string) bool {
	if len(c.Events) == 0 {
		return true
	}
	for _, e := range c.Events {
		if e == event {
			return true
		}
		if p, ok := strings.CutSuffix(e, ".*"); ok && strings.HasPrefix(event, p+".") {
			return true
		}
	}
	return false
}

// String describes c without its secret or its URL's secrets.
func (c Config) String() string {
	return fmt.Sprintf("webhook %s → %s (timeout %s, events %v)", c.Name, redactURL(c.URL), c.Timeout, c.Events)
}

// GoString is String, so %#v does not print the secret either.
func (c Config) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", c.Name), slog.String("url", redactURL(c.URL)), slog.Duration("timeout", c.Timeout))
}

// redactURL is the URL without user info, query or fragment, which may
// carry credentials (an access_token parameter, a password).
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	r := u.Scheme + "://" + u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		r += "?…"
	}
	return r
}
