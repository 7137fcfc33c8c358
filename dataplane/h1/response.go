package h1

import (
	"strings"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// response is an upstream's response head, parsed for its framing; the
// fields are copied to the client as they were received, less the
// hop-by-hop ones.
type response struct {
	Status int
	Minor  int
	// ContentLength is -1 when the head gave none.
	ContentLength int64
	Chunked       bool
	Close         bool
	// statusText is the status line after the protocol ("200 OK").
	statusText string
	fields     []Field
	// connection holds the Connection field's values.
	connection string
}

// parseResponse reads the head of an upstream's response; fields is
// reused for its fields.
func parseResponse(head string, r *response, lim Limits, fields []Field) *Error {
	*r = response{ContentLength: -1, fields: fields[:0]}
	first := true
	err := lines(head, func(line string) *Error {
		if first {
			first = false
			return r.parseStatusLine(line)
		}
		if len(r.fields) >= lim.Fields {
			return refuse(502, "upstream sent too many header fields")
		}
		f, err := parseField(line)
		if err != nil {
			return refuse(502, "upstream sent a malformed header: "+err.Reason)
		}
		switch {
		case ascii.EqualFold(f.Name, "Content-Length"):
			v, ok := parseLength(f.Value)
			if !ok || (r.ContentLength >= 0 && v != r.ContentLength) {
				return refuse(502, "upstream sent an invalid Content-Length")
			}
			r.ContentLength = v
		case ascii.EqualFold(f.Name, "Transfer-Encoding"):
			if !ascii.EqualFold(f.Value, "chunked") {
				return refuse(502, "upstream sent transfer coding "+quote(f.Value))
			}
			r.Chunked = true
		case ascii.EqualFold(f.Name, "Connection"):
			if r.connection == "" {
				r.connection = f.Value
			} else {
				r.connection += "," + f.Value
			}
			r.Close = r.Close || hasToken(f.Value, "close")
		}
		r.fields = append(r.fields, f)
		return nil
	})
	if err == nil && r.Minor == 0 && hasToken(r.connection, "keep-alive") {
		r.Close = false
	}
	return err
}

func (r *response) parseStatusLine(line string) *Error {
	proto, rest, ok := strings.Cut(line, " ")
	switch {
	case ok && proto == "HTTP/1.1":
		r.Minor = 1
	case ok && proto == "HTTP/1.0":
		r.Minor = 0
		r.Close = true
	default:
		return refuse(502, "upstream sent a malformed status line")
	}
	if len(rest) < 3 {
		return refuse(502, "upstream sent a malformed status line")
	}
	code := 0
	for i := 0; i < 3; i++ {
		c := rest[i]
		if c < '0' || c > '9' {
			return refuse(502, "upstream sent a malformed status code")
		}
		code = code*10 + int(c-'0')
	}
	if code < 100 || (len(rest) > 3 && rest[3] != ' ') {
		return refuse(502, "upstream sent a malformed status code")
	}
	r.Status = code
	r.statusText = rest
	return nil
}

// bodyless reports whether a response to method has no body whatever its
// head says (RFC 9112 §6.3).
func (r *response) bodyless(method string) bool {
	return method == "HEAD" || r.Status < 200 || r.Status == 204 || r.Status == 304
}
