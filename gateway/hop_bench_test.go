package gateway_test

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
)

// rawBackend answers every request on a keep-alive connection with a fixed
// 256-byte response, parsing nothing but the head's end: an upstream that
// allocates nothing, so the benchmark counts the gateway's own work.
func rawBackend(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 256\r\n\r\n" + strings.Repeat("x", 256))
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					if err := skipHead(br); err != nil {
						return
					}
					if _, err := c.Write(resp); err != nil {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// skipHead reads one head up to its empty line.
func skipHead(br *bufio.Reader) error {
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(line) <= 2 {
			return nil
		}
	}
}

// rawClient sends GET path on one keep-alive connection and reads the
// answer by its Content-Length, allocating nothing per request.
type rawClient struct {
	c   net.Conn
	br  *bufio.Reader
	req []byte
}

func dialRaw(tb testing.TB, base, path string, headers ...string) *rawClient {
	addr := strings.TrimPrefix(base, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	req := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: bench\r\nAccept: */*\r\n"
	for i := 0; i+1 < len(headers); i += 2 {
		req += headers[i] + ": " + headers[i+1] + "\r\n"
	}
	return &rawClient{c: c, br: bufio.NewReaderSize(c, 16<<10), req: []byte(req + "\r\n")}
}

var contentLength = []byte("content-length:")

func (rc *rawClient) get() error {
	if _, err := rc.c.Write(rc.req); err != nil {
		return err
	}
	status, length := 0, -1
	for first := true; ; first = false {
		line, err := rc.br.ReadSlice('\n')
		if err != nil {
			return err
		}
		if first && len(line) > 12 {
			status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
		}
		if len(line) <= 2 {
			break
		}
		if len(line) > len(contentLength) && bytes.EqualFold(line[:len(contentLength)], contentLength) {
			length = 0
			for _, c := range bytes.TrimSpace(line[len(contentLength):]) {
				length = length*10 + int(c-'0')
			}
		}
	}
	if status != 200 || length < 0 {
		return io.ErrUnexpectedEOF
	}
	_, err := rc.br.Discard(length)
	return err
}

// BenchmarkHopDirect is the raw client against the raw backend: what a
// request costs without the gateway (the baseline of BenchmarkHop).
func BenchmarkHopDirect(b *testing.B) {
	hop(b, rawBackend(b), "/hello")
}

// BenchmarkHop is one proxied request through the gateway with the
// 10-condition benchmark rule, between a client and a backend that
// allocate nothing: allocs/op and B/op are the gateway's own.
func BenchmarkHop(b *testing.B) {
	hop(b, benchGatewayAt(b, rawBackend(b)), "/svc/hello")
}

func hop(b *testing.B, base, path string) {
	b.SetParallelism(4)
	clients := make(chan *rawClient, 64)
	for range 64 {
		rc := dialRaw(b, base, path)
		if err := rc.get(); err != nil { // warm the pools
			b.Fatal(err)
		}
		clients <- rc
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rc := <-clients
		for pb.Next() {
			if err := rc.get(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
