// Command compare measures the switchyard gateway against nginx doing the
// same work, and both against calling the backend directly, as real
// processes on this machine. `make bench-compare` builds and runs it (or
// go run ./bench/compare); it takes about 7 minutes with the defaults and is
// not part of make test, which runs only its unit tests (the wrk parser,
// the nginx configuration, the rules, the medians; no nginx needed).
//
// It builds the switchyard binary into a temp dir (or takes SWITCHYARD_BIN)
// and starts a control plane (SQLite and the built-in config center and
// registry in a temp dir), two demo backends service-b 1.0 and 1.1, and the
// gateway routing /b/ to service-b. It publishes the gateway's rule through
// the control plane's API: header xyz blue-green (xyz == 1.0 → 1.0,
// xyz == 1.1 → 1.1) and a 10/90 gray split of every other request between
// 1.0 and 1.1, waits until the gateway's /healthz reports the rule applied,
// and checks that answers come from both versions as the rule says. nginx
// gets the same rule as map + split_clients (nginxconf.go), keep-alive
// upstreams and one worker per core.
//
// wrk then loads direct (backend 1.1), nginx and the gateway in alternating
// rounds (direct, nginx, gateway, direct, …) so that whatever else the
// machine does lands on all three alike; the ratio gateway/nginx is taken
// per round and its median reported. A round at one connection gives the
// latency each proxy adds over direct. Two variants follow: the inspector
// (POST …/inspector/inspect, where the gateway appends its segment) and a
// rule of 50 blue-green conditions that the load never matches.
//
// Settings (flag, or environment variable): -rounds ROUNDS (5), -duration
// DURATION (10s), -variant-rounds VARIANT_ROUNDS (3), -variant-duration
// VARIANT_DURATION (8s), -c1-duration C1_DURATION (5s), -connections
// CONNECTIONS (64), -threads THREADS (2), -variants VARIANTS
// (base,inspector,rules50), -profile PROFILE (a directory: CPU, allocation
// and heap profiles of the gateway over one extra gateway round; needs
// switchyard gateway --pprof), -paced-rounds PACED_ROUNDS (3) at
// -paced-share PACED_SHARE (0.6) of nginx's req/s, -gateway-env
// GATEWAY_ENV (KEY=VALUE settings of the gateway process alone, such as
// "GOGC=400 GOMAXPROCS=1", to try a runtime setting side by side with
// nginx). NGINX and WRK name the programs.
//
// It stops every process it started, also on Ctrl-C and on failure, and
// exits 1 when a target failed (wrk failed, or more than 0.1 % of its
// requests were errors or statuses of 400 and more), 2 for bad settings or
// missing tools, 130 when interrupted. Missed performance targets are
// reported, not failures.
package main
