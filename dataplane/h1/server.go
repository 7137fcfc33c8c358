package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Handler answers the requests of a Server.
type Handler interface {
	ServeH1(x *Exchange)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(x *Exchange)

// ServeH1 calls f.
func (f HandlerFunc) ServeH1(x *Exchange) { f(x) }

// ErrServerClosed is what Serve returns after Shutdown or Close.
var ErrServerClosed = errors.New("h1: server closed")

// Server serves HTTP/1.x connections with a Handler.
type Server struct {
	Handler Handler
	Limits  Limits
	// ReadHeaderTimeout bounds reading a request head (default 10 s).
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a keep-alive connection without a next request
	// (default 2 min).
	IdleTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for an upstream's answer
	// (default 30 s).
	ResponseHeaderTimeout time.Duration
	// Pool holds the upstream connections; the zero value is ready.
	Pool   *Pool
	Logger *slog.Logger

	once     sync.Once
	limits   Limits
	pool     *Pool
	ctx      context.Context
	cancel   context.CancelFunc
	mu       sync.Mutex
	lns      map[net.Listener]struct{}
	conns    map[*serverConn]struct{}
	closing  atomic.Bool
	inFlight sync.WaitGroup
}

func (s *Server) init() {
	s.once.Do(func() {
		s.limits = s.Limits.withDefaults()
		s.pool = s.Pool
		if s.pool == nil {
			s.pool = &Pool{}
		}
		s.ctx, s.cancel = context.WithCancel(context.Background())
		s.lns = map[net.Listener]struct{}{}
		s.conns = map[*serverConn]struct{}{}
		if s.Logger == nil {
			s.Logger = slog.Default()
		}
	})
}

func (s *Server) responseHeaderTimeout() time.Duration {
	if s.ResponseHeaderTimeout > 0 {
		return s.ResponseHeaderTimeout
	}
	return 30 * time.Second
}

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (x *Exchange) ctx() context.Context { return x.srv.ctx }

// serverConn is one client connection and its state.
type serverConn struct {
	c    net.Conn
	idle atomic.Bool
}

// Serve accepts connections on ln until Shutdown or Close.
func (s *Server) Serve(ln net.Listener) error {
	s.init()
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.lns[ln] = struct{}{}
	s.mu.Unlock()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		sc := &serverConn{c: c}
		s.mu.Lock()
		if s.closing.Load() {
			s.mu.Unlock()
			_ = c.Close()
			return ErrServerClosed
		}
		s.conns[sc] = struct{}{}
		s.inFlight.Add(1)
		s.mu.Unlock()
		go s.serveConn(sc)
	}
}

var (
	readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 8<<10) }}
	writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 16<<10) }}
)

// maxDiscard is how much of an unread request body is read away to keep
// the connection (net/http reads 256 KiB).
const maxDiscard = 256 << 10

func (s *Server) serveConn(sc *serverConn) {
	c := sc.c
	br := readers.Get().(*bufio.Reader)
	bw := writers.Get().(*bufio.Writer)
	br.Reset(c)
	bw.Reset(c)
	x := &Exchange{srv: s, c: c, br: br, bw: bw}
	if host, _, err := net.SplitHostPort(c.RemoteAddr().String()); err == nil {
		x.RemoteIP = host
	}
	x.Local = c.LocalAddr().String()
	defer func() {
		if !x.hijacked {
			_ = c.Close()
		}
		br.Reset(nil)
		bw.Reset(nil)
		readers.Put(br)
		writers.Put(bw)
		s.mu.Lock()
		delete(s.conns, sc)
		s.mu.Unlock()
		s.inFlight.Done()
	}()
	var scratch []byte
	idle := orDuration(s.IdleTimeout, 2*time.Minute)
	headTimeout := orDuration(s.ReadHeaderTimeout, 10*time.Second)
	for first := true; ; first = false {
		sc.idle.Store(true)
		if s.closing.Load() {
			return
		}
		wait := idle
		if first {
			wait = headTimeout
		}
		_ = c.SetReadDeadline(time.Now().Add(wait))
		if _, err := br.Peek(1); err != nil {
			return
		}
		sc.idle.Store(false)
		if !headBuffered(br) {
			// The rest of the head is still coming: it has headTimeout.
			_ = c.SetReadDeadline(time.Now().Add(headTimeout))
		}
		head, err := readHead(br, scratch, s.limits.HeadBytes)
		scratch = head
		if err != nil {
			var bad *Error
			if errors.As(err, &bad) {
				x.Req = Request{Method: "GET"}
				x.reset()
				x.Error(bad.Status, bad.Reason)
				_ = bw.Flush()
			}
			return
		}
		raw := make([]byte, len(head))
		copy(raw, head)
		x.reset()
		if perr := parseRequest(raw, &x.Req, x.fields, s.limits); perr != nil {
			x.fields = x.Req.Fields
			x.Req.KeepAlive = false
			x.Error(perr.Status, perr.Reason)
			_ = bw.Flush()
			return
		}
		x.fields = x.Req.Fields
		if x.Req.HasBody() || x.Req.Upgrade != "" {
			// A body (or an upgraded stream) takes the time it takes; a
			// bodiless request leaves the deadline for the next wait to
			// replace, one timer change less per request.
			_ = c.SetReadDeadline(time.Time{})
		}
		s.Handler.ServeH1(x)
		if x.hijacked {
			return
		}
		if x.status == 0 {
			x.Error(500, "no answer")
		}
		if err := bw.Flush(); err != nil || x.closeAfter || !x.Req.KeepAlive {
			return
		}
		if x.Req.HasBody() && !x.bodyRead && !discardBody(br, &x.Req, maxDiscard) {
			return
		}
	}
}

// headBuffered reports whether br already holds a whole head.
func headBuffered(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	return bytes.Contains(b, crlfcrlf) || bytes.Contains(b, lflf)
}

var crlfcrlf, lflf = []byte("\r\n\r\n"), []byte("\n\n")

// Shutdown stops accepting, closes idle connections as they become idle
// and waits for the others until ctx ends; then it closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	s.init()
	s.closing.Store(true)
	s.closeListeners()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for s.closeIdle() > 0 {
		select {
		case <-ctx.Done():
			s.closeAll()
			s.pool.Close()
			return ctx.Err()
		case <-t.C:
		}
	}
	s.cancel()
	s.pool.Close()
	return nil
}

// Close closes the listeners and every connection now.
func (s *Server) Close() error {
	s.init()
	s.closing.Store(true)
	s.closeListeners()
	s.closeAll()
	s.cancel()
	s.pool.Close()
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ln := range s.lns {
		_ = ln.Close()
		delete(s.lns, ln)
	}
}

// closeIdle closes idle connections and returns how many are still busy.
func (s *Server) closeIdle() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	busy := 0
	for sc := range s.conns {
		if sc.idle.Load() {
			_ = sc.c.Close()
		} else {
			busy++
		}
	}
	return busy
}

func (s *Server) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sc := range s.conns {
		_ = sc.c.Close()
	}
}
