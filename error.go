package switchyard

import (
	"errors"
	"fmt"
)

// Code classifies an error for the people and programs that see it. The HTTP
// layer maps each code to one status in one place (httpapi/error.go).
type Code string

// The error codes. Anything without a code is CodeInternal.
const (
	CodeInvalid         Code = "invalid"           // bad input; Field names what
	CodeNotFound        Code = "not_found"         // the thing asked for does not exist
	CodeConflict        Code = "conflict"          // a revision, name or lock conflict
	CodeUnauthenticated Code = "unauthenticated"   // no or bad credentials
	CodeForbidden       Code = "forbidden"         // authenticated but not allowed
	CodeTooManyRequests Code = "too_many_requests" // throttled; try again later
	CodeUnavailable     Code = "unavailable"       // a dependency is down; try again
	CodeInternal        Code = "internal"          // a bug or an unexpected failure
)

// Error is the one error type users see. Message is an English sentence that
// names the field and the reason; Reason is a stable key (e.g.
// "release.name.duplicate") the console translates, with Params filling its
// placeholders. Err keeps the cause for logs and errors.Is.
type Error struct {
	Code    Code
	Field   string
	Message string
	Reason  string
	Params  map[string]string
	// Details are further field errors of the same input (a form with
	// several mistakes), so a client can mark every field at once.
	Details []*Error
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, msg)
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns a CodeInvalid *Error about field.
func FieldErrorf(field, reason, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// WithReason sets the stable reason key and its params and returns e.
func (e *Error) WithReason(reason string, params map[string]string) *Error {
	e.Reason, e.Params = reason, params
	return e
}

// WithCause sets the wrapped cause and returns e.
func (e *Error) WithCause(err error) *Error {
	e.Err = err
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// IsCode reports whether err carries code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }
