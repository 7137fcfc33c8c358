package httpapi_test

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
)

// TestNepxionQueriesAreBounded: a viewer's query body cannot make the
// registry be scanned once per entry of a long list, nor copy a long
// separator into every answer.
func TestNepxionQueriesAreBounded(t *testing.T) {
	env := apitest.Start(t)
	for port := 1; port <= 2000; port++ {
		if _, err := env.Registry.Register(t.Context(), &switchyard.Instance{Service: "svc", Group: "g", Host: "127.0.0.1", Port: port,
			Metadata: map[string]string{"k": strings.Repeat("v", 500)}}); err != nil {
			t.Fatal(err)
		}
	}
	viewer := newToken(t, env, "vera", switchyard.RoleViewer)
	base := env.URL + httpapi.NepxionPrefix
	list := func(n int, v string) string {
		b, _ := json.Marshal(strings.Split(strings.Repeat(v+"\x00", n-1)+v, "\x00"))
		return string(b)
	}
	refused := []struct{ path, body string }{
		{"/service/metadata-map/k", list(1001, "svc")},
		{"/service/instance-map", list(1001, "g")},
		{"/service/service-list", list(1001, "service")},
		{"/service/gateway-list", list(1001, "x")},
		{"/service/metadata-map", `{"metadataKeys":["k"],"serviceIds":` + list(1001, "svc") + `}`},
		{"/service/metadata-map", `{"metadataKeys":` + list(65, "k") + `,"serviceIds":["svc"]}`},
		{"/service/metadata-map", `{"metadataKeys":["k","port"],"serviceIds":["svc"],"separate":"` + strings.Repeat("-", 33) + `"}`},
	}
	for _, r := range refused {
		code, body := rawDo(t, "POST", base+r.path, viewer, r.body)
		if code != 500 || !strings.Contains(body, "at most") {
			t.Errorf("POST %s (%d bytes): %d %.200s; want a refusal naming the limit", r.path, len(r.body), code, body)
		}
	}
	// The largest accepted query: 1,000 spellings of one service with 2,000
	// instances costs one pass over them.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = strings.ToUpper("svc"[:i%3+1]) + "svc"[i%3+1:]
	}
	ids = append(ids[:999], "SVC")
	b, _ := json.Marshal(map[string]any{"metadataKeys": []string{"k", "port"}, "serviceIds": ids})
	code, body := rawDo(t, "POST", base+"/service/metadata-map", viewer, string(b))
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if code != 200 || !strings.Contains(body, `"SVC":[`) {
		t.Fatalf("largest accepted query: %d %.200s", code, body)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; elapsed > 2*time.Second || alloc > 512<<20 {
		t.Fatalf("largest accepted query took %s and %d MB", elapsed, alloc>>20)
	}
	t.Logf("largest accepted metadata-map query: %s, %d MB allocated, %d bytes answered", elapsed, (after.TotalAlloc-before.TotalAlloc)>>20, len(body))
}
