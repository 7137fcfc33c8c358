//go:build !unix

package h1

import "net"

// closedByPeer cannot tell without a read here: a failure on first use is
// retried instead.
func closedByPeer(net.Conn) bool { return false }
