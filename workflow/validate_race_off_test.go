//go:build !race

package workflow

// validateRaceFactor scales the time budget of TestValidateBudget (1
// without the race detector).
const validateRaceFactor = 1
