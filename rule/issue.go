package rule

import (
	"fmt"
	"strings"

	switchyard "github.com/switchyard-io/switchyard"
)

// Issue is one finding about a rule or a release document: where (Path),
// what (Reason, a stable key the console translates) and an English Message
// naming the field and the reason. Warnings describe input Nepxion accepts
// silently but that has no effect or is probably a mistake; they never make
// a rule unusable.
type Issue struct {
	Warning bool
	Path    string
	Reason  string
	Message string
	// Params fill the placeholders of Reason's translation; a refusal for
	// a limit has Params["limit"].
	Params map[string]string
}

// Error implements error as "path: message".
func (i Issue) Error() string {
	if i.Path == "" {
		return i.Message
	}
	return i.Path + ": " + i.Message
}

// Issues is an ordered list of issues.
type Issues []Issue

// Errors returns only the issues that are not warnings.
func (is Issues) Errors() Issues {
	var out Issues
	for _, i := range is {
		if !i.Warning {
			out = append(out, i)
		}
	}
	return out
}

// Warnings returns only the warnings.
func (is Issues) Warnings() Issues {
	var out Issues
	for _, i := range is {
		if i.Warning {
			out = append(out, i)
		}
	}
	return out
}

// Err returns nil when there is no error, else a *switchyard.Error with code
// invalid about the first error; its message counts the others.
func (is Issues) Err() error {
	errs := is.Errors()
	if len(errs) == 0 {
		return nil
	}
	first := errs[0]
	msg := first.Message
	if len(errs) > 1 {
		msg = fmt.Sprintf("%s (and %d more)", msg, len(errs)-1)
	}
	return &switchyard.Error{Code: switchyard.CodeInvalid, Field: first.Path, Reason: first.Reason, Params: first.Params, Message: msg, Err: errs}
}

// Error lists all issues, one per line.
func (is Issues) Error() string {
	lines := make([]string, len(is))
	for i, x := range is {
		lines[i] = x.Error()
	}
	return strings.Join(lines, "\n")
}

func (is *Issues) add(warning bool, path, reason, format string, args ...any) {
	*is = append(*is, Issue{Warning: warning, Path: path, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

func (is *Issues) errorf(path, reason, format string, args ...any) {
	is.add(false, path, reason, format, args...)
}

func (is *Issues) warnf(path, reason, format string, args ...any) {
	is.add(true, path, reason, format, args...)
}

// invalid returns a located *switchyard.Error with code invalid.
func invalid(field, reason, format string, args ...any) *switchyard.Error {
	return switchyard.FieldErrorf(field, reason, format, args...)
}

// nepxionError returns an error whose message is exactly Nepxion's, for the
// operations the console must answer like Nepxion does.
func nepxionError(reason, msg string) *switchyard.Error {
	return &switchyard.Error{Code: switchyard.CodeInvalid, Reason: reason, Message: msg}
}
