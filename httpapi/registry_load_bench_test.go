package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHeartbeatLoad is BenchmarkRegistryHeartbeats' load generator, run by
// it in a child process; on its own it skips. It sends cfg.Rate heartbeats
// a second, round robin over the instances, over cfg.Conns keep-alive
// connections for cfg.Duration, and prints when it starts and what it saw.
func TestHeartbeatLoad(t *testing.T) {
	raw := os.Getenv(heartbeatLoad)
	if raw == "" {
		t.Skip("the load generator of BenchmarkRegistryHeartbeats, which sets " + heartbeatLoad)
	}
	var cfg loadConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(cfg.IDs)
	if err != nil {
		t.Fatal(err)
	}
	ids := strings.Split(string(b), "\n")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns}}
	type beat struct {
		id  string
		due time.Time
	}
	beats := make(chan beat, cfg.Rate)
	lat := make([][]time.Duration, cfg.Conns)
	failed := make([]int, cfg.Conns)
	var wg sync.WaitGroup
	for w := range cfg.Conns {
		wg.Go(func() {
			for bt := range beats {
				req, _ := http.NewRequest("PUT", cfg.URL+"/api/registry/instances/"+bt.id+"/heartbeat", nil)
				req.Header.Set("Authorization", "Bearer "+cfg.Token)
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusNoContent {
					failed[w]++
				}
				lat[w] = append(lat[w], time.Since(bt.due))
			}
		})
	}
	fmt.Println(loadLine + "start")
	start, total := time.Now(), int(float64(cfg.Rate)*cfg.Duration.Seconds())
	for k := range total {
		due := start.Add(time.Duration(k) * time.Second / time.Duration(cfg.Rate))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		beats <- beat{ids[k%len(ids)], due}
	}
	close(beats)
	wg.Wait()
	var all []time.Duration
	res := loadResult{}
	for w := range lat {
		all = append(all, lat[w]...)
		res.Failed += failed[w]
	}
	res.Beats = len(all)
	res.P50, res.P99, res.Max = quantile(all, 0.50), quantile(all, 0.99), quantile(all, 1)
	out, _ := json.Marshal(res)
	fmt.Println(loadLine + string(out))
}
