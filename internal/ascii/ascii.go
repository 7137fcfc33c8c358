// Package ascii compares and lowers ASCII text — header names, service ids
// — without strings.EqualFold's Unicode paths and without allocating. The
// rule core and the data plane's HTTP engine share it. Java's
// equalsIgnoreCase agrees with EqualFold on ASCII text.
package ascii

// EqualFold reports whether a and b are equal with ASCII letters compared
// case-insensitively; every other byte must be equal.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// ToLower lowers the ASCII letters of s; s itself when it has none.
func ToLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
