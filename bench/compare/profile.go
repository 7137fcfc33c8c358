package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// profileRound runs one extra gateway round of v (not counted in the
// ratios) while the gateway's --pprof endpoint records a CPU profile and
// the allocations of that window, then takes a heap profile; the files go
// to s.o.Profile. It returns the lines for the report.
func (s *stack) profileRound(ctx context.Context, v variant, dur time.Duration) ([]string, error) {
	if s.pprof == "" {
		return []string{"profiling skipped: it needs `switchyard gateway --pprof ADDR`, which this binary does not have"}, nil
	}
	if err := os.MkdirAll(s.o.Profile, 0o755); err != nil {
		return nil, fmt.Errorf("profile dir: %w", err)
	}
	script, err := v.wrkScript(s.dir)
	if err != nil {
		return nil, err
	}
	secs := int(dur/time.Second) - 1
	if secs < 1 {
		secs = 1
	}
	base := "http://" + s.pprof + "/debug/pprof/"
	files := []struct{ name, url string }{
		{"gateway-cpu.pprof", fmt.Sprintf("%sprofile?seconds=%d", base, secs)},
		{"gateway-allocs.pprof", fmt.Sprintf("%sallocs?seconds=%d", base, secs)},
	}
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for i, f := range files {
		wg.Go(func() { errs[i] = s.download(ctx, f.url, filepath.Join(s.o.Profile, f.name)) })
	}
	r, out, werr := runWrk(ctx, s.o.Wrk, wrkRun{url: s.url("gateway", v), script: script, connections: s.o.Connections, threads: s.o.Threads, duration: dur})
	wg.Wait()
	if err := os.WriteFile(filepath.Join(s.o.Profile, "wrk-gateway.txt"), []byte(out), 0o644); err != nil {
		return nil, err
	}
	heapErr := s.download(ctx, base+"heap", filepath.Join(s.o.Profile, "gateway-heap.pprof"))
	for _, err := range append(errs, heapErr) {
		if err != nil {
			return nil, fmt.Errorf("profile the gateway: %w", err)
		}
	}
	lines := []string{fmt.Sprintf("profiled gateway round (%s, not in the ratios): %s", dur, brief(r, cpuUse{}, werr)),
		fmt.Sprintf("profiles in %s: gateway-cpu.pprof (%ds), gateway-allocs.pprof (allocations of the same %ds), gateway-heap.pprof; e.g. go tool pprof -top %s",
			s.o.Profile, secs, secs, filepath.Join(s.o.Profile, "gateway-cpu.pprof"))}
	return lines, werr
}

// download saves what url answers in path.
func (s *stack) download(ctx context.Context, url, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	c := &http.Client{Timeout: 2 * time.Minute}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("GET %s: %s %s", url, resp.Status, b)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
