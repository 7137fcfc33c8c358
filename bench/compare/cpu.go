package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of the CPU times in /proc/<pid>/stat: fixed at 100 by
// Linux's ABI for every architecture the harness runs on.
const userHZ = 100

// maxStatBytes bounds one /proc/<pid>/stat read (a line of a few hundred
// bytes).
const maxStatBytes = 4096

// procStat is what the harness reads of one /proc/<pid>/stat line.
type procStat struct {
	pgrp      int
	user, sys time.Duration // CPU time of the process's threads
}

// cpu is user + system time.
func (st procStat) cpu() time.Duration { return st.user + st.sys }

// parseStat reads pgrp and utime+stime from a /proc/<pid>/stat line. The
// command name in parentheses may hold spaces and parentheses: the fields
// start after the last ')'.
func parseStat(line string) (procStat, error) {
	if len(line) > maxStatBytes {
		return procStat{}, fmt.Errorf("stat line of %d bytes, more than %d", len(line), maxStatBytes)
	}
	end := strings.LastIndexByte(line, ')')
	if end < 0 {
		return procStat{}, errors.New("stat line without the command's ')'")
	}
	// After ')': state(3) ppid(4) pgrp(5) … utime(14) stime(15), counted as
	// proc(5) counts them from pid(1).
	f := strings.Fields(line[end+1:])
	const first = 3
	if len(f) < 15-first+1 {
		return procStat{}, fmt.Errorf("stat line with %d fields after the command, fewer than %d", len(f), 15-first+1)
	}
	pgrp, err1 := strconv.Atoi(f[5-first])
	utime, err2 := strconv.ParseInt(f[14-first], 10, 64)
	stime, err3 := strconv.ParseInt(f[15-first], 10, 64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return procStat{}, fmt.Errorf("stat line: %w", err)
	}
	return procStat{pgrp: pgrp, user: time.Duration(utime) * time.Second / userHZ, sys: time.Duration(stime) * time.Second / userHZ}, nil
}

// groupCPU is the CPU time the living processes of process group pgrp have
// used (every process the harness starts leads a group of its own, so
// nginx's workers count with their master), as user and system time. A
// process that ends between the directory listing and its read is skipped.
func groupCPU(pgrp int) (procStat, error) {
	total := procStat{pgrp: pgrp}
	dirs, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return total, err
	}
	found := false
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "stat"))
		if err != nil {
			continue
		}
		st, err := parseStat(string(b))
		if err != nil || st.pgrp != pgrp {
			continue
		}
		total.user += st.user
		total.sys += st.sys
		found = true
	}
	if !found {
		return total, fmt.Errorf("no process in group %d", pgrp)
	}
	return total, nil
}

// cpuMeter measures the CPU a proxy's process group uses during one load.
type cpuMeter struct {
	pgrp  int
	start procStat
	ok    bool
}

// startCPU begins a measurement of p's group; a proc that is nil or not
// readable measures nothing (the report then shows no CPU).
func startCPU(p *proc) cpuMeter {
	if p == nil || p.cmd.Process == nil {
		return cpuMeter{}
	}
	pgrp := p.cmd.Process.Pid
	t, err := groupCPU(pgrp)
	return cpuMeter{pgrp: pgrp, start: t, ok: err == nil}
}

// cpuUse is the CPU a load cost its proxy; zero when unknown.
type cpuUse struct{ user, sys time.Duration }

func (u cpuUse) total() time.Duration { return u.user + u.sys }

// stop is the CPU used since startCPU; zero when it could not be measured.
func (m cpuMeter) stop() cpuUse {
	if !m.ok {
		return cpuUse{}
	}
	t, err := groupCPU(m.pgrp)
	if err != nil || t.user < m.start.user || t.sys < m.start.sys {
		return cpuUse{}
	}
	return cpuUse{user: t.user - m.start.user, sys: t.sys - m.start.sys}
}

// perRequest is u spread over a load's completed requests; zero when either
// is unknown.
func (u cpuUse) perRequest(r wrkResult) cpuUse {
	if u.total() <= 0 || r.Requests <= 0 {
		return cpuUse{}
	}
	n := time.Duration(r.Requests)
	return cpuUse{user: u.user / n, sys: u.sys / n}
}

// cpuPerRequest is the total CPU per request of u over r.
func cpuPerRequest(u cpuUse, r wrkResult) time.Duration { return u.perRequest(r).total() }
