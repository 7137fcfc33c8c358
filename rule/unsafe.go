package rule

import "unsafe"

// unsafeString views b as a string without copying. Callers only pass the
// result to functions that do not keep it, and never change b afterwards.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
