package readiness

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// listing is a registry that lists fixed instances (only Instances is used).
type listing struct {
	switchyard.Registry
	list []*switchyard.Instance
	err  error
}

func (l listing) Instances(context.Context, string) ([]*switchyard.Instance, error) {
	return l.list, l.err
}

func instanceAt(t *testing.T, id, version, url string) *switchyard.Instance {
	t.Helper()
	host, port, err := net.SplitHostPort(url[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return &switchyard.Instance{ID: id, Service: "svc", Version: version, Host: host, Port: p}
}

// TestCheck: only the version asked for is probed; a 200 is healthy, any
// other answer or no answer is not, with why; a registry error is returned.
func TestCheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer ok.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }))
	defer sick.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nobody listens there any more

	reg := listing{list: []*switchyard.Instance{
		instanceAt(t, "a", "1.1", ok.URL), instanceAt(t, "b", "1.1", sick.URL),
		instanceAt(t, "c", "1.1", gone.URL), instanceAt(t, "old", "1.0", ok.URL),
	}}
	got, err := Check(context.Background(), reg, http.DefaultClient, "svc", "1.1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d instances, want the three of 1.1: %+v", len(got), got)
	}
	if !got[0].Healthy() || got[1].Healthy() || got[2].Healthy() {
		t.Errorf("health %v %v %v, want true false false", got[0].Healthy(), got[1].Healthy(), got[2].Healthy())
	}
	var se *StatusError
	if !errors.As(got[1].Err, &se) || se.Code != http.StatusServiceUnavailable || se.Error() != "answered 503 Service Unavailable" {
		t.Errorf("b: %v", got[1].Err)
	}
	if n, err := Registered(context.Background(), reg, "svc", "1.0"); err != nil || n != 1 {
		t.Errorf("Registered 1.0: %d %v", n, err)
	}
	if _, err := Check(context.Background(), listing{err: errors.New("down")}, http.DefaultClient, "svc", "1.1", ""); err == nil {
		t.Error("a registry error was not returned")
	}
}
