package dataplane

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard/rule"
)

func instanceOf(t *testing.T, url string) rule.Instance {
	host, port, _ := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	p, _ := strconv.Atoi(port)
	return rule.Instance{Service: "svc", Version: "1.0", Host: host, Port: p}
}

// deadAddress is an address where nothing listens.
func deadAddress(t *testing.T) rule.Instance {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	return rule.Instance{Service: "svc", Version: "1.0", Host: "127.0.0.1", Port: addr.Port}
}

func TestRetryTransport(t *testing.T) {
	live := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "live "+string(b))
	}))
	defer live.Close()
	// hangup accepts the request and drops the connection without answering.
	hangup := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close()
	}))
	defer hangup.Close()
	excluded := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request reached an instance the rule excluded")
	}))
	defer excluded.Close()

	tests := []struct {
		name     string
		method   string
		body     string
		first    rule.Instance
		wantLive bool
		refused  int
	}{
		{"refused GET goes to the next allowed instance", "GET", "", deadAddress(t), true, 1},
		{"refused POST with a body goes on too (nothing was sent)", "POST", "order", deadAddress(t), true, 1},
		{"GET cut off mid-request is retried", "GET", "", instanceOf(t, hangup.URL), true, 0},
		{"POST cut off mid-request is not retried", "POST", "order", instanceOf(t, hangup.URL), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var refused int
			cands := []rule.Instance{tt.first, instanceOf(t, live.URL), instanceOf(t, excluded.URL)}
			tg := &Target{Provider: "svc", Candidates: cands, Eligible: []int{0, 1}, Chosen: 0, Refused: func(*rule.Instance) { refused++ }}
			rt := &RetryTransport{Base: NewTransport(), Attempts: 3}
			req, _ := http.NewRequest(tt.method, "http://svc/x", strings.NewReader(tt.body))
			if tt.body == "" {
				req.Body = nil
			}
			resp, err := rt.RoundTrip(req.WithContext(WithTarget(req.Context(), tg)))
			if tt.wantLive {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(b) != "live "+tt.body {
					t.Fatalf("body = %q", b)
				}
			} else if err == nil {
				t.Fatal("a non-idempotent request cut off mid-way must not be retried")
			}
			if refused != tt.refused {
				t.Fatalf("refused callbacks = %d, want %d", refused, tt.refused)
			}
		})
	}
}

func TestBalancerEjectsRefusedInstances(t *testing.T) {
	self := rule.Instance{Service: "gw"}
	b := NewBalancer(&self, rule.Options{})
	compiled, _ := rule.Compile(&rule.Rule{})
	cands := []rule.Instance{{Service: "svc", Version: "1.0", Host: "h", Port: 1}, {Service: "svc", Version: "1.0", Host: "h", Port: 2}}
	tg, err := b.Pick(compiled, rule.Routes{}, "svc", cands)
	if err != nil {
		t.Fatal(err)
	}
	tg.Refused(&cands[0])
	for i := 0; i < 10; i++ {
		tg, err := b.Pick(compiled, rule.Routes{}, "svc", cands)
		if err != nil || tg.Instance().Port != 2 {
			t.Fatalf("pick %d: %+v, %v; want the live instance only", i, tg, err)
		}
	}
	tg.Refused(&cands[1])
	if _, err := b.Pick(compiled, rule.Routes{}, "svc", cands); err == nil {
		t.Fatal("with every instance ejected nothing is picked")
	}
}
