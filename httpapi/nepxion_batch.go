package httpapi

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"

	"github.com/switchyard-io/switchyard"
)

// Limits of the batch endpoints' fan-out (docs/security.md lists them). The
// control plane calls URLs that agents registered, so it calls only
// http(s)://host:port/… built from checked parts, follows no redirect,
// dials no unspecified, multicast or link-local address, and passes on only
// bounded answers of the expected shape.
const (
	fanOutTimeout   = 10 * time.Second // one instance's call
	fanOutParallel  = 8                // instances called at once
	maxViewAnswer   = 4 << 20          // bytes of one instance's config view (two rules of up to 1 MiB, JSON-escaped)
	maxTextAnswer   = 1 << 10          // bytes of any other answer, or of an error answer, passed on
	maxBatchAnswers = 16 << 20         // bytes of all instances' answers in one batch
)

// ResultEntity is one instance's answer to a batch call (Nepxion's
// ResultEntity): the instance's body, its error body, or the failure.
type ResultEntity struct {
	ServiceID string `json:"serviceId"`
	Host      string `json:"host"`
	Port      int    `json:"port"`
	URL       string `json:"url"`
	Result    string `json:"result"`
}

// nepxionBatchRoutes fan out to every instance's admin endpoint, as
// Nepxion's console does (AbstractRestInvoker).
func (s *Server) nepxionBatchRoutes() []*Route {
	write := func(path, action, summary, suffix string, body bool) *Route {
		rt := Route{Method: "POST", Path: NepxionPrefix + path, Access: Operator, Action: action, Tag: "nepxion", RawResponse: "application/json", Summary: summary}
		if body {
			rt.RawRequest = "text/plain"
		}
		return Raw(rt, func(c *Call, in *nepxionIn) error { return s.fanOut(c, in, "POST", suffix, body) })
	}
	return []*Route{
		write("/config/update-async/{serviceId}", "config.instances.update", "Set the in-memory partial rule of every instance of a service", "config/update-async", true),
		write("/config/update-sync/{serviceId}", "config.instances.update", "Set the in-memory partial rule of every instance (synchronously)", "config/update-sync", true),
		write("/config/clear-async/{serviceId}", "config.instances.clear", "Clear the in-memory partial rule of every instance", "config/clear-async", false),
		write("/config/clear-sync/{serviceId}", "config.instances.clear", "Clear the in-memory partial rule of every instance (synchronously)", "config/clear-sync", false),
		Raw(Route{Method: "GET", Path: NepxionPrefix + "/config/view/{serviceId}", Access: SignedIn, Tag: "nepxion", RawResponse: "application/json",
			Summary: "Every instance's rule sources: [local, global, partial]"}, func(c *Call, in *nepxionIn) error { return s.fanOut(c, in, "GET", "config/view", false) }),
	}
}

// fanOutClient calls instances: no proxy, no redirects, no calls to
// addresses DialableIP refuses (checked on the resolved address, so a host
// name pointing at the cloud metadata service is refused too).
var fanOutClient = &http.Client{
	Timeout:       fanOutTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport: &http.Transport{
		DialContext:            (&net.Dialer{Timeout: 3 * time.Second, Control: dialControl}).DialContext,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  fanOutTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
	},
}

var errRefusedAddress = errors.New("refused address")

// dialControl refuses connecting to an address the control plane must not
// call (see switchyard.DialableIP).
func dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !switchyard.DialableIP(ap.Addr()) {
		return errRefusedAddress
	}
	return nil
}

func (s *Server) fanOut(c *Call, in *nepxionIn, method, suffix string, withBody bool) error {
	service := strings.ToLower(in.ServiceID)
	if err := switchyard.CheckServiceID(service); err != nil {
		return nepxionFail(c, err)
	}
	c.Audit("service/"+service, suffix)
	list, err := s.Registry.Instances(c.R.Context(), service)
	if err != nil {
		return nepxionFail(c, err)
	}
	if len(list) == 0 {
		return nepxionFail(c, switchyard.Errorf(switchyard.CodeNotFound, "No service instances found"))
	}
	if method != "GET" {
		for _, i := range list {
			if err := mayWriteGroup(c, i.Group); err != nil {
				return err
			}
		}
	}
	body := ""
	if withBody {
		if body, err = readText(c); err != nil {
			return nepxionFail(c, err)
		}
	}
	out := make([]ResultEntity, len(list))
	budget := &atomic.Int64{}
	budget.Store(maxBatchAnswers)
	sem := make(chan struct{}, fanOutParallel)
	var wg sync.WaitGroup
	for n, i := range list {
		out[n] = ResultEntity{ServiceID: service, Host: i.Host, Port: i.Port}
		u, err := i.AdminURL(suffix)
		if err != nil {
			out[n].Result = "not called: the instance's registration is invalid: " + err.Error()
			continue
		}
		out[n].URL = u.String()
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[n].Result = callInstance(c.R.Context(), method, u, body, suffix == "config/view", budget)
		}()
	}
	wg.Wait()
	return writeJSONValue(c, out)
}

// callInstance returns the instance's answer, bounded: a config view only
// if it is one (a JSON list of rule texts), anything else and error answers
// up to maxTextAnswer bytes; or why there is none.
func callInstance(ctx context.Context, method string, u *url.URL, body string, view bool, budget *atomic.Int64) string {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return "not called: " + err.Error()
	}
	resp, err := fanOutClient.Do(req)
	if err != nil {
		return "no answer: " + callFailure(err)
	}
	defer resp.Body.Close()
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	limit := int64(maxTextAnswer)
	if ok && view {
		limit = maxViewAnswer
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return "no answer: " + callFailure(err)
	}
	if budget.Add(-int64(len(b))) < 0 {
		return fmt.Sprintf("answer not passed on: the batch's answers exceed %d bytes", maxBatchAnswers)
	}
	switch {
	case !ok:
		return fmt.Sprintf("HTTP %d: %s", resp.StatusCode, printable(b, maxTextAnswer))
	case int64(len(b)) > limit:
		return fmt.Sprintf("answer not passed on: larger than %d bytes", limit)
	case view:
		var sources []string
		if json.Unmarshal(b, &sources) != nil {
			return "answer not passed on: not a config view (a JSON list of rule texts)"
		}
		return string(b)
	}
	return printable(b, maxTextAnswer)
}

// callFailure names why a call failed without the resolver's or the
// dialer's details.
func callFailure(err error) string {
	var dns *net.DNSError
	var ne net.Error
	var tlsErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.Is(err, errRefusedAddress):
		return "the host's address is one the control plane does not call (unspecified, multicast, broadcast or link-local)"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &dns):
		return "host not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &tlsErr), errors.As(err, &recordErr):
		return "TLS failed"
	}
	return "connection failed"
}

// printable is at most limit bytes of b as valid UTF-8 without control
// characters (other than newline and tab), "…" marking a cut.
func printable(b []byte, limit int) string {
	cut := len(b) > limit
	if cut {
		b = b[:limit]
	}
	s := strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(string(b), "\uFFFD"))
	if cut {
		s += "…"
	}
	return s
}
