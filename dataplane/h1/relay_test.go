package h1_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard/dataplane/h1"
)

// addrs is an Upstream over fixed addresses: the first, then the next
// ones on a retry.
type addrs struct {
	list  []h1.Addr
	i     int
	tries []int
}

func (a *addrs) Addr() h1.Addr { return a.list[a.i] }
func (a *addrs) Attempted(status int, _ error, _ time.Duration) {
	a.tries = append(a.tries, status)
}
func (a *addrs) Next(bool) bool {
	if a.i+1 >= len(a.list) {
		return false
	}
	a.i++
	return true
}

func addrOf(t testing.TB, url string) h1.Addr {
	host, port, err := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return h1.Addr{Host: host, Port: p}
}

// proxy runs an h1 server that forwards every request to the upstreams
// (tried in order) and returns its address.
func proxy(t testing.TB, edit func(x *h1.Exchange), upstreams ...string) (string, *h1.Server) {
	t.Helper()
	var list []h1.Addr
	for _, u := range upstreams {
		list = append(list, addrOf(t, u))
	}
	srv := &h1.Server{Handler: h1.HandlerFunc(func(x *h1.Exchange) {
		if edit != nil {
			edit(x)
		}
		x.Forward(x.Req.Path, &addrs{list: list})
	}), ResponseHeaderTimeout: 2 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), srv
}

func TestRelayKeepsBodiesHeadersAndConnections(t *testing.T) {
	var conns atomic.Int32
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-Hop", r.Header.Get("X-Hop"))
		w.Header().Set("X-Forwarded-For-Seen", r.Header.Get("X-Forwarded-For"))
		w.Header().Set("X-Stamp", r.Header.Get("X-Stamp"))
		w.Header().Set("X-Host", r.Host)
		w.Header().Set("Connection", "X-Secret")
		w.Header().Set("X-Secret", "hop-by-hop")
		if r.URL.Query().Get("chunked") != "" {
			w.Write(b)
			w.(http.Flusher).Flush()
			w.Write([]byte("!"))
			return
		}
		fmt.Fprintf(w, "%s %s %d %s", r.Method, r.URL.RequestURI(), len(b), b)
	}))
	up.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	up.Start()
	defer up.Close()
	addr, _ := proxy(t, func(x *h1.Exchange) { x.Set("X-Stamp", "stamped") }, up.URL)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	for i := range 5 {
		req, _ := http.NewRequest("POST", "http://"+addr+"/p?q=1", strings.NewReader("hello"))
		req.Header.Set("Connection", "X-Hop")
		req.Header.Set("X-Hop", "dropped")
		req.Header.Set("X-Forwarded-For", "10.0.0.1")
		if i%2 == 1 {
			req.ContentLength = -1 // sent chunked
			req.Body = io.NopCloser(strings.NewReader("hello"))
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "POST /p?q=1 5 hello" {
			t.Fatalf("body %q", b)
		}
		if h := resp.Header; h.Get("X-Seen-Hop") != "" || h.Get("X-Secret") != "" || h.Get("X-Stamp") != "stamped" ||
			h.Get("X-Forwarded-For-Seen") != "10.0.0.1, 127.0.0.1" || h.Get("X-Host") != up.Listener.Addr().String() {
			t.Fatalf("headers %v", h)
		}
	}
	// A chunked response keeps its chunks for HTTP/1.1.
	resp, err := client.Post("http://"+addr+"/p?chunked=1", "text/plain", strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "abc!" || len(resp.TransferEncoding) == 0 {
		t.Fatalf("chunked: %q %v", b, resp.TransferEncoding)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("the upstream saw %d connections for 6 sequential requests, want 1 kept alive", n)
	}
}

// raw sends text on a fresh connection and returns everything read until
// the proxy closes it (or 2 s pass).
func raw(t *testing.T, addr, text string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	io.WriteString(c, text)
	b, _ := io.ReadAll(c)
	return string(b)
}

func TestRelayHTTP10AndFraming(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/chunked":
			w.Write([]byte("ab"))
			w.(http.Flusher).Flush()
			w.Write([]byte("cd"))
		case "/empty":
			w.WriteHeader(204)
		default:
			w.Header().Set("Content-Length", "2")
			w.Write([]byte("ok"))
		}
	}))
	defer up.Close()
	addr, _ := proxy(t, nil, up.URL)
	// An HTTP/1.0 client gets the chunks decoded and the connection closed.
	out := raw(t, addr, "GET /chunked HTTP/1.0\r\n\r\n")
	if !strings.HasSuffix(out, "\r\n\r\nabcd") || strings.Contains(strings.ToLower(out), "transfer-encoding") {
		t.Fatalf("1.0 chunked: %q", out)
	}
	// HEAD: the length, no body; then 204; both on one connection, pipelined.
	out = raw(t, addr, "HEAD /x HTTP/1.1\r\nHost: a\r\n\r\nGET /empty HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	if strings.Count(out, "HTTP/1.1 ") != 2 || !strings.Contains(out, "Content-Length: 2\r\n") || strings.Contains(out, "ok") || !strings.Contains(out, "204 No Content") {
		t.Fatalf("pipelined HEAD + 204: %q", out)
	}
	// Refused heads name the reason and close.
	out = raw(t, addr, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 400 ") || !strings.Contains(out, "both Content-Length and Transfer-Encoding") {
		t.Fatalf("smuggling attempt: %q", out)
	}
	out = raw(t, addr, "GET / HTTP/1.1\r\nHost: a\r\nX: "+strings.Repeat("a", 70<<10)+"\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 431 ") {
		t.Fatalf("70 KiB head: %q", out[:min(len(out), 200)])
	}
}

