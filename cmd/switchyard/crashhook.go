package main

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/switchyard-io/switchyard/release"
)

// crashAtEnv names a publish point at which the server kills itself with
// SIGKILL, for the crash tests (e2e/crash_test.go): publish.recorded,
// publish.written or publish.finishing. Unset, nothing happens.
const crashAtEnv = "SWITCHYARD_TEST_CRASH_AT"

// applyCrashHook arms the crash point named by SWITCHYARD_TEST_CRASH_AT.
func applyCrashHook(releases *release.Service) {
	at := os.Getenv(crashAtEnv)
	if at == "" {
		return
	}
	releases.Hook = func(point string) {
		if point == at {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal is on its way; do nothing more
		}
	}
}

// reconcileOnStart finishes or undoes the publishes a stopped server left
// half done, before the API serves anyone. A SQLite server is alone on its
// data directory (it holds the directory's lock), so every intent is its
// own; replicas sharing PostgreSQL take only intents older than a publish
// can last, and keep sweeping for those a dead replica leaves.
func reconcileOnStart(ctx context.Context, releases *release.Service, driver string) error {
	olderThan := time.Duration(0)
	if driver == "postgres" {
		olderThan = release.PublishTimeout + 10*time.Second
		go releases.RunReconciler(ctx, 15*time.Second, olderThan)
	}
	if _, err := releases.Reconcile(ctx, olderThan); err != nil {
		return fmt.Errorf("reconcile interrupted publishes: %w", err)
	}
	return nil
}
