// Package budget is how the parsers of package rule and of its release
// documents (rule/releasedoc) refuse a document beyond one of rule.Limits:
// a *switchyard.Error of code invalid whose Reason is the limit's key,
// whose Params["limit"] is its value and whose Message names both. The
// limits themselves are rule.DefaultLimits; this package only spells the
// refusal, so that every parser spells it the same way.
package budget

import (
	"fmt"
	"strconv"

	switchyard "github.com/switchyard-io/switchyard"
)

// The reason keys of the limits (rule.ReasonBytes and the others).
const (
	Bytes      = "budget.bytes"
	Depth      = "budget.depth"
	Nodes      = "budget.nodes"
	Members    = "budget.members"
	Attributes = "budget.attributes"
	String     = "budget.string"
)

// Refuse is the refusal of a document beyond a limit: field locates it
// where known, what says what exceeded the limit ("the document nests
// deeper than 64 levels").
func Refuse(field, reason string, limit int, what string, args ...any) *switchyard.Error {
	msg := fmt.Sprintf(what, args...) + "; the limit is " + strconv.Itoa(limit)
	return switchyard.FieldErrorf(field, reason, "%s", msg).WithReason(reason, map[string]string{"limit": strconv.Itoa(limit)})
}

// Of reports whether err is a refusal for a limit, which callers pass on
// as it is instead of wrapping it as a syntax error.
func Of(err error) (*switchyard.Error, bool) {
	e := switchyard.AsError(err)
	if e == nil {
		return nil, false
	}
	switch e.Reason {
	case Bytes, Depth, Nodes, Members, Attributes, String:
		return e, true
	}
	return nil, false
}

// CheckSize refuses a document longer than limit bytes; what names it.
func CheckSize(data []byte, limit int, what string) error {
	if len(data) > limit {
		return Refuse("", Bytes, limit, "%s is %d bytes long", what, len(data))
	}
	return nil
}
