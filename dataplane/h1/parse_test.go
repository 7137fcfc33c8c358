package h1

import (
	"bufio"
	"errors"
	"strings"
	"testing"
)

func parse(t *testing.T, head string) (*Request, *Error) {
	t.Helper()
	br := bufio.NewReaderSize(strings.NewReader(head), 64)
	raw, err := readHead(br, nil, 1<<10)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		t.Fatalf("read %q: %v", head, err)
	}
	var r Request
	return &r, parseRequest(raw, &r, nil, Limits{Fields: 8}.withDefaults())
}

func TestParseRequestRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		status     int
		reason     string
	}{
		{"no host", "GET / HTTP/1.1\r\n\r\n", 400, "Host"},
		{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host"},
		{"length and chunked", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "both"},
		{"two lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400, "different"},
		{"signed length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n", 400, "Content-Length"},
		{"gzip coding", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501, "coding"},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", 400, "folding"},
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "name"},
		{"control byte", "GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", 400, "control"},
		{"http2 preface", "PRI * HTTP/2.0\r\n\r\n", 505, "version"},
		{"no version", "GET /\r\n\r\n", 400, "request line"},
		{"bad target", "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", 400, "origin"},
		{"too many fields", "GET / HTTP/1.1\r\nHost: a\r\n" + strings.Repeat("X: 1\r\n", 9) + "\r\n", 431, "too many"},
		{"too large", "GET / HTTP/1.1\r\nHost: a\r\nX: " + strings.Repeat("a", 2000) + "\r\n\r\n", 431, "too large"},
		{"odd expectation", "GET / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417, "expectation"},
		{"chunked in 1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "1.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse(t, tc.head)
			if err == nil || err.Status != tc.status || !strings.Contains(err.Reason, tc.reason) {
				t.Fatalf("got %+v, want %d with %q", err, tc.status, tc.reason)
			}
		})
	}
}

func TestParseRequestReads(t *testing.T) {
	r, err := parse(t, "\r\nPOST http://gw.example/a/b?x=1&y=%20 HTTP/1.1\r\nHost: gw\r\nContent-Length: 12\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nCookie: a=1\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.Path != "/a/b" || r.RawQuery != "x=1&y=%20" || r.Target != "/a/b?x=1&y=%20" || r.ContentLength != 12 || !r.KeepAlive || r.Host != "gw" {
		t.Fatalf("%+v", r)
	}
	if r.Get("cookie") != "a=1" || r.Get("x-hop") != "1" || !hasToken(r.connection, "X-Hop") {
		t.Fatalf("fields %+v", r.Fields)
	}
	r, err = parse(t, "GET / HTTP/1.0\r\n\r\n")
	if err != nil || r.KeepAlive || r.HasBody() {
		t.Fatalf("1.0: %+v %v", r, err)
	}
	r, err = parse(t, "GET /ws HTTP/1.1\nHost: a\nConnection: Upgrade\nUpgrade: websocket\n\n")
	if err != nil || r.Upgrade != "websocket" {
		t.Fatalf("upgrade with bare LFs: %+v %v", r, err)
	}
}

func TestChunkSize(t *testing.T) {
	for _, tc := range []struct {
		line string
		n    uint64
		ok   bool
	}{
		{"1a\r\n", 26, true}, {"0\r\n", 0, true}, {"ff;ext=1\r\n", 255, true}, {"A \r\n", 10, true},
		{"\r\n", 0, false}, {"-1\r\n", 0, false}, {"0x10\r\n", 0, false}, {"1000000000000000\r\n", 0, false},
	} {
		n, err := parseChunkSize([]byte(tc.line))
		if (err == nil) != tc.ok || n != tc.n {
			t.Errorf("%q: %d %v", tc.line, n, err)
		}
	}
}
