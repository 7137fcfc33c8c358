package main

import "testing"

func TestVersionOf(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"chain body", "bench -> [ID=service-b][UID=ab12][T=service][P=Switchyard][H=127.0.0.1:4002][V=1.1][R=default][E=default][Z=default][G=g][A=false]", "1.1"},
		{"inspector result: the gateway's segment first", `{"serviceIdList":[],"result":"[ID=gw][T=gateway][P=Switchyard][H=127.0.0.1:5001][V=1.0][R=default] -> [ID=service-b][T=service][P=Switchyard][H=127.0.0.1:4001][V=1.0]"}`, "1.0"},
		{"no service-b segment", "[ID=gw][V=1.0]", ""},
		{"no version", "[ID=service-b][T=service]", ""},
		{"unterminated", "[ID=service-b][V=1.1", ""},
	}
	for _, tt := range tests {
		if got := versionOf(tt.body); got != tt.want {
			t.Errorf("%s: versionOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}
