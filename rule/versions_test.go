package rule

import (
	"slices"
	"testing"
	"time"
)

func at(hour int) time.Time { return time.Date(2024, 1, 1, hour, 0, 0, 0, time.UTC) }

// multiInstances is the fixture of derived/README.md's multi-version case,
// listed in a scrambled order on purpose.
func multiInstances() []Instance {
	return []Instance{
		{Service: "svc-c", Version: "2.0", Host: "10.0.0.4", Port: 80},
		{Service: "svc-c", Version: "1.2", Host: "10.0.0.3", Port: 80},
		{Service: "svc-c", Version: "1.10", Host: "10.0.0.2", Port: 80},
		{Service: "svc-c", Version: "1.0", Host: "10.0.0.1", Port: 80},
		{Service: "svc-d", Version: "1.0", Host: "10.0.1.1", Port: 80},
		{Service: "svc-d", Host: "10.0.1.2", Port: 80},
		{Service: "svc-e", Version: "2.0", Host: "10.0.2.1", Port: 80},
		{Service: "svc-f", Version: "2.0", Host: "10.0.3.2", Port: 80, StartTime: at(10)},
		{Service: "svc-f", Version: "1.5", Host: "10.0.3.1", Port: 80, StartTime: at(11)},
	}
}

func TestVersionList(t *testing.T) {
	got, err := VersionList(multiInstances(), "svc-c", SortByVersion)
	if err != nil || !slices.Equal(got, []string{"1.0", "1.10", "1.2", "2.0"}) {
		t.Errorf("svc-c = %v, %v", got, err)
	}
	got, _ = VersionList(multiInstances(), "svc-d", SortByVersion)
	if !slices.Equal(got, []string{"default", "1.0"}) {
		t.Errorf("svc-d = %v", got)
	}
	got, _ = VersionList(multiInstances(), "svc-f", SortByTime)
	if !slices.Equal(got, []string{"2.0", "1.5"}) {
		t.Errorf("svc-f = %v", got)
	}
	if _, err := VersionList(multiInstances(), "svc-c", SortByTime); err == nil {
		t.Error("sort by time without start times must fail")
	}
}
