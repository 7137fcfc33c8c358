package sidecar_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/sidecar"
)

// TestRunShutdownIsBounded: a request that never finishes (a stuck app, a
// long poll) does not keep the sidecar from stopping: after the grace its
// connection is closed and Run returns.
func TestRunShutdownIsBounded(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	entered := make(chan struct{}, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-stuck
	})
	addr := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}
	in, out := &http.Server{Addr: addr(), Handler: handler}, &http.Server{Addr: addr(), Handler: handler}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- sidecar.Run(ctx, 200*time.Millisecond, in, out) }()
	go func() {
		for {
			resp, err := http.Get("http://" + in.Addr + "/stuck")
			if err == nil {
				resp.Body.Close()
				return
			}
			select {
			case <-ran:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the handler")
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return: the shutdown waits for a request that never ends")
	}
}
