// Package builtin is what the switchyard control plane serves itself, for
// installations without an external config center, registry or metrics
// system:
//
//   - ConfigCenter: rule text by (group, dataId), every version kept in the
//     store with who and when, watchers told of changes at once, and of other
//     control-plane replicas' writes through the store's change feed.
//   - Registry: instances register, heartbeat within a TTL and deregister;
//     consumers list and watch them. Registrations are also stored, so a
//     restarted control plane knows every instance at once.
//   - Metrics: data-plane instances report what they served; per-version
//     traffic share, success rate, latency, CPU and memory for the release
//     pages and the workflow's monitor steps.
//
// Watches go through internal/watch. The data plane reaches these over the
// HTTP API with package controlplane; external systems have their own
// packages (etcd, nacos, …), see docs/architecture.md.
package builtin
