//go:build race

package rule

// raceFactor scales time bounds of tests that measure speed: the race
// detector slows code about tenfold.
const raceFactor = 10

// raceEnabled reports whether the race detector is on (it allocates).
const raceEnabled = true
