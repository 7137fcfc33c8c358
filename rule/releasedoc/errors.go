package releasedoc

import (
	"fmt"

	switchyard "github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/rule"
)

// invalid returns a located *switchyard.Error with code invalid.
func invalid(field, reason, format string, args ...any) *switchyard.Error {
	return switchyard.FieldErrorf(field, reason, format, args...)
}

// nepxionError returns an error whose message is exactly Nepxion's, for the
// operations the console must answer like Nepxion does.
func nepxionError(reason, msg string) *switchyard.Error {
	return &switchyard.Error{Code: switchyard.CodeInvalid, Reason: reason, Message: msg}
}

// issues collects the findings of the console's checks of a document.
type issues rule.Issues

// errorf adds an error issue.
func (is *issues) errorf(path, reason, format string, args ...any) {
	*is = append(*is, rule.Issue{Path: path, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// join appends key to a dotted field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
