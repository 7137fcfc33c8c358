package switchyard_test

import (
	"net"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

func TestCheckHost(t *testing.T) {
	ok := []string{"127.0.0.1", "10.0.0.5", "localhost", "svc-1.internal_zone.example", "a", "xn--bcher-kva.example", strings.Repeat("a", 63) + ".example"}
	bad := []string{"", "127.0.0.1:28999/secret#", "127.0.0.1:80", "x@127.0.0.1", "a/b", "a#b", "a?b", "a b", "a\nb", "[::1]", "::1",
		"0.0.0.0", "169.254.169.254", "224.0.0.1", "255.255.255.255", "2130706433", "0x7f.0.0.1", "127.1", "01.2.3.4", "1.2.3.4.5",
		"-a.example", "a-.example", "a..example", "a.example.", ".example", strings.Repeat("a", 64) + ".example", strings.Repeat("a.", 127) + "ab",
		"ünïcode.example", "%31%32%37.0.0.1"}
	for _, h := range ok {
		if err := switchyard.CheckHost(h); err != nil {
			t.Errorf("CheckHost(%q) = %v, want ok", h, err)
		}
	}
	for _, h := range bad {
		err := switchyard.CheckHost(h)
		if e := switchyard.AsError(err); e == nil || e.Field != "host" || e.Code != switchyard.CodeInvalid {
			t.Errorf("CheckHost(%q) = %v, want invalid host", h, err)
		}
	}
}

func TestAdminURL(t *testing.T) {
	tests := []struct {
		name string
		md   map[string]string
		want string
	}{
		{"default", nil, "http://10.0.0.5:8080/config/view"},
		{"context path", map[string]string{switchyard.MetaContextPath: "/app"}, "http://10.0.0.5:8080/app/config/view"},
		{"context path with slashes", map[string]string{switchyard.MetaContextPath: "/a/b/"}, "http://10.0.0.5:8080/a/b/config/view"},
		{"https", map[string]string{switchyard.MetaProtocol: "HTTPS"}, "https://10.0.0.5:8080/config/view"},
		{"admin listener serves at its root", map[string]string{switchyard.MetaAdminPort: "9000", switchyard.MetaContextPath: "/app"}, "http://10.0.0.5:9000/config/view"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &switchyard.Instance{Service: "svc", Type: "service", Host: "10.0.0.5", Port: 8080, Metadata: tt.md}
			u, err := in.AdminURL("config/view")
			if err != nil || u.String() != tt.want {
				t.Fatalf("AdminURL = %v, %v; want %s", u, err, tt.want)
			}
		})
	}
	for _, in := range []*switchyard.Instance{
		{Host: "127.0.0.1:28999/secret#", Port: 1},
		{Host: "127.0.0.1", Port: 0},
		{Host: "127.0.0.1", Port: 1, Metadata: map[string]string{switchyard.MetaContextPath: "/secret#"}},
		{Host: "127.0.0.1", Port: 1, Metadata: map[string]string{switchyard.MetaProtocol: "file"}},
		{Host: "127.0.0.1", Port: 1, Metadata: map[string]string{switchyard.MetaAdminPort: "1/x"}},
	} {
		if u, err := in.AdminURL("config/view"); err == nil {
			t.Errorf("AdminURL(%+v) = %s, want a refusal", in, u)
		}
	}
}

// FuzzAdminURL: whatever an agent registers, an instance Validate accepts
// gives an admin URL whose host and port are exactly the registered ones,
// with no user info, query or fragment, and a path under the context path.
func FuzzAdminURL(f *testing.F) {
	f.Add("127.0.0.1", 8080, "/app", "http", "")
	f.Add("127.0.0.1:28999/secret#", 1, "", "", "")
	f.Add("h", 1, "/secret#", "https", "9000")
	f.Add("x@y", 1, "//evil.example/x", "gopher", "80/x")
	f.Add("a.b", 65535, "/../x", "HTTP", "0")
	f.Fuzz(func(t *testing.T, host string, port int, ctxPath, protocol, adminPort string) {
		if len(host)+len(ctxPath)+len(protocol)+len(adminPort) > 4096 {
			return
		}
		md := map[string]string{}
		for k, v := range map[string]string{switchyard.MetaContextPath: ctxPath, switchyard.MetaProtocol: protocol, switchyard.MetaAdminPort: adminPort} {
			if v != "" {
				md[k] = v
			}
		}
		in := &switchyard.Instance{Service: "svc", Host: host, Port: port, Metadata: md}
		in.Normalize()
		valid := in.Validate() == nil
		u, err := in.AdminURL("config/view")
		if valid != (err == nil) {
			t.Fatalf("Validate ok=%v but AdminURL err=%v", valid, err)
		}
		if err != nil {
			return
		}
		wantPort := strconv.Itoa(in.Port)
		if adminPort != "" {
			wantPort = adminPort
		}
		if u.Hostname() != in.Host || u.Port() != wantPort || u.User != nil || u.RawQuery != "" || u.Fragment != "" ||
			(u.Scheme != "http" && u.Scheme != "https") || !strings.HasSuffix(u.Path, "/config/view") {
			t.Fatalf("AdminURL(%+v) = %s", in, u)
		}
		// What the client will dial is what was registered.
		if h, p, err := net.SplitHostPort(u.Host); err != nil || h != in.Host || p != wantPort {
			t.Fatalf("URL host %q", u.Host)
		}
	})
}

// TestValidateIsCheapOnHugeInput: a registration's checks refuse oversized
// input within 100 ms and 64 MB, whatever its shape.
func TestValidateIsCheapOnHugeInput(t *testing.T) {
	huge := strings.Repeat("a", 8<<20)
	many := make(map[string]string, 200000)
	for i := range 200000 {
		many[strconv.Itoa(i)] = "v"
	}
	for name, in := range map[string]*switchyard.Instance{
		"host":     {Service: "s", Host: huge, Port: 1},
		"id":       {ID: huge, Service: "s", Host: "h", Port: 1},
		"service":  {Service: huge, Host: "h", Port: 1},
		"version":  {Service: "s", Version: strings.Repeat("é", 4<<20), Host: "h", Port: 1},
		"metadata": {Service: "s", Host: "h", Port: 1, Metadata: many},
		"value":    {Service: "s", Host: "h", Port: 1, Metadata: map[string]string{"k": huge}},
		"key":      {Service: "s", Host: "h", Port: 1, Metadata: map[string]string{huge: "v"}},
		"context":  {Service: "s", Host: "h", Port: 1, Metadata: map[string]string{switchyard.MetaContextPath: "/" + strings.Repeat("a/", 1<<20)}},
	} {
		t.Run(name, func(t *testing.T) {
			in.Normalize()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := in.Validate()
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("accepted")
			}
			// Validate is pure: the fastest of three runs is its cost.
			for try := 1; try < 3 && elapsed > 100*time.Millisecond; try++ {
				start = time.Now()
				_ = in.Validate()
				elapsed = min(elapsed, time.Since(start))
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; elapsed > 100*time.Millisecond || alloc > 64<<20 {
				t.Fatalf("refusal took %s and %d bytes", elapsed, alloc)
			}
			if len(err.Error()) > 512 {
				t.Fatalf("the message repeats the input: %d bytes", len(err.Error()))
			}
		})
	}
}
