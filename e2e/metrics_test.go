package e2e

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
)

// TestMetricsPerVersion: every data-plane process serves Prometheus metrics,
// and the built-in metrics provider shows each version's traffic share,
// success rate and latency — errors and latency injected into the new
// version show up there.
func TestMetricsPerVersion(t *testing.T) {
	c := startCluster(t, 35000)
	a2 := "http://" + c.services["A2"].Listen
	put := func(url, body string) {
		req, _ := http.NewRequest("PUT", url, strings.NewReader(body))
		resp, err := c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("PUT %s: %d %s", url, resp.StatusCode, b)
		}
	}
	put(a2+"/demo/fault", `{"errorRate":0.5,"latencyMs":40}`)

	// 400 requests: round robin sends half to A2 (1.1), where half fail.
	fails := 0
	for i := 0; i < 400; i++ {
		resp, err := c.http.Get(c.gateway + "/" + svcA + "/invoke/gateway")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			fails++
		}
	}
	if fails < 60 || fails > 140 {
		t.Fatalf("%d of 400 failed; the injected 50%% on half the traffic should give about 100", fails)
	}

	for _, base := range []string{c.gateway, a2, "http://" + c.services["B1"].Listen} {
		resp, err := c.http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"switchyard_inbound_requests_total{", "switchyard_inbound_request_duration_seconds_bucket{", "go_goroutines"} {
			if !bytes.Contains(b, []byte(want)) {
				t.Errorf("%s/metrics lacks %s", base, want)
			}
		}
		if base == c.gateway && !bytes.Contains(b, []byte(`switchyard_outbound_requests_total{code="5xx",service="`+gwID+`",upstream="`+svcA+`",upstream_version="1.1"}`)) {
			t.Errorf("the gateway does not count the 1.1 errors per version:\n%s", grep(b, "outbound_requests"))
		}
	}

	// The built-in provider, fed by reports every 5 s.
	var m switchyard.ServiceMetrics
	deadline := time.Now().Add(20 * time.Second)
	for {
		if err := c.admin.Do(ctx(t), "GET", "/api/metrics/services/"+svcA+"?window=5m", nil, &m); err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, v := range m.Versions {
			total += v.Requests
		}
		if total >= 400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reports did not arrive: %+v", m)
		}
		time.Sleep(500 * time.Millisecond)
	}
	byVersion := map[string]switchyard.VersionMetrics{}
	for _, v := range m.Versions {
		byVersion[v.Version] = v
	}
	green, blue := byVersion["1.0"], byVersion["1.1"]
	t.Logf("1.0: traffic %.1f%% success %.1f%% avg %.1f ms p99 %.0f ms cpu %.1f%% mem %d MiB; 1.1: traffic %.1f%% success %.1f%% avg %.1f ms p99 %.0f ms",
		green.Traffic, green.SuccessRate, green.AvgLatencyMs, green.P99LatencyMs, green.CPUPercent, green.MemoryBytes>>20, blue.Traffic, blue.SuccessRate, blue.AvgLatencyMs, blue.P99LatencyMs)
	if green.Traffic < 45 || green.Traffic > 55 || green.SuccessRate != 100 || green.AvgLatencyMs > 30 {
		t.Errorf("green (1.0) = %+v", green)
	}
	if blue.SuccessRate < 35 || blue.SuccessRate > 65 || blue.AvgLatencyMs < 35 || blue.P99LatencyMs < 40 {
		t.Errorf("blue (1.1) = %+v; want about 50%% success and ≥ 40 ms", blue)
	}
	if len(green.Instances) != 1 || green.Instances[0].MemoryBytes <= 0 {
		t.Errorf("per-instance CPU and memory: %+v", green.Instances)
	}
}

func grep(b []byte, s string) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
