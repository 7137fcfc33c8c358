package h1

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// Upstream is the caller's side of a Forward: where each attempt goes and
// what becomes of it.
type Upstream interface {
	// Addr is the address of the instance the next attempt goes to.
	Addr() Addr
	// Attempted records one attempt: the status answered, or 0 and err.
	Attempted(status int, err error, d time.Duration)
	// Next moves to another instance the caller allows after a failed
	// attempt that may be repeated; false when there is none. refused: the
	// connect was refused (the instance is gone).
	Next(refused bool) bool
}

// maxAttempts bounds the instances tried for one request.
const maxAttempts = 3

// attempt is the outcome of sending the request once.
type attempt struct {
	status int
	err    error
	// answered: the client got a response head (the rest cannot change);
	// started: some of the request body was read from the client;
	// responded: the upstream sent any byte of a response.
	answered, started, responded bool
	// reusable: the upstream connection is clean for another request.
	reusable bool
}

// Forward sends the request with its edits to the upstream — path instead
// of the request's path, the query kept — and relays the answer. A refused
// connect moves to the next instance the upstream allows; so does a
// connection that broke before any answer, for a bodiless GET, HEAD or
// OPTIONS; an idle connection the upstream had closed is replaced by a
// fresh one.
func (x *Exchange) Forward(path string, up Upstream) {
	fresh := false
	for tries := 1; ; tries++ {
		a := up.Addr()
		t0 := time.Now()
		var uc *upstreamConn
		var err error
		if fresh {
			uc, err = x.srv.pool.dial(x.ctx(), a)
		} else {
			uc, err = x.srv.pool.get(x.ctx(), a, t0)
		}
		if err != nil {
			up.Attempted(0, err, time.Since(t0))
			if refusedConnect(err) && tries < maxAttempts && up.Next(true) {
				continue
			}
			x.Error(502, "upstream "+a.String()+": "+err.Error())
			return
		}
		at := x.send(uc, path, a)
		up.Attempted(at.status, at.err, time.Since(t0))
		if at.reusable {
			x.srv.pool.put(uc, time.Now())
		} else {
			_ = uc.c.Close()
		}
		switch {
		case at.err == nil || x.hijacked:
			return
		case x.abandoned:
			x.status, x.closeAfter = 499, true
			return
		case at.answered:
			x.closeAfter = true // the answer broke off: nothing more to say
			return
		}
		var bad *Error
		if errors.As(at.err, &bad) && !wroteFailed(at.err) && at.started && !at.responded {
			x.Error(bad.Status, bad.Reason) // the client's body was malformed
			return
		}
		if !at.started && !at.responded && uc.reused && !fresh {
			fresh, tries = true, tries-1 // the upstream had closed it while idle
			continue
		}
		fresh = false
		if !at.started && !at.responded && !x.Req.HasBody() && idempotent(x.Req.Method) && tries < maxAttempts && up.Next(false) {
			continue
		}
		status := 502
		if isTimeout(at.err) {
			status = 504
		}
		x.Error(status, "upstream "+a.String()+": "+at.err.Error())
		return
	}
}

func idempotent(method string) bool {
	return method == "GET" || method == "HEAD" || method == "OPTIONS"
}

