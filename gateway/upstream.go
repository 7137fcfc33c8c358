package gateway

import (
	"sync"
	"time"

	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/dataplane/h1"
)

// upstream is one request's side of h1's Forward: the router's pick, the
// outbound metrics per attempt, a refused instance ejected and the next
// allowed one tried.
type upstream struct {
	target  *dataplane.Target
	metrics *dataplane.Metrics
	err     error
}

// upstreams recycles the upstream of each request.
var upstreams = sync.Pool{New: func() any { return new(upstream) }}

func (u *upstream) Addr() h1.Addr {
	in := u.target.Instance()
	return h1.Addr{Host: in.Host, Port: in.Port}
}

func (u *upstream) Attempted(status int, err error, d time.Duration) {
	u.metrics.Outbound(u.target.Provider, u.target.Instance().VersionOr(), status, d)
	u.err = err
}

func (u *upstream) Next(refused bool) bool {
	if refused && u.target.Refused != nil {
		u.target.Refused(u.target.Instance())
	}
	return u.target.Advance()
}

func (u *upstream) describe() string {
	return u.target.Provider + " at " + u.target.Instance().Address()
}
