package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestReadBody: the raw routes' reader (readText) answers the body, or a
// located error for one too large.
func TestReadBody(t *testing.T) {
	var got []byte
	var gotErr error
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, gotErr = readBody(limitBodyRead(w, r))
	}))
	defer ts.Close()
	for _, tt := range []struct {
		body, reason string
	}{
		{"<rule/>", ""},
		{strings.Repeat("x", maxBody+1), "body.too_large"},
	} {
		resp, err := http.Post(ts.URL, "text/plain", strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		reason := ""
		if e := switchyard.AsError(gotErr); e != nil {
			reason = e.Reason
		}
		if reason != tt.reason || (tt.reason == "" && string(got) != tt.body) {
			t.Errorf("readBody of %d bytes: %q, %v; want reason %q", len(tt.body), got, gotErr, tt.reason)
		}
	}
}
