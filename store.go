package switchyard

import "context"

// Store is everything the control plane persists. Implementations:
// store/sqlite, store/postgres; store/storetest is their conformance suite.
type Store interface {
	UserStore
	GroupStore
	TokenStore
	SessionStore
	AuditStore
	ConfigStore
	InstanceStore
	ReleaseStore
	PublishStore
	WorkflowStore
	ExecutionStore
	VerifyStore
	// Ping reports whether the store is reachable (readiness).
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}