func refusedConnect(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// send makes one attempt on uc.
func (x *Exchange) send(uc *upstreamConn, path string, a Addr) attempt {
	var at attempt
	x.writeRequestHead(uc.bw, path, a)
	if x.Req.Expect100 && x.Req.HasBody() {
		if err := uc.bw.Flush(); err != nil {
			at.err = err
			return at
		}
		r, err := x.awaitResponse(uc, &at)
		if err != nil {
			at.err = err
			return at
		}
		if r.Status != 100 {
			// A final answer without the body: relay it; neither
			// connection can go on (the body is still unread).
			x.closeAfter = true
			at.status = r.Status
			at.err = x.relay(uc, &r, &at)
			at.reusable = false
			return at
		}
		x.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := x.bw.Flush(); err != nil {
			at.err = writeErr(err)
			return at
		}
	}
	if x.Req.HasBody() {
		at.started, x.bodyRead = true, true
		var err error
		if x.Req.Chunked {
			err = copyChunked(uc.bw, x.br, x.srv.limits, false)
		} else {
			err = copyFixed(uc.bw, x.br, x.Req.ContentLength)
		}
		if err != nil {
			if !wroteFailed(err) {
				x.closeAfter = true // the client's body broke off
				var bad *Error
				if !errors.As(err, &bad) {
					x.abandoned = true
				}
			}
			at.err = err
			return at
		}
	}
	if err := uc.bw.Flush(); err != nil {
		at.err = err
		return at
	}
	for {
		r, err := x.awaitResponse(uc, &at)
		if err != nil {
			at.err = err
			return at
		}
		at.status = r.Status
		if r.Status >= 100 && r.Status < 200 && r.Status != 101 {
			x.writeResponseHead(&r, false)
			if err := x.bw.Flush(); err != nil {
				at.err = writeErr(err)
				return at
			}
			continue
		}
		at.err = x.relay(uc, &r, &at)
		return at
	}
}

// awaitResponse reads the next response head from uc. While waiting for
// its first byte it looks every quarter second whether the client is still
// there, and gives up after the server's ResponseHeaderTimeout.
func (x *Exchange) awaitResponse(uc *upstreamConn, at *attempt) (response, error) {
	var r response
	deadline := time.Now().Add(x.srv.responseHeaderTimeout())
	for {
		next := time.Now().Add(250 * time.Millisecond)
		if next.After(deadline) {
			next = deadline
		}
		_ = uc.c.SetReadDeadline(next)
		_, err := uc.br.Peek(1)
		if err == nil {
			break
		}
		if !isTimeout(err) {
			return r, err
		}
		if !time.Now().Before(deadline) {
			return r, err
		}
		if x.clientGone() {
			x.abandoned = true
			return r, errors.New("client went away")
		}
	}
	at.responded = true
	if !headBuffered(uc.br) {
		_ = uc.c.SetReadDeadline(deadline)
	}
	head, err := readHead(uc.br, x.resp, x.srv.limits.HeadBytes)
	x.resp = head
	if err != nil {
		if errors.Is(err, errHeadTooLarge) {
			return r, refuse(502, "upstream response head too large")
		}
		return r, err
	}
	perr := parseResponse(str(head), &r, x.srv.limits, x.respFields)
	x.respFields = r.fields
	if perr != nil {
		return r, perr
	}
	return r, nil
}

// relay writes the response r to the client: its head, then its body.
func (x *Exchange) relay(uc *upstreamConn, r *response, at *attempt) error {
	if r.Status == 101 {
		if x.Req.Upgrade == "" {
			return refuse(502, "upstream switched protocols unasked")
		}
		x.writeResponseHead(r, true)
		at.answered = true
		x.status = 101
		_ = uc.c.SetReadDeadline(time.Time{})
		x.splice(uc)
		return nil
	}
	bodyless := r.bodyless(x.Req.Method)
	framed := bodyless || r.Chunked || r.ContentLength >= 0
	dechunk := r.Chunked && x.Req.Minor == 0
	if !framed || dechunk || !x.Req.KeepAlive {
		x.closeAfter = true
	}
	x.writeResponseHead(r, false)
	at.answered = true
	x.status = r.Status
	if !bodyless && (r.ContentLength < 0 || int64(uc.br.Buffered()) < r.ContentLength) {
		// The body is still to be read: no deadline (the wait for the head
		// left one). A body already here needs no read: the next request's
		// wait sets its own deadline.
		_ = uc.c.SetReadDeadline(time.Time{})
	}
	var err error
	switch {
	case bodyless:
	case r.Chunked:
		err = copyChunked(x.bw, uc.br, x.srv.limits, dechunk)
	case r.ContentLength >= 0:
		err = copyFixed(x.bw, uc.br, r.ContentLength)
	default:
		err = copyToEOF(x.bw, uc.br)
	}
	if err == nil {
		err = x.bw.Flush()
		if err != nil {
			err = writeErr(err)
		}
	}
	if err != nil && wroteFailed(err) {
		x.abandoned = true
	}
	at.reusable = err == nil && framed && !r.Close && (!x.Req.HasBody() || at.started)
	return err
}

// writeRequestHead writes the forwarded request's head: the request line,
// Host (the instance's address), the fields less hop-by-hop ones, the
// edits, X-Forwarded-*, the framing.
func (x *Exchange) writeRequestHead(bw *bufio.Writer, path string, a Addr) {
	r := &x.Req
	num := x.num[:0]
	bw.WriteString(r.Method)
	bw.WriteByte(' ')
	bw.WriteString(path)
	if r.RawQuery != "" {
		bw.WriteByte('?')
		bw.WriteString(r.RawQuery)
	}
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(a.Host)
	bw.WriteByte(':')
	bw.Write(strconv.AppendInt(num, int64(a.Port), 10))
	bw.WriteString("\r\n")
	xff := false
	for _, f := range r.Fields {
		if skipRequestField(f.Name) || (r.connection != "" && hasToken(r.connection, f.Name)) || x.edited(f.Name) {
			continue
		}
		if ascii.EqualFold(f.Name, "X-Forwarded-For") {
			xff = true
			continue
		}
		writeField(bw, f.Name, f.Value)
	}
	// X-Forwarded-For: the values received, then the client's address.
	bw.WriteString("X-Forwarded-For: ")
	if xff {
		for _, f := range r.Fields {
			if ascii.EqualFold(f.Name, "X-Forwarded-For") {
				bw.WriteString(f.Value)
				bw.WriteString(", ")
			}
		}
	}
	bw.WriteString(x.RemoteIP)
	bw.WriteString("\r\n")
	for _, e := range x.edits {
		if !e.del {
			writeField(bw, e.name, e.value)
		}
	}
	if !x.edited("X-Forwarded-Host") {
		host := r.Host
		if host == "" {
			host = x.Local
		}
		writeField(bw, "X-Forwarded-Host", host)
	}
	if !x.edited("X-Forwarded-Proto") {
		bw.WriteString("X-Forwarded-Proto: http\r\n")
	}
	if r.Upgrade != "" {
		writeField(bw, "Connection", "Upgrade")
		writeField(bw, "Upgrade", r.Upgrade)
	}
	switch {
	case r.Chunked:
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	case r.ContentLength >= 0:
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(num, r.ContentLength, 10))
		bw.WriteString("\r\n")
	}
	if te := r.Get("Te"); te != "" && hasToken(te, "trailers") {
		bw.WriteString("Te: trailers\r\n")
	}
	bw.WriteString("\r\n")
}

