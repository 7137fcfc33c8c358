package h1

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httputil"
	"strconv"
	"strings"
)

// maxFallbackBody bounds the body a net/http handler may read through
// ServeHTTP (its endpoints are small: metrics, health).
const maxFallbackBody = 1 << 20

// ServeHTTP answers the request with a net/http handler, for the
// gateway's own small endpoints (/metrics, /healthz): the head is read
// again as an *http.Request, the answer buffered and sent with its length.
// Not for the proxied path.
func (x *Exchange) ServeHTTP(h http.Handler) {
	var head bytes.Buffer
	head.Write(x.rawHead())
	head.WriteString("\r\n")
	req, err := http.ReadRequest(bufio.NewReader(&head))
	if err != nil {
		x.Error(400, "bad request: "+err.Error())
		return
	}
	req.RemoteAddr = x.c.RemoteAddr().String()
	if x.Req.HasBody() {
		x.bodyRead = true
		body := io.LimitReader(x.br, x.Req.ContentLength)
		if x.Req.Chunked {
			body = httputil.NewChunkedReader(x.br)
			x.closeAfter = true // what the handler leaves unread cannot be found again
		}
		req.Body = io.NopCloser(io.LimitReader(body, maxFallbackBody))
	} else {
		req.Body = http.NoBody
	}
	req = req.WithContext(x.ctx())
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, req)
	if rec.code == 0 {
		rec.code = 200
	}
	x.status = rec.code
	writeStatusLine(x.bw, rec.code)
	rec.header.Del("Content-Length")
	rec.header.Del("Transfer-Encoding")
	rec.header.Del("Connection")
	_ = rec.header.Write(x.bw)
	x.bw.WriteString("Content-Length: " + strconv.Itoa(rec.body.Len()) + "\r\n")
	if !x.Req.KeepAlive || x.closeAfter {
		x.bw.WriteString("Connection: close\r\n")
		x.closeAfter = true
	}
	x.bw.WriteString("\r\n")
	if x.Req.Method != "HEAD" {
		_, _ = x.bw.Write(rec.body.Bytes())
	}
}

// rawHead rebuilds the request head from its fields (the parsed strings
// all point into the one buffer the head was read into).
func (x *Exchange) rawHead() []byte {
	var b strings.Builder
	b.WriteString(x.Req.Method + " " + x.Req.Target + " HTTP/1." + strconv.Itoa(x.Req.Minor) + "\r\n")
	for _, f := range x.Req.Fields {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	return []byte(b.String())
}

// recorder buffers a net/http handler's answer.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = 200
	}
	return r.body.Write(b)
}
