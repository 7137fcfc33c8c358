// Package switchyard is the domain of the switchyard release-orchestration
// platform: the vocabulary (User, Group, Release, Instance, …), the one error
// type with its codes, and the ports that adapters implement (stores, config
// center, registry, metrics, deployer, notifier).
//
// It imports the standard library only. Adapters live in sub-packages named
// after the dependency they wrap (store/sqlite, store/postgres, …) and only
// cmd/switchyard names concrete adapters.
package switchyard
