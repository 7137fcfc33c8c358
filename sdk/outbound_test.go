package sdk_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/sdk"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

const (
	group = "discovery-guide-group"
	svcA  = "discovery-guide-service-a"
	svcB  = "discovery-guide-service-b"
)

// TestOutbound: the SDK's calls to http://<service-id>/ go through the
// router: before Start they are refused; a call made outside any request is
// decided by the service's own rule on the call's URL; a call made while
// serving a request follows that request's decision (the service's own rule
// replacing the lane it came with: service header priority). Every call
// carries the caller's identity.
func TestOutbound(t *testing.T) {
	// a=1 sends b's calls to 1.1; anything else to 1.0.
	blueGreen, err := os.ReadFile(filepath.Join("..", "rule", "testdata", "nepxion", "discovery-strategy-blue-green.xml"))
	if err != nil {
		t.Fatal(err)
	}
	env := apitest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, v := range []string{"1.0", "1.1"} {
		up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, v+" from "+r.Header.Get("n-d-service-id"))
		}))
		t.Cleanup(up.Close)
		host, port, _ := net.SplitHostPort(strings.TrimPrefix(up.URL, "http://"))
		p, _ := strconv.Atoi(port)
		if _, err := env.Registry.Register(ctx, &switchyard.Instance{Service: svcB, Group: group, Version: v, Host: host, Port: p}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Config.Put(ctx, switchyard.ConfigKey{Group: group, DataID: svcA}, string(blueGreen), "xml", "test", -1); err != nil {
		t.Fatal(err)
	}
	svc := sdk.New(sdk.DefaultConfig(switchyard.Instance{Service: svcA, Group: group, Version: "1.0", Host: "127.0.0.1", Port: 1}), env.Registry, env.Config, nil, quiet)
	call := func(ctx context.Context, url string) (string, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := svc.Client().Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	var e *switchyard.Error
	if _, err := call(ctx, "http://"+svcB+"/pay"); !errors.As(err, &e) || e.Code != switchyard.CodeUnavailable {
		t.Fatalf("a call before Start: %v, want unavailable", err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(3 * time.Second); svc.Rules.Status().Partial.Version == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	// Served requests: the middleware's route filter, then a call made with
	// the request's context.
	front := httptest.NewServer(svc.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := call(r.Context(), "http://"+svcB+"/pay")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		io.WriteString(w, body)
	})))
	t.Cleanup(front.Close)
	served := func(name, value string) string {
		req, _ := http.NewRequest("GET", front.URL+"/order", nil)
		req.Header.Set(name, value)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for _, tt := range []struct {
		name string
		got  func() (string, error)
		want string
	}{
		{"outside a request, the own rule reads the call's URL", func() (string, error) { return call(ctx, "http://"+svcB+"/pay?a=1") }, "1.1 from " + svcA},
		{"outside a request, no match: the strategy", func() (string, error) { return call(ctx, "http://"+svcB+"/pay") }, "1.0 from " + svcA},
		{"a served request's decision holds for its calls", func() (string, error) { return served("a", "1"), nil }, "1.1 from " + svcA},
		{"service header priority: the own rule replaces the served lane", func() (string, error) { return served("n-d-version", `{"`+svcB+`":"1.1"}`), nil }, "1.0 from " + svcA},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for range 4 {
				if got, err := tt.got(); err != nil || got != tt.want {
					t.Fatalf("%q, %v; want %q", got, err, tt.want)
				}
			}
		})
	}
}
