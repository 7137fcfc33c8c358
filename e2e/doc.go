// Package e2e holds the multi-process tests: they build the switchyard
// binary once and run it as real processes on loopback ports (control plane,
// gateway, demo services), the way a user runs it.
package e2e