func TestRelayStreamsAndUpgrades(t *testing.T) {
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "echo" {
			c, brw, err := http.NewResponseController(w).Hijack()
			if err != nil {
				return
			}
			defer c.Close()
			brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
			brw.Flush()
			line, _ := brw.ReadString('\n')
			brw.WriteString("echo: " + line)
			brw.Flush()
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: first\n\n")
		w.(http.Flusher).Flush()
		<-release
		io.WriteString(w, "data: second\n\n")
	}))
	defer up.Close()
	defer close(release)
	addr, _ := proxy(t, nil, up.URL)

	resp, err := http.Get("http://" + addr + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "data: first\n" {
		t.Fatalf("the first event did not come through while the stream is open: %q %v", line, err)
	}

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	br := bufio.NewReader(c)
	status, _ := br.ReadString('\n')
	if !strings.HasPrefix(status, "HTTP/1.1 101") {
		t.Fatalf("upgrade: %q", status)
	}
	for {
		l, err := br.ReadString('\n')
		if err != nil || l == "\r\n" {
			break
		}
	}
	io.WriteString(c, "ping\n")
	if got, _ := br.ReadString('\n'); got != "echo: ping\n" {
		t.Fatalf("bytes after the upgrade: %q", got)
	}
}

func TestRelayRetries(t *testing.T) {
	// A refused connect goes to the next instance.
	dead, _ := net.Listen("tcp", "127.0.0.1:0")
	deadURL := "http://" + dead.Addr().String()
	dead.Close()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "alive") }))
	defer up.Close()
	addr, _ := proxy(t, nil, deadURL, up.URL)
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "alive" {
		t.Fatalf("after a refused instance: %d %q", resp.StatusCode, b)
	}

	// An idle connection the upstream closed is replaced, even for a POST.
	idle := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	idle.Config.IdleTimeout = 50 * time.Millisecond
	idle.Start()
	defer idle.Close()
	addr, _ = proxy(t, nil, idle.URL)
	for i := range 3 {
		resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader("n"+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "n"+strconv.Itoa(i) {
			t.Fatalf("request %d after the upstream closed the idle connection: %d %q", i, resp.StatusCode, b)
		}
		time.Sleep(150 * time.Millisecond)
	}

	// Nothing left to try: 502 naming the upstream.
	addr, _ = proxy(t, nil, deadURL)
	resp, err = http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || !strings.Contains(string(b), dead.Addr().String()) {
		t.Fatalf("no instance left: %d %q", resp.StatusCode, b)
	}
}

func TestRelayExpectContinueAndTimeouts(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(3 * time.Second)
			return
		}
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	defer up.Close()
	addr, _ := proxy(t, nil, up.URL)
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: 5 * time.Second}}
	req, _ := http.NewRequest("PUT", "http://"+addr+"/", strings.NewReader("payload"))
	req.Header.Set("Expect", "100-continue")
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "payload" || time.Since(start) > 2*time.Second {
		t.Fatalf("expect 100-continue: %q after %s", b, time.Since(start))
	}
	resp, err = http.Get("http://" + addr + "/slow")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 504 {
		t.Fatalf("an upstream slower than the response header timeout: %d, want 504", resp.StatusCode)
	}
}

func TestSlowHeadIsCut(t *testing.T) {
	srv := &h1.Server{Handler: h1.HandlerFunc(func(x *h1.Exchange) { x.Error(200, "ok") }), ReadHeaderTimeout: 200 * time.Millisecond}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: a\r\n") // never finished
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	start := time.Now()
	_, err = c.Read(make([]byte, 1))
	if err == nil || time.Since(start) > time.Second {
		t.Fatalf("a head that never ends: %v after %s", err, time.Since(start))
	}
}
