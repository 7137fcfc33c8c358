package auth

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/switchyard-io/switchyard"
)

// bcryptCost balances login latency (~60 ms here) against brute force.
const bcryptCost = 11

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

// HashPassword returns the bcrypt hash of pw after checking the policy.
func HashPassword(field, pw string, cost int) (string, error) {
	if err := CheckPolicy(field, pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", switchyard.Errorf(switchyard.CodeInternal, "hash password: %v", err).WithCause(err)
	}
	return string(h), nil
}

// CheckPolicy reports whether pw is an acceptable password.
func CheckPolicy(field, pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLength {
		return switchyard.FieldErrorf(field, "password.short", "%s must be at least %d characters", field, MinPasswordLength).
			WithReason("password.short", map[string]string{"min": "8"})
	}
	if len(pw) > 72 {
		// bcrypt reads only the first 72 bytes; refuse rather than ignore the rest.
		return switchyard.FieldErrorf(field, "password.long", "%s must be at most 72 bytes", field)
	}
	return nil
}

// checkHash reports whether pw matches hash, in constant time.
func checkHash(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash is compared against when the user does not exist, so a login for
// an unknown name takes as long as one with a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("switchyard-dummy-password"), bcryptCost)

// RandomPassword returns a 20-character random password.
func RandomPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}
