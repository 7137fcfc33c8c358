//go:build !unix

package fanout

import "time"

func raiseFileLimit(uint64) error { return nil }

func cpuTime() time.Duration { return 0 }
