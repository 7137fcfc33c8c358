package auth

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHashCost: the hash an unknown name is checked against costs what
// a real password's does, so the two take the same time.
func TestDummyHashCost(t *testing.T) {
	cost, err := bcrypt.Cost([]byte(dummyHash))
	if err != nil || cost != bcryptCost {
		t.Fatalf("dummy hash cost = %d, %v; want %d", cost, err, bcryptCost)
	}
}
