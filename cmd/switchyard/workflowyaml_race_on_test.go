//go:build race

package main

// fileRaceFactor scales the time budget of decoding a workflow file: the
// race detector slows the YAML parser about tenfold.
const fileRaceFactor = 10
