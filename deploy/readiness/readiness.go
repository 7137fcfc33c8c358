// Package readiness answers the question both a workflow's HEALTH_CHECK
// and the release page's 执行发布 with 上线新服务 ask before traffic may reach
// a new version: which instances of a service at a version the registry
// lists, and whether each answers its health endpoint with 200 now. It
// only reads (the registry, GET on the health endpoints); since when an
// instance has been healthy is the caller's to remember.
package readiness

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// ProbeTimeout bounds one health probe.
const ProbeTimeout = 2 * time.Second

// DefaultPath is the health endpoint of the data plane's processes.
const DefaultPath = "/healthz"

// Instance is one registered instance of the version and its probe.
type Instance struct {
	ID      string
	Address string
	// Err is why the probe failed (nil: it answered 200).
	Err error
}

// Healthy reports whether the probe passed.
func (i Instance) Healthy() bool { return i.Err == nil }

// Check lists the registered instances of service at version and probes
// path (DefaultPath when empty) on each, in the registry's order. The error
// is the registry's.
func Check(ctx context.Context, reg switchyard.Registry, client *http.Client, service, version, path string) ([]Instance, error) {
	list, err := reg.Instances(ctx, service)
	if err != nil {
		return nil, err
	}
	if path == "" {
		path = DefaultPath
	}
	var out []Instance
	for _, in := range list {
		if in.Version != version {
			continue
		}
		out = append(out, Instance{ID: in.ID, Address: in.Address(), Err: Probe(ctx, client, "http://"+in.Address()+path)})
	}
	return out, nil
}

// Registered counts the instances of service at version the registry lists.
func Registered(ctx context.Context, reg switchyard.Registry, service, version string) (int, error) {
	list, err := reg.Instances(ctx, service)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, in := range list {
		if in.Version == version {
			n++
		}
	}
	return n, nil
}

// Probe GETs url within ProbeTimeout and wants a 200; the body is read to
// at most 64 KiB and dropped.
func Probe(ctx context.Context, client *http.Client, url string) error {
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return &StatusError{Code: resp.StatusCode}
	}
	return nil
}

// StatusError is a health endpoint's answer other than 200.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	return "answered " + strconv.Itoa(e.Code) + " " + http.StatusText(e.Code)
}
