package controlplane_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/controlplane"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/internal/watch/watchtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestWatchesSurviveAnOutage: while the control plane is unreachable a
// watch keeps retrying; a change made meanwhile arrives once it is back.
func TestWatchesSurviveAnOutage(t *testing.T) {
	key := switchyard.ConfigKey{Group: "g", DataID: "svc"}
	tests := []struct {
		name   string
		watch  func(ctx context.Context, cp *controlplane.Client) (<-chan string, error)
		change func(t *testing.T, env *apitest.Env)
		want   string
	}{
		{"config", func(ctx context.Context, cp *controlplane.Client) (<-chan string, error) {
			ch, err := cp.ConfigCenter().Watch(ctx, key)
			return texts(ctx, ch, func(e *switchyard.ConfigEntry) string { return e.Content }), err
		}, func(t *testing.T, env *apitest.Env) {
			if _, err := env.Config.Put(t.Context(), key, "<rule>while down</rule>", "xml", "admin", -1); err != nil {
				t.Fatal(err)
			}
		}, "<rule>while down</rule>"},
		{"registry", func(ctx context.Context, cp *controlplane.Client) (<-chan string, error) {
			ch, err := cp.Registry().Watch(ctx, "svc")
			return texts(ctx, ch, func(e switchyard.RegistryEvent) string {
				if len(e.Instances) == 0 {
					return "none"
				}
				return e.Instances[0].Host
			}), err
		}, func(t *testing.T, env *apitest.Env) {
			if _, err := env.Registry.Register(t.Context(), &switchyard.Instance{Service: "svc", Host: "10.0.0.7", Port: 1}); err != nil {
				t.Fatal(err)
			}
		}, "10.0.0.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := apitest.Start(t)
			front := env.Front(t)
			cp := controlplane.New(front.URL, env.AgentToken, quiet)
			cp.PollTimeout = time.Second
			ch, err := tt.watch(t.Context(), cp)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, env)
			select {
			case v := <-ch:
				t.Fatalf("an event while the control plane is unreachable: %q", v)
			case <-time.After(300 * time.Millisecond):
			}
			front.Down.Store(false)
			if v := watchtest.Next(t, ch, 5*time.Second); v != tt.want {
				t.Fatalf("first event after recovery = %q, want %q", v, tt.want)
			}
		})
	}
}

// texts maps a watch's events to strings.
func texts[T any](ctx context.Context, ch <-chan T, f func(T) string) <-chan string {
	out := make(chan string, 1)
	go func() {
		defer close(out)
		for v := range ch {
			select {
			case out <- f(v):
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// TestOneSetOfSettings: the ports of one Client share its API client and
// timeouts: a control plane that hangs fails every port's calls after the
// one CallTimeout.
func TestOneSetOfSettings(t *testing.T) {
	stop := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop: // a request with an unread body is not cancelled by the client leaving
		}
	}))
	defer hung.Close()
	defer close(stop)
	cp := controlplane.New(hung.URL, "sy_token", quiet)
	cp.CallTimeout = 100 * time.Millisecond
	key := switchyard.ConfigKey{Group: "g", DataID: "svc"}
	calls := map[string]func(ctx context.Context) error{
		"config":   func(ctx context.Context) error { _, err := cp.ConfigCenter().Get(ctx, key); return err },
		"registry": func(ctx context.Context) error { _, err := cp.Registry().All(ctx); return err },
		"metrics": func(ctx context.Context) error {
			return cp.Collector().Report(ctx, &switchyard.MetricsReport{Instance: "i", Service: "svc"})
		},
	}
	for name, call := range calls {
		start := time.Now()
		err := call(t.Context())
		if took := time.Since(start); err == nil || took > 2*time.Second {
			t.Errorf("%s: %v after %s, want a failure after the 100ms CallTimeout", name, err, took)
		}
	}
}
