package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tail := " S 1 4242 4242 0 -1 4194560 100 0 0 0 250 37 0 0 20 0 9 0 100 1000 10 18446744073709551615"
	for _, tc := range []struct {
		name, line string
		pgrp       int
		user, sys  time.Duration
		err        string
	}{
		{name: "plain", line: "4242 (nginx)" + tail, pgrp: 4242, user: 2500 * time.Millisecond, sys: 370 * time.Millisecond},
		{name: "spaces and parentheses in the command", line: "4243 (nginx: worker (x) )" + tail, pgrp: 4242, user: 2500 * time.Millisecond, sys: 370 * time.Millisecond},
		{name: "no command", line: "4242 nginx S 1 2", err: "')'"},
		{name: "too few fields", line: "4242 (nginx) S 1 4242", err: "fewer than"},
		{name: "not a number", line: "4242 (nginx) S 1 x" + strings.Repeat(" 0", 12), err: "stat line"},
		{name: "too long", line: strings.Repeat("9", maxStatBytes+1), err: "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := parseStat(tc.line)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("parseStat = %+v, %v; want an error with %q", st, err, tc.err)
				}
				return
			}
			if err != nil || st.pgrp != tc.pgrp || st.user != tc.user || st.sys != tc.sys {
				t.Fatalf("parseStat = %+v, %v; want pgrp %d, user %s, system %s", st, err, tc.pgrp, tc.user, tc.sys)
			}
		})
	}
}

// TestGroupCPU reads this test's own process group and sees it grow while
// the test spins.
func TestGroupCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	pgrp := syscall.Getpgrp()
	before, err := groupCPU(pgrp)
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(60 * time.Millisecond); time.Now().Before(end); {
	}
	after, err := groupCPU(pgrp)
	if err != nil {
		t.Fatal(err)
	}
	if grew := after.cpu() - before.cpu(); grew < 20*time.Millisecond {
		t.Fatalf("group CPU grew by %s over 60 ms of spinning; want at least 20 ms", grew)
	}
	use := cpuUse{user: 3 * time.Second, sys: time.Second}
	if per := use.perRequest(wrkResult{Requests: 1000}); per.user != 3*time.Millisecond || per.sys != time.Millisecond || cpuPerRequest(use, wrkResult{Requests: 1000}) != 4*time.Millisecond {
		t.Fatalf("4 s over 1000 requests: %+v", per)
	}
	if per := use.perRequest(wrkResult{}); per.total() != 0 {
		t.Fatalf("no requests: %+v, want nothing", per)
	}
	if _, err := groupCPU(-7); err == nil {
		t.Fatal("group -7: no error")
	}
}
