package watch

import (
	"testing"
	"time"
)

func TestBackoffDoublesWithJitter(t *testing.T) {
	tests := []struct {
		name     string
		b        Backoff
		wantBase []time.Duration // the d each wait is drawn around: [d/2, 3d/2)
	}{
		{"zero value", Backoff{}, []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}},
		{"own bounds", Backoff{Min: time.Second, Max: 3 * time.Second}, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for round := range 50 { // the jitter is random: many rounds
				b := tt.b
				for i, base := range tt.wantBase {
					if d := b.Next(); d < base/2 || d >= base*3/2 {
						t.Fatalf("round %d, wait %d = %s, want in [%s, %s)", round, i, d, base/2, base*3/2)
					}
				}
				b.Reset()
				if d := b.Next(); d >= tt.wantBase[0]*3/2 {
					t.Fatalf("after Reset the wait is %s, want around %s again", d, tt.wantBase[0])
				}
			}
		})
	}
}

// TestBackoffJitters: many processes failing together do not all retry at
// the same moment.
func TestBackoffJitters(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 20 {
		var b Backoff
		seen[b.Next()] = true
	}
	if len(seen) < 10 {
		t.Fatalf("20 first waits took only %d distinct values", len(seen))
	}
}
