// Package fanout measures how fast a rule published on the control plane
// reaches a fleet of data-plane processes, and what that fan-out costs the
// control plane. It holds only a benchmark, BenchmarkPublishApplied, which
// joins make bench; make test skips its helper process.
//
// The control plane (the HTTP API, the built-in config center, SQLite) runs
// in the benchmark's process, so the allocations, CPU time and goroutines
// it reports are the server's. The watchers run in a second process, the
// test binary started again as TestFleetProcess: gateways and SDK instances,
// each with its own controlplane.Client and dataplane.Rules, long-polling
// the API over loopback as they do in production.
package fanout
