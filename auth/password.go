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

// maxPasswordBytes is the longest password: all bcrypt reads.
const maxPasswordBytes = 72

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
	if len(pw) > maxPasswordBytes {
		// bcrypt reads only the first 72 bytes; refuse rather than ignore the rest.
		return switchyard.FieldErrorf(field, "password.long", "%s must be at most %d bytes", field, maxPasswordBytes)
	}
	return nil
}

// checkHash reports whether pw matches hash, in constant time.
func checkHash(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash is compared against when the user does not exist, so a login for
// an unknown name takes as long as one with a wrong password. It is a
// constant of cost bcryptCost (of a password nobody uses) rather than made
// at start: making it cost ≈120 ms in every process that links this
// package, the CLI's every call among them. TestDummyHashCost keeps its
// cost equal to bcryptCost.
const dummyHash = "$2a$11$qquA2hoJGTbCnEo.gjw6IOg9HeXlQcaN/kLpUVpsil4uelsqz11HC"

// RandomPassword returns a 20-character random password.
func RandomPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
}
