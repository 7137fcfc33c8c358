package switchyard

import (
	"testing"
	"time"
)

func TestNewIDSortsInCreationOrder(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	prev := NewID(now)
	if len(prev) != 26 {
		t.Fatalf("len = %d, want 26", len(prev))
	}
	for i := 0; i < 1000; i++ {
		at := now
		if i%100 == 0 {
			at = now.Add(-time.Second) // a clock step back must not reorder
		}
		id := NewID(at)
		if id <= prev {
			t.Fatalf("id %d %s not after %s", i, id, prev)
		}
		prev = id
	}
	if later := NewID(now.Add(time.Hour)); later <= prev {
		t.Fatalf("later id %s not after %s", later, prev)
	}
}

func TestRoleAtLeast(t *testing.T) {
	tests := []struct {
		r, min Role
		want   bool
	}{
		{RoleAdmin, RoleOperator, true},
		{RoleOperator, RoleOperator, true},
		{RoleViewer, RoleOperator, false},
		{RoleViewer, RoleViewer, true},
		{Role("root"), RoleViewer, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%s.AtLeast(%s) = %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
}

func TestUserMayOperate(t *testing.T) {
	op := &User{Role: RoleOperator, Groups: []string{"order-group"}}
	if !op.MayOperate("order-group") || op.MayOperate("pay-group") {
		t.Error("operator must operate exactly their groups")
	}
	if (&User{Role: RoleViewer, Groups: []string{"order-group"}}).MayOperate("order-group") {
		t.Error("viewer must not operate")
	}
	if !(&User{Role: RoleAdmin}).MayOperate("any") {
		t.Error("admin operates every group")
	}
	if (&User{Role: RoleAdmin, Disabled: true}).MayOperate("any") {
		t.Error("disabled user operates nothing")
	}
}
