package process_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/process"
)

// BenchmarkEnsureStart: Ensure of N instances from none, until each
// accepts connections (one op = N processes).
func BenchmarkEnsureStart(b *testing.B) {
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			d := benchDeployer(b, b.TempDir())
			for b.Loop() {
				mustEnsure(b, d, n)
				b.StopTimer()
				mustEnsure(b, d, 0)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkEnsureNoop: Ensure of what runs (a step re-entered).
func BenchmarkEnsureNoop(b *testing.B) {
	d := benchDeployer(b, b.TempDir())
	mustEnsure(b, d, 16)
	for b.Loop() {
		if st := mustEnsure(b, d, 16); len(st.Started) != 0 {
			b.Fatal("started")
		}
	}
}

// BenchmarkAdopt: a restarted control plane's New and first Status over
// 16 running instances.
func BenchmarkAdopt(b *testing.B) {
	dir := b.TempDir()
	d := benchDeployer(b, dir)
	mustEnsure(b, d, 16)
	_ = d.Close()
	for b.Loop() {
		d2, err := process.New(dir, catalog(), process.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if in, err := d2.Status(context.Background(), "svc", "1.0"); err != nil || len(in) != 16 {
			b.Fatalf("adopted %d, %v", len(in), err)
		}
		b.StopTimer()
		_ = d2.Close()
		b.StartTimer()
	}
	d3 := benchDeployer(b, dir)
	_ = d3.StopAll(context.Background())
}

// BenchmarkStop: Ensure 0 of 16 instances (SIGTERM, exit, reaped).
func BenchmarkStop(b *testing.B) {
	d := benchDeployer(b, b.TempDir())
	for b.Loop() {
		b.StopTimer()
		mustEnsure(b, d, 16)
		b.StartTimer()
		mustEnsure(b, d, 0)
	}
}

func benchDeployer(b *testing.B, dir string) *process.Deployer {
	d, err := process.New(dir, catalog(), process.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = d.StopAll(context.Background())
		_ = d.Close()
	})
	return d
}

func mustEnsure(b *testing.B, d *process.Deployer, n int) *switchyard.DeployStatus {
	st, err := d.Ensure(context.Background(), switchyard.DeploySpec{Service: "svc", Version: "1.0", Instances: n})
	if err != nil {
		b.Fatal(err)
	}
	return st
}
