package h1

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"sync"
	"time"
)

// Addr is an upstream instance's address; a struct, so a pool lookup needs
// no string built per request.
type Addr struct {
	Host string
	Port int
}

func (a Addr) String() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// Pool keeps idle keep-alive connections per upstream address.
type Pool struct {
	// DialTimeout bounds a connect (default 2 s).
	DialTimeout time.Duration
	// MaxIdlePerHost bounds the idle connections kept per address (default 512).
	MaxIdlePerHost int
	// IdleTimeout closes a connection idle longer than this (default 90 s).
	IdleTimeout time.Duration

	mu     sync.Mutex
	idle   map[Addr][]*upstreamConn
	closed bool
}

type upstreamConn struct {
	addr      Addr
	c         net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	idleSince time.Time
	// reused: the connection served a request before, so a failure before
	// any answer may be the upstream having closed it while idle.
	reused bool
}

const upstreamBuffer = 16 << 10

// checkAfter is how long a connection may sit idle before it is checked
// for the upstream's close on reuse.
const checkAfter = 50 * time.Millisecond

// get returns an idle connection to a, or dials one.
func (p *Pool) get(ctx context.Context, a Addr, now time.Time) (*upstreamConn, error) {
	p.mu.Lock()
	list := p.idle[a]
	for len(list) > 0 {
		uc := list[len(list)-1]
		list[len(list)-1] = nil
		list = list[:len(list)-1]
		idle := now.Sub(uc.idleSince)
		// A connection idle for a while may have been closed by the
		// upstream meanwhile: look before using it (one syscall).
		if idle <= p.idleTimeout() && (idle < checkAfter || !closedByPeer(uc.c)) {
			p.idle[a] = list
			p.mu.Unlock()
			uc.reused = true
			return uc, nil
		}
		_ = uc.c.Close()
	}
	if p.idle != nil {
		p.idle[a] = list
	}
	p.mu.Unlock()
	return p.dial(ctx, a)
}

func (p *Pool) idleTimeout() time.Duration {
	if p.IdleTimeout > 0 {
		return p.IdleTimeout
	}
	return 90 * time.Second
}

func (p *Pool) dial(ctx context.Context, a Addr) (*upstreamConn, error) {
	timeout := p.DialTimeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	d := net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	c, err := d.DialContext(ctx, "tcp", a.String())
	if err != nil {
		return nil, err
	}
	return &upstreamConn{addr: a, c: c, br: bufio.NewReaderSize(c, upstreamBuffer), bw: bufio.NewWriterSize(c, upstreamBuffer)}, nil
}

// put keeps uc for the next request to its address, or closes it.
func (p *Pool) put(uc *upstreamConn, now time.Time) {
	limit := p.MaxIdlePerHost
	if limit <= 0 {
		limit = 512
	}
	p.mu.Lock()
	if p.closed || len(p.idle[uc.addr]) >= limit {
		p.mu.Unlock()
		_ = uc.c.Close()
		return
	}
	if p.idle == nil {
		p.idle = map[Addr][]*upstreamConn{}
	}
	uc.idleSince = now
	p.idle[uc.addr] = append(p.idle[uc.addr], uc)
	p.mu.Unlock()
}

// Close closes every idle connection; connections in use close when their
// request ends.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for a, list := range p.idle {
		for _, uc := range list {
			_ = uc.c.Close()
		}
		delete(p.idle, a)
	}
}
