package switchyard

import (
	"context"
	"time"
)

// DeploySpec is a desired state: Instances copies of Service at Version run
// (Instances 0: none run). Group fills the command's group where the
// deployer needs one. Key is the idempotency key of the step asking
// (execution/step/attempt), recorded with what it starts; it does not make
// the call idempotent — the state does: a spec that already holds is a
// success whatever its key.
type DeploySpec struct {
	Service   string `json:"service"`
	Group     string `json:"group"`
	Version   string `json:"version"`
	Instances int    `json:"instances"`
	Key       string `json:"key,omitempty"`
}

// DeployedInstance is one instance a deployer runs.
type DeployedInstance struct {
	ID        string    `json:"id" doc:"the deployer's own handle, e.g. a process id"`
	Service   string    `json:"service"`
	Version   string    `json:"version"`
	Address   string    `json:"address" doc:"host:port it serves on"`
	StartedAt time.Time `json:"startedAt"`
	StartedBy string    `json:"startedBy,omitempty" doc:"the key of the step that started it"`
}

// DeployStatus is what a deployer runs of one service version after
// Ensure: the instances, and which of them this call started or stopped.
type DeployStatus struct {
	Service   string              `json:"service"`
	Version   string              `json:"version"`
	Instances []*DeployedInstance `json:"instances"`
	Started   []string            `json:"started,omitempty" doc:"ids this call started"`
	Stopped   []string            `json:"stopped,omitempty" doc:"ids this call stopped"`
}

// Deployer brings service versions up and down: the workflow's DEPLOY and
// OFFLINE steps and 执行发布 / 结束发布 with deploy. It is asked to ensure a
// state, not to do an action, so a step re-entered after a crash converges
// instead of starting a second copy. Implementations: deploy/process (local
// processes, the demo's); later a command, a CI webhook, Kubernetes.
type Deployer interface {
	// Ensure makes spec.Instances copies of spec.Service at spec.Version
	// run: it starts what is missing and stops what is extra, and returns
	// what runs. Ensuring what already runs changes nothing (Started and
	// Stopped empty); concurrent Ensures of one spec start each instance
	// once; other versions are not touched. It returns once the instances
	// are started (a deployer may wait until they accept connections),
	// not once they are healthy: the HEALTH_CHECK step waits for that.
	// CodeInvalid (Field "service", "version" or "instances") if the
	// deployer does not know the service or cannot run the spec,
	// CodeUnavailable if starting or stopping failed; what was done before
	// an error stays done and is counted by the next Ensure.
	Ensure(ctx context.Context, spec DeploySpec) (*DeployStatus, error)
	// Status returns what runs of service at version (version "" = every
	// version), without changing anything; CodeInvalid if the deployer
	// does not know the service.
	Status(ctx context.Context, service, version string) ([]*DeployedInstance, error)
}
