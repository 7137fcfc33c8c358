package h1

import (
	"bufio"
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// Exchange is one request and its answer. A Handler reads Req, edits the
// headers to forward (Get, Set, Del: rule.HeaderWriter) and answers with
// Forward, Error or ServeHTTP. It is reused for the connection's next
// request: nothing of it may be kept after the handler returns.
type Exchange struct {
	Req Request
	// RemoteIP is the client's address without the port.
	RemoteIP string
	// Local is the listener's address, for X-Forwarded-Host fallbacks.
	Local string

	srv    *Server
	c      net.Conn
	br     *bufio.Reader
	bw     *bufio.Writer
	fields []Field
	edits  []edit
	resp   []byte // scratch for upstream response heads
	// respFields is the scratch of the response head's fields.
	respFields []Field
	num        [20]byte
	status     int
	// bodyRead: the request body was read (forwarded); closeAfter: the
	// connection cannot carry another request; hijacked: it was handed
	// over (an upgrade) and is closed by its new owner.
	bodyRead, closeAfter, hijacked, abandoned bool
}

// edit is a header set or deleted for the forwarded request.
type edit struct {
	name, value string
	del         bool
}

func (x *Exchange) reset() {
	x.edits = x.edits[:0]
	x.status = 0
	x.bodyRead, x.closeAfter, x.hijacked, x.abandoned = false, false, false, false
}

// Get returns the forwarded value of the header name: an edit's, else the
// request's (case-insensitive).
func (x *Exchange) Get(name string) string {
	for i := len(x.edits) - 1; i >= 0; i-- {
		if ascii.EqualFold(x.edits[i].name, name) {
			return x.edits[i].value
		}
	}
	return x.Req.Get(name)
}

// Set replaces the header name of the forwarded request.
func (x *Exchange) Set(name, value string) { x.edit(name, value, false) }

// Del removes the header name from the forwarded request.
func (x *Exchange) Del(name string) { x.edit(name, "", true) }

func (x *Exchange) edit(name, value string, del bool) {
	for i := range x.edits {
		if ascii.EqualFold(x.edits[i].name, name) {
			x.edits[i] = edit{name: name, value: value, del: del}
			return
		}
	}
	x.edits = append(x.edits, edit{name: name, value: value, del: del})
}

// edited reports whether the request's field name was set or deleted.
func (x *Exchange) edited(name string) bool {
	for i := range x.edits {
		if ascii.EqualFold(x.edits[i].name, name) {
			return true
		}
	}
	return false
}

// Status is the status answered (0 before an answer); 499 when the client
// went away first.
func (x *Exchange) Status() int { return x.status }

// Abandoned reports whether the client went away before the answer.
func (x *Exchange) Abandoned() bool { return x.abandoned }

// Error answers status with msg as plain text.
func (x *Exchange) Error(status int, msg string) {
	x.status = status
	bw := x.bw
	writeStatusLine(bw, status)
	bw.WriteString("Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ")
	var n [20]byte
	bw.Write(strconv.AppendInt(n[:0], int64(len(msg)+1), 10))
	bw.WriteString("\r\n")
	if !x.Req.KeepAlive || x.Req.HasBody() && !x.bodyRead {
		bw.WriteString("Connection: close\r\n")
		x.closeAfter = true
	}
	bw.WriteString("\r\n")
	if x.Req.Method != "HEAD" {
		bw.WriteString(msg)
		bw.WriteString("\n")
	}
}

func writeStatusLine(bw *bufio.Writer, status int) {
	bw.WriteString("HTTP/1.1 ")
	var n [4]byte
	bw.Write(strconv.AppendInt(n[:0], int64(status), 10))
	bw.WriteString(" ")
	bw.WriteString(statusText(status))
	bw.WriteString("\r\n")
}

// clientGone reports whether the client closed its connection: a read
// that waits a millisecond ends with something other than a timeout.
// Bytes of a pipelined request mean it is still there.
func (x *Exchange) clientGone() bool {
	if x.br.Buffered() > 0 {
		return false
	}
	_ = x.c.SetReadDeadline(time.Now().Add(time.Millisecond))
	_, err := x.br.Peek(1)
	_ = x.c.SetReadDeadline(time.Time{})
	if err == nil {
		return false
	}
	var ne net.Error
	return !errors.As(err, &ne) || !ne.Timeout()
}
