package rule

import (
	"github.com/switchyard-io/switchyard/rule/internal/budget"
	"github.com/switchyard-io/switchyard/rule/internal/jackson"
	"github.com/switchyard-io/switchyard/rule/spel"
)

// Limits are the budgets every parser of this package and of rule/releasedoc
// keeps, so that no input — a rule stored in the config center, a release
// document posted to the console — costs more than a bounded amount of
// memory and CPU to read or to refuse. This is the one place that defines
// them; docs/security.md lists the values. A document beyond a limit is
// refused with a *switchyard.Error of code invalid whose Reason is the
// limit's key (budget.bytes, budget.depth, …), whose Params["limit"] is its
// value, and whose Message names both.
//
// The parsers read a document's shape (size, nesting, counts, string
// lengths) in one linear pass before they build anything, so a refusal
// costs a few milliseconds whatever the document holds.
type Limits struct {
	// RuleBytes bounds a rule's text (XML or JSON), as stored in the
	// config center and parsed by every gateway.
	RuleBytes int
	// DocumentBytes bounds a release document (YAML or JSON), the body of
	// the console's release operations.
	DocumentBytes int
	// Depth bounds nesting: JSON arrays and objects, YAML collections
	// (after alias expansion; an alias that contains itself nests
	// forever), XML elements.
	Depth int
	// Nodes bounds the values of a document: JSON values (object keys not
	// counted), YAML nodes after alias expansion — the expanded size, which
	// nested aliases multiply — and XML elements.
	Nodes int
	// Members bounds one container: the members of a JSON object or the
	// items of an array, the keys of a YAML mapping or the items of a
	// sequence, the child elements of an XML element.
	Members int
	// Attributes bounds the attributes of one XML element.
	Attributes int
	// StringBytes bounds one string as written: a JSON string or key, a
	// YAML scalar, an XML attribute value, the text of one XML element
	// (whitespace between child elements not counted).
	StringBytes int
	// Expression holds the limits of expressions and their matches
	// patterns, which package spel enforces.
	Expression spel.Limits
}

// The reason keys of the limits, on every refusal.
const (
	ReasonBytes      = budget.Bytes
	ReasonDepth      = budget.Depth
	ReasonNodes      = budget.Nodes
	ReasonMembers    = budget.Members
	ReasonAttributes = budget.Attributes
	ReasonString     = budget.String
)

// maxDepth is Limits.Depth; ServiceValue's scanner uses it too.
const maxDepth = 64

// limits is what the parsers enforce. It is never changed.
var limits = Limits{
	RuleBytes:     1 << 20,
	DocumentBytes: 64 << 10,
	Depth:         maxDepth,
	Nodes:         100_000,
	Members:       10_000,
	Attributes:    256,
	StringBytes:   64 << 10,
	Expression:    spel.DefaultLimits(),
}

// DefaultLimits returns the limits the parsers enforce.
func DefaultLimits() Limits { return limits }

// parseJSON decodes one JSON value within the limits; trailing data is an
// error. A document beyond a limit is refused before anything is decoded,
// with a budget error (budget.Of).
func parseJSON(data []byte) (jackson.Value, error) {
	return jackson.Parse(data, jackson.Limits{Depth: limits.Depth, Nodes: limits.Nodes, Members: limits.Members, StringBytes: limits.StringBytes})
}
