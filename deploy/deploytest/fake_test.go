package deploytest_test

import (
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/deploytest"
)

func TestFake(t *testing.T) {
	deploytest.Run(t, deploytest.Harness{
		New:      func(*testing.T) switchyard.Deployer { return deploytest.NewFake("service-a") },
		Service:  "service-a",
		Versions: [2]string{"1.0", "1.1"},
		Group:    "group",
	})
}

// TestFakeCounts: the counts a step's test asserts.
func TestFakeCounts(t *testing.T) {
	f := deploytest.NewFake("a")
	spec := switchyard.DeploySpec{Service: "a", Version: "1.1", Instances: 2, Key: "EXE-1/deploy/1"}
	for range 3 {
		if _, err := f.Ensure(t.Context(), spec); err != nil {
			t.Fatal(err)
		}
	}
	if f.Starts() != 2 || f.Stops() != 0 || len(f.Calls()) != 3 {
		t.Fatalf("starts %d, stops %d, calls %d; want 2, 0, 3", f.Starts(), f.Stops(), len(f.Calls()))
	}
	f.FailNext(switchyard.Errorf(switchyard.CodeUnavailable, "down"))
	spec.Instances = 0
	if _, err := f.Ensure(t.Context(), spec); !switchyard.IsCode(err, switchyard.CodeUnavailable) {
		t.Fatalf("FailNext: %v", err)
	}
	if in, _ := f.Status(t.Context(), "a", "1.1"); len(in) != 2 {
		t.Fatalf("a failed Ensure changed what runs: %d", len(in))
	}
}
