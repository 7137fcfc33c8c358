package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(options) bool
		wantErr string
	}{
		{name: "defaults: about six minutes", check: func(o options) bool {
			return o.Rounds == 5 && o.Duration == 10*time.Second && o.VariantRounds == 3 && o.VariantDuration == 8*time.Second &&
				o.C1Duration == 5*time.Second && o.Connections == 64 && o.Threads == 2 && reflect.DeepEqual(o.Variants, variantNames) && o.Profile == "" &&
				o.PacedRounds == 3 && o.PacedShare == 0.6
		}},
		{name: "environment: seconds or Go durations", env: map[string]string{"ROUNDS": "3", "DURATION": "7", "VARIANT_DURATION": "1m", "CONNECTIONS": "128", "THREADS": "4", "PROFILE": "/tmp/p", "VARIANTS": "base, rules50"},
			check: func(o options) bool {
				return o.Rounds == 3 && o.Duration == 7*time.Second && o.VariantDuration == time.Minute && o.Connections == 128 && o.Threads == 4 &&
					o.Profile == "/tmp/p" && reflect.DeepEqual(o.Variants, []string{"base", "rules50"})
			}},
		{name: "flags win over the environment", args: []string{"-rounds", "2", "-duration", "3s"}, env: map[string]string{"ROUNDS": "9", "DURATION": "9s"},
			check: func(o options) bool { return o.Rounds == 2 && o.Duration == 3*time.Second }},
		{name: "paced rounds off, another share", env: map[string]string{"PACED_ROUNDS": "0", "PACED_SHARE": "0.5"},
			check: func(o options) bool { return o.PacedRounds == 0 && o.PacedShare == 0.5 }},
		{name: "paced share beyond saturation", env: map[string]string{"PACED_SHARE": "1.5"}, wantErr: `PACED_SHARE="1.5": want a share above 0 and at most 1`},
		{name: "negative paced rounds", args: []string{"-paced-rounds", "-1"}, wantErr: "paced rounds must be at least 0"},
		{name: "bad number", env: map[string]string{"ROUNDS": "many"}, wantErr: `ROUNDS="many": want a positive integer`},
		{name: "bad duration", env: map[string]string{"DURATION": "soon"}, wantErr: `DURATION="soon"`},
		{name: "too short for wrk", args: []string{"-c1-duration", "200ms"}, wantErr: "wrk needs at least 1s"},
		{name: "more threads than connections", env: map[string]string{"CONNECTIONS": "2", "THREADS": "4"}, wantErr: "threads (4) must not exceed connections (2)"},
		{name: "unknown variant", env: map[string]string{"VARIANTS": "base,tls"}, wantErr: `unknown variant "tls"`},
		{name: "gateway settings", env: map[string]string{"GATEWAY_ENV": " GOGC=400  GOMAXPROCS=1 "},
			check: func(o options) bool { return reflect.DeepEqual(o.GatewayEnv, []string{"GOGC=400", "GOMAXPROCS=1"}) }},
		{name: "gateway setting without a value", args: []string{"-gateway-env", "GOGC"}, wantErr: `gateway env "GOGC": want KEY=VALUE`},
		{name: "gateway setting the harness owns", env: map[string]string{"GATEWAY_ENV": "SWITCHYARD_TOKEN=x"}, wantErr: `not a SWITCHYARD_ setting`},
		{name: "stray argument", args: []string{"now"}, wantErr: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseOptions(tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
}

func TestFindToolsSaysHowToInstall(t *testing.T) {
	o := options{Nginx: "/nonexistent/nginx", Wrk: "/nonexistent/wrk"}
	err := findTools(&o)
	if err == nil || !strings.Contains(err.Error(), "apt-get install nginx wrk") {
		t.Fatalf("findTools = %v, want the install command", err)
	}
}

func TestWrkScript(t *testing.T) {
	dir := t.TempDir()
	if p, err := variantByName("base").wrkScript(dir); err != nil || p != "" {
		t.Errorf("a plain GET needs no script: %q, %v", p, err)
	}
	p, err := variantByName("inspector").wrkScript(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "wrk.method = \"POST\"\nwrk.body = \"{\\\"serviceIdList\\\":[],\\\"result\\\":\\\"\\\"}\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
	if string(b) != want {
		t.Errorf("script:\n%s\nwant:\n%s", b, want)
	}
}
