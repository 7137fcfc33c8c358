package httpapi_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
)

// TestReleaseTable: the console's paged table. Pages put together are the
// whole newest-first list; filters narrow the total on every page; the
// unpaged list keeps answering as before; a viewer reads it with what they
// may do; bad paging and filter values are refused naming the parameter.
func TestReleaseTable(t *testing.T) {
	env, c := guideEnv(t)
	ctx := t.Context()
	for i := range 7 {
		r := &switchyard.Release{Name: fmt.Sprintf("V2.%d.0", i), Type: []switchyard.ReleaseType{switchyard.BlueGreen, switchyard.Gray}[i%2],
			Subscription: switchyard.Partial, Group: guideGroup, App: fmt.Sprintf("app-%d", i), CreatedBy: "alice",
			Spec: switchyard.ReleaseSpec{Services: []string{guideA}, Sort: "version"}}
		if err := env.Store.CreateRelease(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c["vera"].Releases(ctx, "")
	if err != nil || len(all) != 7 {
		t.Fatalf("unpaged list: %d, %v", len(all), err)
	}
	var paged []string
	for off := 0; off < 7; off += 3 {
		page, err := c["vera"].ReleaseTable(ctx, url.Values{"offset": {fmt.Sprint(off)}, "limit": {"3"}})
		if err != nil || page.Total != 7 || page.Offset != off || page.Limit != 3 {
			t.Fatalf("page at %d: %+v, %v", off, page, err)
		}
		for _, v := range page.Items {
			if len(v.AllowedOperations) != 0 || v.MayDelete || v.MayEdit || len(v.Refusals) == 0 {
				t.Fatalf("a viewer's row says it may act: %+v", v.ReleaseAccess)
			}
			paged = append(paged, v.Name)
		}
	}
	var want []string
	for _, v := range all {
		want = append(want, v.Name)
	}
	if !slices.Equal(paged, want) {
		t.Fatalf("pages = %v, unpaged = %v", paged, want)
	}
	if page, err := c["vera"].ReleaseTable(ctx, nil); err != nil || page.Limit != 20 || len(page.Items) != 7 {
		t.Fatalf("default page: %+v, %v", page, err)
	}
	for _, tt := range []struct {
		query url.Values
		total int
	}{
		{url.Values{"types": {"GRAY"}}, 3},
		{url.Values{"types": {"GRAY,BLUE_GREEN"}}, 7},
		{url.Values{"states": {"NEW"}}, 7},
		{url.Values{"states": {"RELEASED", "ENDED"}}, 0},
		{url.Values{"q": {"v2.3"}}, 1},
		{url.Values{"q": {"APP-"}, "group": {guideGroup}, "limit": {"2"}}, 7},
		{url.Values{"group": {"no-such-group"}}, 0},
		{url.Values{"offset": {"100"}}, 7},
		// 100,000 repeats (500 KB of URL) are the one value they repeat, not 100,000 SQL parameters.
		{url.Values{"types": {strings.Repeat("GRAY,", 100000) + "GRAY"}}, 3},
	} {
		page, err := c["alice"].ReleaseTable(ctx, tt.query)
		if err != nil || page.Total != tt.total || len(page.Items) > page.Limit {
			t.Errorf("%v: %+v, %v; want total %d", tt.query, page, err, tt.total)
		}
	}
	for _, tt := range []struct {
		query url.Values
		field string
	}{
		{url.Values{"limit": {"501"}}, "limit"},
		{url.Values{"limit": {"-1"}}, "limit"},
		{url.Values{"limit": {"x"}}, "limit"},
		{url.Values{"offset": {"-3"}}, "offset"},
		{url.Values{"types": {"CANARY"}}, "types"},
		{url.Values{"states": {"DONE"}}, "states"},
		{url.Values{"q": {string(make([]byte, 201))}}, "q"},
	} {
		_, err := c["alice"].ReleaseTable(ctx, tt.query)
		if e := switchyard.AsError(err); e == nil || e.Code != switchyard.CodeInvalid || e.Field != tt.field {
			t.Errorf("%v: %v; want invalid %s", tt.query, err, tt.field)
		}
	}
}
