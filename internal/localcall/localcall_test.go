package localcall_test

import (
	"net/http/httptest"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/internal/localcall"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		host     string
		headers  map[string]string
		names    []string
		ok       bool
		loopback bool // CheckLoopback's answer
	}{
		{"curl by IP", "127.0.0.1:6001", nil, nil, true, true},
		{"curl by localhost", "localhost:6001", nil, nil, true, true},
		{"IPv6 loopback", "[::1]:6001", nil, nil, true, true},
		{"no Host (HTTP/1.0)", "", nil, nil, true, true},
		{"typed in the address bar", "127.0.0.1:6001", map[string]string{"Sec-Fetch-Site": "none"}, nil, true, true},
		{"a foreign Origin", "127.0.0.1:6001", map[string]string{"Origin": "http://evil.example"}, nil, false, false},
		{"a null Origin (sandboxed page)", "127.0.0.1:6001", map[string]string{"Origin": "null"}, nil, false, false},
		{"a local page of another port", "127.0.0.1:6001", map[string]string{"Origin": "http://127.0.0.1:8000"}, nil, false, false},
		{"cross-site fetch metadata", "127.0.0.1:6001", map[string]string{"Sec-Fetch-Site": "cross-site"}, nil, false, false},
		{"same-site fetch metadata", "127.0.0.1:6001", map[string]string{"Sec-Fetch-Site": "same-site"}, nil, false, false},
		{"DNS rebinding", "evil.example:6001", nil, nil, false, false},
		{"a configured name", "gw-1.internal:9000", nil, []string{"gw-1.internal"}, true, false},
		{"another IP of this machine", "10.0.0.5:9000", nil, nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/config/update-async", nil)
			r.Host = tt.host
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			err := localcall.Check(r, tt.names...)
			if (err == nil) != tt.ok {
				t.Fatalf("Check = %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeForbidden || e.Reason != "request.cross_site" {
					t.Fatalf("Check = %#v, want forbidden request.cross_site", err)
				}
			}
			if err := localcall.CheckLoopback(r); (err == nil) != tt.loopback {
				t.Fatalf("CheckLoopback = %v, want ok=%v", err, tt.loopback)
			}
		})
	}
}
