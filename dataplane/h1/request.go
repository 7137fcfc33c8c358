package h1

import (
	"strings"

	"github.com/switchyard-io/switchyard/internal/ascii"
)

// Request is one request head as received. Its strings point into the
// head's own buffer (see Field).
type Request struct {
	Method string
	// Target is the request target as sent upstream: path and query.
	Target   string
	Path     string
	RawQuery string
	// Minor is the HTTP/1 minor version (0 or 1).
	Minor  int
	Fields []Field
	Host   string
	// ContentLength is the body's length; -1 when the head gave none (then
	// there is no body unless Chunked).
	ContentLength int64
	Chunked       bool
	// KeepAlive: the client keeps the connection for another request.
	KeepAlive bool
	// Upgrade is the protocol asked for (Connection: upgrade), e.g. websocket.
	Upgrade   string
	Expect100 bool
	// connection holds the Connection field's values: the hop-by-hop
	// fields it names are not forwarded.
	connection string
}

// Get returns the first value of the field name (case-insensitive).
func (r *Request) Get(name string) string {
	for i := range r.Fields {
		if ascii.EqualFold(r.Fields[i].Name, name) {
			return r.Fields[i].Value
		}
	}
	return ""
}

// HasBody reports whether a body follows the head.
func (r *Request) HasBody() bool { return r.Chunked || r.ContentLength > 0 }

// parseRequest reads the head raw (owned by r from now on) into r. fields
// is reused for r.Fields.
func parseRequest(raw []byte, r *Request, fields []Field, lim Limits) *Error {
	*r = Request{Fields: fields[:0], ContentLength: -1}
	head := str(raw)
	first := true
	var connection, upgrade, te string
	hosts, lengths := 0, 0
	err := lines(head, func(line string) *Error {
		if first {
			first = false
			return r.parseRequestLine(line)
		}
		if len(r.Fields) >= lim.Fields {
			return errTooManyField
		}
		f, err := parseField(line)
		if err != nil {
			return err
		}
		r.Fields = append(r.Fields, f)
		switch {
		case ascii.EqualFold(f.Name, "Host"):
			hosts++
			r.Host = f.Value
		case ascii.EqualFold(f.Name, "Content-Length"):
			n, ok := parseLength(f.Value)
			if !ok {
				return refuse(400, "invalid Content-Length "+quote(f.Value))
			}
			if lengths > 0 && n != r.ContentLength {
				return refuse(400, "several different Content-Length values")
			}
			lengths++
			r.ContentLength = n
		case ascii.EqualFold(f.Name, "Transfer-Encoding"):
			if te != "" {
				return refuse(400, "several Transfer-Encoding fields")
			}
			te = f.Value
		case ascii.EqualFold(f.Name, "Connection"):
			if connection == "" {
				connection = f.Value
			} else {
				connection += "," + f.Value
			}
		case ascii.EqualFold(f.Name, "Upgrade"):
			upgrade = f.Value
		case ascii.EqualFold(f.Name, "Expect"):
			if !ascii.EqualFold(f.Value, "100-continue") {
				return refuse(417, "unsupported expectation "+quote(f.Value))
			}
			r.Expect100 = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if r.Minor == 1 && hosts != 1 {
		return refuse(400, "an HTTP/1.1 request needs exactly one Host header")
	}
	if te != "" {
		if !ascii.EqualFold(te, "chunked") {
			return refuse(501, "unsupported transfer coding "+quote(te)+" (only chunked)")
		}
		if lengths > 0 {
			return refuse(400, "both Content-Length and Transfer-Encoding")
		}
		if r.Minor == 0 {
			return refuse(400, "Transfer-Encoding in an HTTP/1.0 request")
		}
		r.Chunked = true
	}
	if r.Minor == 1 {
		r.KeepAlive = !hasToken(connection, "close")
	} else {
		r.KeepAlive = hasToken(connection, "keep-alive")
	}
	r.connection = connection
	if upgrade != "" && hasToken(connection, "upgrade") {
		r.Upgrade = upgrade
	}
	return nil
}

// parseRequestLine reads "METHOD TARGET HTTP/1.x".
func (r *Request) parseRequestLine(line string) *Error {
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || method == "" || target == "" {
		return refuse(400, "malformed request line")
	}
	for i := 0; i < len(method); i++ {
		if !isToken(method[i]) {
			return refuse(400, "invalid method "+quote(method))
		}
	}
	switch proto {
	case "HTTP/1.1":
		r.Minor = 1
	case "HTTP/1.0":
		r.Minor = 0
	default:
		if strings.HasPrefix(proto, "HTTP/") {
			return refuse(505, "HTTP version "+quote(proto)+" not supported (HTTP/1.0 and 1.1)")
		}
		return refuse(400, "malformed request line")
	}
	for i := 0; i < len(target); i++ {
		if c := target[i]; c <= ' ' || c == 0x7f {
			return refuse(400, "invalid character in the request target")
		}
	}
	// The absolute form (RFC 9112 §3.2.2) is read as its path and query.
	for _, scheme := range []string{"http://", "https://"} {
		if len(target) > len(scheme) && ascii.EqualFold(target[:len(scheme)], scheme) {
			rest := target[len(scheme):]
			if i := strings.IndexAny(rest, "/?"); i >= 0 {
				target = rest[i:]
			} else {
				target = "/"
			}
			if target[0] == '?' {
				target = "/" + target
			}
		}
	}
	if target != "*" && target[0] != '/' {
		return refuse(400, "request target must be a path (origin form)")
	}
	r.Method, r.Target = method, target
	r.Path, r.RawQuery, _ = strings.Cut(target, "?")
	return nil
}
