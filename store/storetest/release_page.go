package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// testReleasePaging: the release table's filters (groups, types, states,
// search) and its pages, which put together are the whole ordered list,
// with a count that ignores paging. LIKE wildcards in a search are text.
func testReleasePaging(t *testing.T, s switchyard.Store) {
	types := []switchyard.ReleaseType{switchyard.BlueGreen, switchyard.Gray, switchyard.Mixed}
	for i := range 12 {
		r := newRelease(fmt.Sprintf("rel-%02d", i), fmt.Sprintf("app-%02d", i))
		r.Group = []string{"g-a", "g-b"}[i%2]
		r.Type = types[i%3]
		if i == 7 {
			r.Name, r.Description = "rel_07", "50% of the Orders"
		}
		if err := s.CreateRelease(ctx(t), r); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 {
			r.State = switchyard.StateReleased
			if err := s.UpdateRelease(ctx(t), r, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	names := func(f switchyard.ReleaseFilter) []string {
		t.Helper()
		list, err := s.FindReleases(ctx(t), f)
		if err != nil {
			t.Fatalf("FindReleases(%+v): %v", f, err)
		}
		out := []string{}
		for _, r := range list {
			out = append(out, r.Name)
		}
		return out
	}
	all := names(switchyard.ReleaseFilter{})
	if len(all) != 12 {
		t.Fatalf("all = %v", all)
	}
	var paged []string
	for off := 0; off < 14; off += 5 {
		paged = append(paged, names(switchyard.ReleaseFilter{Offset: off, Limit: 5})...)
	}
	if !slices.Equal(paged, all) {
		t.Fatalf("pages of 5 = %v, want %v", paged, all)
	}
	if rest := names(switchyard.ReleaseFilter{Offset: 10}); !slices.Equal(rest, all[10:]) {
		t.Fatalf("offset 10 without a limit = %v, want %v", rest, all[10:])
	}
	tests := []struct {
		name string
		f    switchyard.ReleaseFilter
		want int
	}{
		{"Group", switchyard.ReleaseFilter{Group: "g-a"}, 6},
		{"Groups", switchyard.ReleaseFilter{Groups: []string{"g-a", "g-b"}}, 12},
		{"NoGroups", switchyard.ReleaseFilter{Groups: []string{}}, 0},
		{"Types", switchyard.ReleaseFilter{Types: []switchyard.ReleaseType{switchyard.Gray, switchyard.Mixed}}, 8},
		{"StateNew", switchyard.ReleaseFilter{States: []switchyard.ReleaseState{switchyard.StateNew}}, 9},
		{"StateReleased", switchyard.ReleaseFilter{States: []switchyard.ReleaseState{switchyard.StateReleased}}, 3},
		{"GroupTypeState", switchyard.ReleaseFilter{Group: "g-a", Types: []switchyard.ReleaseType{switchyard.BlueGreen}, States: []switchyard.ReleaseState{switchyard.StateReleased}}, 1},
		{"SearchName", switchyard.ReleaseFilter{Search: "REL-1"}, 2},
		{"SearchApp", switchyard.ReleaseFilter{Search: "app-03"}, 1},
		{"SearchDescription", switchyard.ReleaseFilter{Search: "orders"}, 1},
		{"PercentIsText", switchyard.ReleaseFilter{Search: "0%"}, 1},
		{"UnderscoreIsText", switchyard.ReleaseFilter{Search: "l_0"}, 1},
		{"SearchNothing", switchyard.ReleaseFilter{Search: "%%"}, 0},
		{"PagingIgnored", switchyard.ReleaseFilter{Group: "g-b", Offset: 4, Limit: 1}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.CountReleases(ctx(t), tt.f)
			if err != nil || n != tt.want {
				t.Fatalf("CountReleases(%+v) = %d, %v; want %d", tt.f, n, err, tt.want)
			}
			if tt.f.Limit == 0 {
				if got := names(tt.f); len(got) != tt.want {
					t.Fatalf("FindReleases(%+v) = %v; want %d", tt.f, got, tt.want)
				}
			}
		})
	}
}
