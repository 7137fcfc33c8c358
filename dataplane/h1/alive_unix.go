//go:build unix

package h1

import (
	"net"
	"syscall"
)

// closedByPeer reports whether the upstream closed c while it was idle (or
// sent something unasked): a peek that does not wait finds an end of file
// or bytes. A connection that only waits reports false.
func closedByPeer(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	var buf [1]byte
	closed := false
	err = rc.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		closed = rerr == nil || (rerr != syscall.EAGAIN && rerr != syscall.EWOULDBLOCK) || n > 0
		return true
	})
	return err != nil || closed
}
