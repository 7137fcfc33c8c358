//go:build linux

package rule

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time of the calling thread. A benchmark pinned
// to its thread (runtime.LockOSThread) reports with it what it costs when
// other processes share the cores, which wall time does not.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
