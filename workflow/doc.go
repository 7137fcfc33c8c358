// Package workflow is the release workflow engine of document 000 (发布流程编排):
// workflows as graphs of typed steps, their validation and templates, and
// executions that run by themselves, durably.
//
// The engine is two halves. Decide (machine.go) is pure: given an
// execution's State, an Event (started, woken, a step's outcome, a person's
// signal) and the time, it returns the next State, the Commands to carry out
// (run a step, send a notification) and the Records to append to the
// execution's log. The Runner (runner.go) is durable: it claims due
// executions with a lease in the store, writes every transition and timer
// deadline before the effect it leads to, runs the step activities (one
// file per step type, step_*.go) through the ports — the release service's
// one publish path, the deployer, the registry, the metrics provider, the
// notifiers — and releases the lease. A restarted server resumes every
// execution where its record says; a step cut off mid-way is re-entered
// with the same idempotency key, so its effect lands once. docs/workflows.md
// has the model, each step type's config, the state diagram and the
// durability guarantees.
package workflow
