//go:build !race

package main

// fileRaceFactor scales the time budget of decoding a workflow file (1
// without the race detector).
const fileRaceFactor = 1
