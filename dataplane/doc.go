// Package dataplane is the runtime shared by the gateway, the sidecar and the
// Go SDK: the rule a process routes by (its partial and global keys watched in
// the config center, compiled once per change, swapped atomically, the last
// good one kept and cached on disk), the instances of the services it calls
// (watched in the registry), the Router that runs every hop the same way for
// the gateway and the services (decide, write the n-d-* headers, pick the
// instance through the rule package), a proxy transport that retries a
// refused connection on another eligible instance, per-version metrics and
// the inspector.
//
// It never links the store, the workflow engine or the HTTP API: a data-plane
// process reaches the control plane only through the ConfigCenter and Registry
// ports.
package dataplane