func writeField(bw *bufio.Writer, name, value string) {
	bw.WriteString(name)
	bw.WriteString(": ")
	bw.WriteString(value)
	bw.WriteString("\r\n")
}

// skipRequestField: fields the forwarded head writes itself or drops
// (hop-by-hop, RFC 9110 §7.6.1).
func skipRequestField(name string) bool {
	switch len(name) {
	case 2:
		return ascii.EqualFold(name, "Te")
	case 4:
		return ascii.EqualFold(name, "Host")
	case 7:
		return ascii.EqualFold(name, "Upgrade") || ascii.EqualFold(name, "Trailer")
	case 10:
		return ascii.EqualFold(name, "Connection") || ascii.EqualFold(name, "Keep-Alive")
	case 14:
		return ascii.EqualFold(name, "Content-Length")
	case 16:
		return ascii.EqualFold(name, "Proxy-Connection")
	case 17:
		return ascii.EqualFold(name, "Transfer-Encoding") || ascii.EqualFold(name, "X-Forwarded-Host")
	case 18:
		return ascii.EqualFold(name, "Proxy-Authenticate")
	case 19:
		return ascii.EqualFold(name, "Proxy-Authorization") || ascii.EqualFold(name, "X-Forwarded-Proto")
	}
	return false
}

// skipResponseField: fields of an upstream's head the client does not get
// as they are (hop-by-hop; the framing is written again).
func skipResponseField(name string) bool {
	switch len(name) {
	case 7:
		return ascii.EqualFold(name, "Upgrade")
	case 10:
		return ascii.EqualFold(name, "Connection") || ascii.EqualFold(name, "Keep-Alive")
	case 14:
		return ascii.EqualFold(name, "Content-Length")
	case 16:
		return ascii.EqualFold(name, "Proxy-Connection")
	case 17:
		return ascii.EqualFold(name, "Transfer-Encoding")
	}
	return false
}

// writeResponseHead writes the response head to the client. raw (a 101)
// keeps every field as the upstream sent it.
func (x *Exchange) writeResponseHead(r *response, raw bool) {
	bw := x.bw
	bw.WriteString("HTTP/1.1 ")
	bw.WriteString(r.statusText)
	bw.WriteString("\r\n")
	for _, f := range r.fields {
		if !raw && (skipResponseField(f.Name) || (r.connection != "" && hasToken(r.connection, f.Name))) {
			continue
		}
		writeField(bw, f.Name, f.Value)
	}
	if raw {
		bw.WriteString("\r\n")
		return
	}
	num := x.num[:0]
	informational := r.Status < 200
	switch {
	case informational:
	case r.Chunked && x.Req.Minor == 1 && !r.bodyless(x.Req.Method):
		bw.WriteString("Transfer-Encoding: chunked\r\n")
	case r.ContentLength >= 0 && !(r.Chunked && x.Req.Minor == 0):
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(num, r.ContentLength, 10))
		bw.WriteString("\r\n")
	}
	if !informational {
		switch {
		case x.closeAfter && x.Req.Minor == 1:
			bw.WriteString("Connection: close\r\n")
		case !x.closeAfter && x.Req.Minor == 0:
			bw.WriteString("Connection: keep-alive\r\n")
		}
	}
	bw.WriteString("\r\n")
}

// splice hands both connections over to a byte-for-byte copy each way
// (an upgraded protocol: WebSocket); either side's end closes both.
func (x *Exchange) splice(uc *upstreamConn) {
	x.hijacked = true
	_ = x.bw.Flush()
	done := make(chan struct{}, 2)
	go func() { _, _ = uc.br.WriteTo(x.c); done <- struct{}{} }()
	go func() { _, _ = x.br.WriteTo(uc.c); done <- struct{}{} }()
	<-done
	_ = uc.c.Close()
	_ = x.c.Close()
	<-done
}

var _ io.WriterTo = (*bufio.Reader)(nil)
