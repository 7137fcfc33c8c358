package gateway_test

import (
	"net"
	"testing"

	"github.com/switchyard-io/switchyard/gateway"
)

// serve runs gw on a loopback port until the test ends and returns its URL.
func serve(tb testing.TB, gw *gateway.Gateway) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go gw.Serve(ln)
	tb.Cleanup(func() { gw.Close() })
	return "http://" + ln.Addr().String()
}
