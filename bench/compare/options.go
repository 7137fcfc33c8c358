package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// options are the harness's settings.
type options struct {
	Rounds          int
	Duration        time.Duration
	VariantRounds   int
	VariantDuration time.Duration
	// PacedRounds are the equal-load rounds per variant (0: none), each
	// target at PacedShare of nginx's saturated req/s.
	PacedRounds int
	PacedShare  float64
	C1Duration  time.Duration
	Warmup      time.Duration
	Connections int
	Threads     int
	Variants    []string
	Profile     string   // directory for the gateway's profiles; "" = none
	GatewayEnv  []string // KEY=VALUE settings for the gateway process alone (GOGC, GOMAXPROCS)
	Bin         string   // the switchyard binary; "" = build one
	Nginx, Wrk  string
}

// variantNames are the variants the harness knows, in the order it runs them.
var variantNames = []string{"base", "inspector", "rules50"}

// parseOptions reads flags, whose defaults come from the environment
// (getenv), then the built-in defaults.
func parseOptions(args []string, getenv func(string) string) (options, error) {
	var o options
	var variants string
	var errs []string
	// envInt reads key as an integer of at least least (1: positive, 0:
	// zero allowed), else def.
	envInt := func(key string, def, least int) int {
		if v := getenv(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < least {
				want := "a positive integer"
				if least == 0 {
					want = "0 or a positive integer"
				}
				errs = append(errs, fmt.Sprintf("%s=%q: want %s", key, v, want))
				return def
			}
			return n
		}
		return def
	}
	envDur := func(key string, def time.Duration) time.Duration {
		if v := getenv(key); v != "" {
			d, err := parseSeconds(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q: %v", key, v, err))
				return def
			}
			return d
		}
		return def
	}
	envShare := func(key string, def float64) float64 {
		if v := getenv(key); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || f > 1 {
				errs = append(errs, fmt.Sprintf("%s=%q: want a share above 0 and at most 1, such as 0.6", key, v))
				return def
			}
			return f
		}
		return def
	}
	envStr := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.IntVar(&o.Rounds, "rounds", envInt("ROUNDS", 5, 1), "alternating rounds of the base variant (env ROUNDS)")
	fs.DurationVar(&o.Duration, "duration", envDur("DURATION", 10*time.Second), "wrk duration of a base round (env DURATION, e.g. 10s or 10)")
	fs.IntVar(&o.VariantRounds, "variant-rounds", envInt("VARIANT_ROUNDS", 3, 1), "rounds of the other variants (env VARIANT_ROUNDS)")
	fs.DurationVar(&o.VariantDuration, "variant-duration", envDur("VARIANT_DURATION", 8*time.Second), "wrk duration of their rounds (env VARIANT_DURATION)")
	fs.IntVar(&o.PacedRounds, "paced-rounds", envInt("PACED_ROUNDS", 3, 0), "equal-load rounds per variant, 0 for none (env PACED_ROUNDS)")
	fs.Float64Var(&o.PacedShare, "paced-share", envShare("PACED_SHARE", 0.6), "the equal load as a share of nginx's saturated req/s (env PACED_SHARE)")
	fs.DurationVar(&o.C1Duration, "c1-duration", envDur("C1_DURATION", 5*time.Second), "wrk duration of the one-connection latency round per target (env C1_DURATION)")
	fs.DurationVar(&o.Warmup, "warmup", envDur("WARMUP", 2*time.Second), "unreported warm-up load per target and variant (env WARMUP)")
	fs.IntVar(&o.Connections, "connections", envInt("CONNECTIONS", 64, 1), "wrk connections (env CONNECTIONS)")
	fs.IntVar(&o.Threads, "threads", envInt("THREADS", 2, 1), "wrk threads (env THREADS)")
	fs.StringVar(&variants, "variants", envStr("VARIANTS", strings.Join(variantNames, ",")), "variants to run: base, inspector, rules50 (env VARIANTS)")
	fs.StringVar(&o.Profile, "profile", getenv("PROFILE"), "directory for CPU, allocation and heap profiles of the gateway (env PROFILE)")
	gatewayEnv := getenv("GATEWAY_ENV")
	fs.StringVar(&gatewayEnv, "gateway-env", gatewayEnv, "space-separated KEY=VALUE settings for the gateway process only, e.g. \"GOGC=400 GOMAXPROCS=1\" (env GATEWAY_ENV)")
	fs.StringVar(&o.Bin, "bin", getenv("SWITCHYARD_BIN"), "switchyard binary (env SWITCHYARD_BIN; default: build ./cmd/switchyard)")
	fs.StringVar(&o.Nginx, "nginx", getenv("NGINX"), "nginx binary (env NGINX; default: nginx on PATH, then /usr/sbin/nginx)")
	fs.StringVar(&o.Wrk, "wrk", getenv("WRK"), "wrk binary (env WRK; default: wrk on PATH)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, kv := range strings.Fields(gatewayEnv) {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" || strings.HasPrefix(k, "SWITCHYARD_") {
			errs = append(errs, fmt.Sprintf("gateway env %q: want KEY=VALUE, not a SWITCHYARD_ setting (the harness sets those)", kv))
			continue
		}
		o.GatewayEnv = append(o.GatewayEnv, kv)
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Sprintf("unexpected arguments %q", fs.Args()))
	}
	for _, v := range strings.Split(variants, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !contains(variantNames, v) {
			errs = append(errs, fmt.Sprintf("unknown variant %q (want %s)", v, strings.Join(variantNames, ", ")))
		}
		o.Variants = append(o.Variants, v)
	}
	if len(o.Variants) == 0 {
		errs = append(errs, "no variant to run")
	}
	if o.Rounds < 1 || o.VariantRounds < 1 || o.Connections < 1 || o.Threads < 1 {
		errs = append(errs, "rounds, variant rounds, connections and threads must be at least 1")
	}
	if o.PacedRounds < 0 || o.PacedShare <= 0 || o.PacedShare > 1 {
		errs = append(errs, "paced rounds must be at least 0 and the paced share above 0 and at most 1")
	}
	if o.Threads > o.Connections {
		errs = append(errs, fmt.Sprintf("threads (%d) must not exceed connections (%d): wrk needs a connection per thread", o.Threads, o.Connections))
	}
	for _, d := range []time.Duration{o.Duration, o.VariantDuration, o.C1Duration} {
		if d < time.Second {
			errs = append(errs, fmt.Sprintf("duration %s: wrk needs at least 1s", d))
		}
	}
	if len(errs) > 0 {
		return o, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return o, nil
}

// parseSeconds reads a Go duration (10s, 1m30s) or a number of seconds.
func parseSeconds(v string) (time.Duration, error) {
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as 10s or a number of seconds")
	}
	return d, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// findTools resolves nginx and wrk, or says how to install them.
func findTools(o *options) error {
	var missing []string
	if o.Nginx == "" {
		o.Nginx = lookPath("nginx", "/usr/sbin/nginx")
	}
	if o.Wrk == "" {
		o.Wrk = lookPath("wrk", "/usr/bin/wrk")
	}
	for _, p := range []struct{ name, path string }{{"nginx", o.Nginx}, {"wrk", o.Wrk}} {
		if p.path == "" {
			missing = append(missing, p.name)
		} else if _, err := exec.LookPath(p.path); err != nil {
			missing = append(missing, p.name+" ("+p.path+")")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s not found: install nginx and wrk with `apt-get install nginx wrk` (Debian; make bench-compare does it when run as root), or name them with NGINX= and WRK=", strings.Join(missing, " and "))
	}
	return nil
}

// lookPath finds name on PATH, else at fallback, else "".
func lookPath(name, fallback string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if st, err := os.Stat(fallback); err == nil && !st.IsDir() {
		return fallback
	}
	return ""
}
