// Package switchyard is the domain of the switchyard release-orchestration
// platform: the vocabulary (User, Group, Release, Instance, …), the one error
// type with its codes, the request and response bodies the API and its
// client share, and the ports that adapters implement:
//
//   - Store (store.go), the aggregate of UserStore, GroupStore, TokenStore,
//     SessionStore, AuditStore, ConfigStore, InstanceStore, ReleaseStore and
//     PublishStore: store/sqlite and store/postgres, with the conformance
//     suite store/storetest;
//   - ConfigCenter (configcenter.go) and Registry (registry.go): the
//     built-in ones the control plane serves and the data plane's clients of
//     them, each with a conformance suite;
//   - MetricsCollector and MetricsProvider (metrics.go).
//
// It imports the standard library only (e2e/deps_test.go keeps it so).
// Adapters live in sub-packages named after the system they wrap, and only
// cmd/switchyard names concrete adapters.
package switchyard
