package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/switchyard-io/switchyard"
)

// statusOf is the one table from domain codes to HTTP status.
var statusOf = map[switchyard.Code]int{
	switchyard.CodeInvalid:         http.StatusBadRequest,
	switchyard.CodeUnauthenticated: http.StatusUnauthorized,
	switchyard.CodeForbidden:       http.StatusForbidden,
	switchyard.CodeNotFound:        http.StatusNotFound,
	switchyard.CodeConflict:        http.StatusConflict,
	switchyard.CodeTooManyRequests: http.StatusTooManyRequests,
	switchyard.CodeUnavailable:     http.StatusServiceUnavailable,
	switchyard.CodeInternal:        http.StatusInternalServerError,
}

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail describes one error. Message is English and names the field and
// the reason; Reason and Params let the console show it in the user's language.
type ErrorDetail struct {
	Code      switchyard.Code   `json:"code" enum:"invalid,not_found,conflict,unauthenticated,forbidden,too_many_requests,unavailable,internal"`
	Message   string            `json:"message"`
	Field     string            `json:"field,omitempty"`
	Reason    string            `json:"reason,omitempty"`
	Params    map[string]string `json:"params,omitempty"`
	RequestID string            `json:"requestId,omitempty"`
	// Details lists every field error when the input had several.
	Details []FieldDetail `json:"details,omitempty"`
}

// FieldDetail is one field error among several.
type FieldDetail struct {
	Field   string            `json:"field"`
	Message string            `json:"message"`
	Reason  string            `json:"reason,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
}

// errorDetail turns err into what the client sees. Internal errors are logged
// with the request ID and shown without their (possibly sensitive) text.
func errorDetail(r *http.Request, err error, log *slog.Logger) (int, ErrorDetail) {
	code := switchyard.ErrorCode(err)
	if code == switchyard.CodeInternal && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		// The client went away or the server is shutting down: not a bug.
		err, code = switchyard.Errorf(switchyard.CodeUnavailable, "the request was cancelled (client gone or server shutting down)"), switchyard.CodeUnavailable
	}
	d := ErrorDetail{Code: code, RequestID: requestID(r.Context())}
	if e := switchyard.AsError(err); e != nil && code != switchyard.CodeInternal {
		d.Message, d.Field, d.Reason, d.Params = e.Error(), e.Field, e.Reason, e.Params
		if e.Field != "" {
			d.Message = e.Message
		}
		for _, x := range e.Details {
			d.Details = append(d.Details, FieldDetail{Field: x.Field, Message: x.Message, Reason: x.Reason, Params: x.Params})
		}
	}
	if code == switchyard.CodeInternal {
		log.ErrorContext(r.Context(), "internal error", "err", err, "method", r.Method, "path", r.URL.Path)
		d.Message = "internal error; the server log has the details under request id " + d.RequestID
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return status, d
}

// writeError writes err as an ErrorBody.
func writeError(w http.ResponseWriter, r *http.Request, err error, log *slog.Logger) {
	status, d := errorDetail(r, err, log)
	if d.Code == switchyard.CodeTooManyRequests && d.Params["seconds"] != "" {
		w.Header().Set("Retry-After", d.Params["seconds"])
	}
	writeJSON(w, status, ErrorBody{Error: d})
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if status == http.StatusNoContent || v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
