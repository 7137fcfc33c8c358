//go:build race

package workflow

// validateRaceFactor scales the time budget of TestValidateBudget: the race
// detector slows decoding and validation about tenfold (measured: 1 MB of
// configs in 14 ms, 115 ms under -race).
const validateRaceFactor = 10
