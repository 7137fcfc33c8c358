//go:build !race

package budgettest

// raceFactor is 1 without the race detector: the plain budget.
const raceFactor = 1
