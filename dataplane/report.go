package dataplane

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Report sends the instance's inbound traffic, CPU and memory to collector
// every interval until ctx ends. self names the instance; its ID is read at
// each report (it is known once registration succeeded).
func Report(ctx context.Context, collector switchyard.MetricsCollector, m *Metrics, self func() switchyard.Instance, interval time.Duration, logger *slog.Logger) {
	cpu := newCPUSampler()
	last := time.Now()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			w := m.takeWindow()
			in := self()
			r := &switchyard.MetricsReport{Instance: in.ID, Service: in.Service, Group: in.Group, Version: in.Version, Address: in.Address(),
				Time: now, Seconds: now.Sub(last).Seconds(), Requests: w.requests, Errors: w.errors, LatencyMs: w.latencyMs, Buckets: w.buckets,
				CPUPercent: cpu.percent(now), MemoryBytes: residentBytes()}
			last = now
			if err := collector.Report(ctx, r); err != nil && ctx.Err() == nil {
				logger.DebugContext(ctx, "report metrics", "err", err)
			}
		}
	}
}

// cpuSampler turns the process's CPU time into a percentage of one core.
type cpuSampler struct {
	lastCPU  time.Duration
	lastWall time.Time
}

func newCPUSampler() *cpuSampler { return &cpuSampler{lastCPU: processCPU(), lastWall: time.Now()} }

func (c *cpuSampler) percent(now time.Time) float64 {
	cpu := processCPU()
	wall := now.Sub(c.lastWall)
	p := 0.0
	if wall > 0 {
		p = 100 * float64(cpu-c.lastCPU) / float64(wall)
	}
	c.lastCPU, c.lastWall = cpu, now
	return p
}

// processCPU reads user+system time from /proc/self/stat (Linux); 0 elsewhere.
func processCPU() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// residentBytes reads the resident set size from /proc/self/statm.
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
