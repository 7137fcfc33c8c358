package verify

import (
	"fmt"
	"strconv"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// The budgets of this package's parsers. A document beyond one is refused
// with a CodeInvalid *switchyard.Error whose Reason is the limit's key (the
// same keys as package rule's: budget.bytes, budget.depth, budget.nodes,
// budget.members, budget.string), whose Params["limit"] is its value and
// whose Message names both. The strategies themselves are read by
// rule/releasedoc within rule.DefaultLimits.
const (
	// ConditionsBytes bounds the conditions (.properties or YAML).
	ConditionsBytes = 64 << 10
	// BodyBytes bounds a Nepxion multi-part body (the API reads at most
	// 1 MiB anyway).
	BodyBytes = 1 << 20
	// conditionsLines bounds the lines of a .properties text.
	conditionsLines = 10_000
	// conditionsKeys bounds the settings of one conditions text.
	conditionsKeys = 64
	// conditionsDepth bounds the nesting of YAML conditions.
	conditionsDepth = 16
	// conditionsNodes bounds the nodes of YAML conditions.
	conditionsNodes = 2_000
	// valueBytes bounds one setting's value.
	valueBytes = 8 << 10
	// maxParts bounds how many 10-dash parts a body is split into before
	// its part count is refused.
	maxParts = 16
	// maxHeaders and headerBytes bound the headers an inspection sends.
	maxHeaders  = 64
	headerBytes = 4 << 10
	// resultBytes bounds one inspector answer read from the gateway.
	resultBytes = 1 << 20
	// maxHops bounds the hops of one chain.
	maxHops = 64
	// maxChains bounds the distinct chains an inspection keeps.
	maxChains = 200
)

// The sample-count bounds of the conditions.
const (
	maxInspectSamples   = 10_000
	maxBlueGreenSamples = 10_000
	maxGraySamples      = 100_000
	maxLoops            = 100
	maxAwaitMillis      = 60_000
	// maxSimulationSamples bounds the samples of one simulation (every
	// phase, batch and loop).
	maxSimulationSamples = 500_000
)

// refuse is the refusal of a document beyond a limit (package rule's
// spelling: "…; the limit is N").
func refuse(field, reason string, limit int, what string, args ...any) *switchyard.Error {
	msg := fmt.Sprintf(what, args...) + "; the limit is " + strconv.Itoa(limit)
	return switchyard.FieldErrorf(field, reason, "%s", msg).WithReason(reason, map[string]string{"limit": strconv.Itoa(limit)})
}

// checkSize refuses data longer than limit bytes; what names it.
func checkSize(field string, data []byte, limit int, what string) error {
	if len(data) > limit {
		return refuse(field, rule.ReasonBytes, limit, "%s is %d bytes long", what, len(data))
	}
	return nil
}

// invalid is a field error with a reason key.
func invalid(field, reason, format string, args ...any) *switchyard.Error {
	e := switchyard.FieldErrorf(field, reason, format, args...)
	return e.WithReason(reason, map[string]string{"field": field})
}

func fieldf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
