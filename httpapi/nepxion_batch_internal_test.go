package httpapi

import (
	"errors"
	"testing"
)

// TestDialControlRefusesSpecialAddresses: a host name that resolves to the
// cloud metadata service (or 0.0.0.0, this machine) is refused at connect
// time, after resolution.
func TestDialControlRefusesSpecialAddresses(t *testing.T) {
	for _, addr := range []string{"169.254.169.254:80", "0.0.0.0:80", "[::]:80", "[fe80::1]:80", "224.0.0.1:80", "255.255.255.255:80", "[::ffff:169.254.169.254]:80", "junk"} {
		if err := dialControl("tcp", addr, nil); !errors.Is(err, errRefusedAddress) {
			t.Errorf("dialControl(%s) = %v, want refused", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:80", "10.0.0.5:8080", "[::1]:80"} {
		if err := dialControl("tcp", addr, nil); err != nil {
			t.Errorf("dialControl(%s) = %v, want allowed", addr, err)
		}
	}
}
