package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench-compare:", err)
		return exitUsage
	}
	if err := findTools(&o); err != nil {
		fmt.Fprintln(stderr, "bench-compare:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the harness at once; the kernel ends its children
	}()
	start := time.Now()
	dir, err := os.MkdirTemp("", "switchyard-bench-")
	if err != nil {
		fmt.Fprintln(stderr, "bench-compare:", err)
		return exitFailed
	}
	ps := &procs{logDir: dir}
	code := compare(ctx, o, dir, ps, stdout, stderr)
	ps.stopAll()
	if ctx.Err() != nil {
		code = exitInterrupted
	}
	if code == exitFailed {
		fmt.Fprintf(stderr, "bench-compare: logs of every process are in %s\n", dir)
	} else {
		os.RemoveAll(dir)
	}
	fmt.Fprintf(stdout, "\ntotal time %s\n", time.Since(start).Round(time.Second))
	return code
}

// compare starts the stack, measures every variant and prints the report.
func compare(ctx context.Context, o options, dir string, ps *procs, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "bench-compare: interrupted")
			return exitInterrupted
		}
		fmt.Fprintln(stderr, "bench-compare:", err)
		return exitFailed
	}
	if o.Bin == "" {
		fmt.Fprintln(stderr, "building switchyard (./cmd/switchyard)…")
		bin, err := buildBinary(ctx, dir)
		if err != nil {
			return fail(err)
		}
		o.Bin = bin
	}
	s := newStack(o, dir, ps)
	if err := s.start(ctx); err != nil {
		return fail(err)
	}
	printHeader(ctx, stdout, o, s)
	failed := false
	for _, name := range o.Variants {
		v := variantByName(name)
		rounds, dur := o.VariantRounds, o.VariantDuration
		if name == "base" {
			rounds, dur = o.Rounds, o.Duration
		}
		vr, err := s.measure(ctx, v, rounds, dur, stderr)
		if err != nil {
			if vr != nil {
				printVariant(stdout, vr, o)
			}
			return fail(err)
		}
		printVariant(stdout, vr, o)
		if vr.failed() {
			failed = true
			fmt.Fprintf(stdout, "   FAILED: a load of %s failed (see above)\n", name)
		}
		if name == "base" && o.Profile != "" {
			lines, err := s.profileRound(ctx, v, dur)
			if err != nil {
				return fail(err)
			}
			for _, l := range lines {
				fmt.Fprintln(stdout, "   "+l)
			}
		}
	}
	if failed {
		return exitFailed
	}
	return exitOK
}

// printHeader says what runs where.
func printHeader(ctx context.Context, w io.Writer, o options, s *stack) {
	version := func(bin string, args ...string) string {
		out, _ := exec.CommandContext(ctx, bin, args...).CombinedOutput()
		line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
		return line
	}
	fmt.Fprintf(w, "switchyard gateway vs nginx vs direct — %d cores (wrk, the proxies and the backends share them)\n", runtime.NumCPU())
	fmt.Fprintf(w, "%s; %s; %s\n", version(o.Bin, "version"), version(o.Nginx, "-v"), version(o.Wrk, "-v"))
	fmt.Fprintf(w, "control plane %s; backends %s 1.0 at %s, 1.1 at %s; gateway %s at %s (route %s); nginx at %s (%d workers)\n",
		s.cpURL, backendService, s.backends[oldVersion], s.backends[newVersion], gatewayService, s.gateway, routePrefix, s.nginx, runtime.NumCPU())
}
