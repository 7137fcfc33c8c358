// Package process is the local-process deployer: it implements
// switchyard.Deployer by running each service version as processes on this
// machine — the demo's services, or any program a Catalog describes.
//
// Ensure asks for a state ("2 instances of service-a 1.1 run"), so asking
// again is a success that starts nothing. The deployer keeps what it runs on
// disk, one record per instance, written before each effect:
//
//	<dir>/deploy/.lock                          held (flock) while a Deployer uses dir
//	<dir>/deploy/journal.jsonl                  one line per start, stop and death seen
//	<dir>/deploy/logs/<service>-<version>-<n>.log   the instance's stdout and stderr
//	<dir>/deploy/<service>/<version>/<n>.json   the instance's record (see record)
//	<dir>/deploy/<service>/<version>/<n>/       the instance's {datadir}, kept across restarts
//
// A record goes "starting" (argv, port, key: the intent) → "running" (pid,
// the process's start time) → "stopping" → removed once the process is
// gone. A control plane that restarts reads the records and adopts the
// processes it started: a pid is taken as the instance only if it is alive
// (not a zombie), its /proc/<pid>/cmdline is exactly the recorded argv and
// its start time (/proc/<pid>/stat) is the recorded one, so a pid the
// kernel gave to another process is never adopted, signalled or counted. A
// "starting" record (the control plane died between the intent and the
// pid) is settled by looking for a process with exactly its argv; the argv
// is unique per instance because every command names the instance's {port},
// {datadir} or {instance}.
//
// Instances run in their own session (setsid), so they outlive the control
// plane — a kill -9 of it or Ctrl-C in its terminal leaves them running for
// the next control plane to adopt — and Close does not stop them: deployed
// services keep serving while the control plane restarts, as they would on
// Kubernetes. StopAll stops everything the deployer runs (the demo calls it
// on exit). A stop sends SIGTERM to the instance's process group, waits up
// to Catalog.StopGrace, then sends SIGKILL.
//
// Children inherit no SWITCHYARD_* variable of the control plane (its admin
// password, store DSN, token): their environment is Catalog.PassEnv taken
// from the control plane plus the Env given in the catalog.
//
// The deployer needs Linux (/proc).
package process
