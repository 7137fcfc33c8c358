package h1

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzParseRequest: any bytes give a request or a refusal with a 4xx/5xx
// status, never a panic; what is read stays within the limits.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /x?y=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
		"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
		"GET http://h/p HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	lim := Limits{HeadBytes: 4 << 10, Fields: 32}.withDefaults()
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(data), 256)
		raw, err := readHead(br, nil, lim.HeadBytes)
		if len(raw) > lim.HeadBytes {
			t.Fatalf("head of %d bytes kept, limit %d", len(raw), lim.HeadBytes)
		}
		if err != nil {
			return
		}
		var r Request
		if perr := parseRequest(raw, &r, nil, lim); perr != nil {
			if perr.Status < 400 || perr.Status > 599 || perr.Reason == "" {
				t.Fatalf("refusal %+v", perr)
			}
			return
		}
		if len(r.Fields) > lim.Fields || (r.Target != "*" && !strings.HasPrefix(r.Target, "/")) || (r.Chunked && r.ContentLength >= 0) {
			t.Fatalf("accepted %+v", r)
		}
		if r.Chunked {
			w := bufio.NewWriter(io.Discard)
			_ = copyChunked(w, br, lim, false)
		}
	})
}

// FuzzChunked: a chunked body is relayed or refused, never a panic, and a
// relayed body parses again to the same data.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte("3;x=y\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n"))
	lim := Limits{HeadBytes: 1 << 10}.withDefaults()
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		if err := copyChunked(w, bufio.NewReaderSize(bytes.NewReader(data), 64), lim, false); err != nil {
			return
		}
		_ = w.Flush()
		var plain1, plain2 bytes.Buffer
		w1, w2 := bufio.NewWriter(&plain1), bufio.NewWriter(&plain2)
		if err := copyChunked(w1, bufio.NewReaderSize(bytes.NewReader(data), 64), lim, true); err != nil {
			t.Fatalf("relayed but not decoded: %v", err)
		}
		if err := copyChunked(w2, bufio.NewReaderSize(bytes.NewReader(out.Bytes()), 64), lim, true); err != nil {
			t.Fatalf("the relayed body does not parse: %v (%q)", err, out.Bytes())
		}
		_, _ = w1.Flush(), w2.Flush()
		if !bytes.Equal(plain1.Bytes(), plain2.Bytes()) {
			t.Fatalf("data changed: %q → %q", plain1.Bytes(), plain2.Bytes())
		}
	})
}
