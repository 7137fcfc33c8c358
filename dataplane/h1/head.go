package h1

import (
	"bufio"
	"errors"
	"strings"
	"unsafe"
)

// Limits bound what a peer may send.
type Limits struct {
	// HeadBytes bounds a request or response head: the start line and every
	// field line, CRLFs included (default 64 KiB; nginx's four 8 KiB
	// buffers are half of it).
	HeadBytes int
	// Fields bounds the number of header fields (default 256).
	Fields int
}

func (l Limits) withDefaults() Limits {
	if l.HeadBytes <= 0 {
		l.HeadBytes = 64 << 10
	}
	if l.Fields <= 0 {
		l.Fields = 256
	}
	return l
}

// Field is one header field as received. Its strings point into the head's
// own buffer, which is never written again: they stay valid as long as they
// are referenced.
type Field struct {
	Name, Value string
}

// Error is a refused head: the status to answer and why.
type Error struct {
	Status int
	Reason string
}

func (e *Error) Error() string { return e.Reason }

func refuse(status int, reason string) *Error { return &Error{Status: status, Reason: reason} }

var (
	errHeadTooLarge = refuse(431, "request header fields too large")
	errTooManyField = refuse(431, "too many header fields")
)

// errNoHead: the connection ended (or timed out) before a request began.
var errNoHead = errors.New("h1: no request")

// readHead reads a head — lines up to the empty line — into scratch, which
// it returns grown; the empty line is not included. A few leading empty
// lines (RFC 9112 §2.2) are skipped. A head larger than max is
// errHeadTooLarge; a connection that ends before the first byte, errNoHead.
func readHead(br *bufio.Reader, scratch []byte, max int) ([]byte, error) {
	scratch = scratch[:0]
	lineStart, skipped := 0, 0
	for {
		chunk, err := br.ReadSlice('\n')
		if len(scratch)+len(chunk) > max {
			return scratch, errHeadTooLarge
		}
		scratch = append(scratch, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // a line longer than the reader's buffer
		}
		if err != nil {
			if len(scratch) == 0 && skipped == 0 {
				return scratch, errNoHead
			}
			return scratch, err
		}
		if isEmptyLine(scratch[lineStart:]) {
			if lineStart > 0 {
				return scratch[:lineStart], nil
			}
			if skipped++; skipped > 8 {
				return scratch, refuse(400, "empty lines instead of a request line")
			}
			scratch = scratch[:0]
			continue
		}
		lineStart = len(scratch)
	}
}

func isEmptyLine(line []byte) bool {
	return len(line) == 1 || (len(line) == 2 && line[0] == '\r')
}

// lines calls f with each line of a head read by readHead, without its
// line ending.
func lines(head string, f func(line string) *Error) *Error {
	for head != "" {
		i := strings.IndexByte(head, '\n')
		line := head
		if i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = ""
		}
		line = strings.TrimSuffix(line, "\r")
		if err := f(line); err != nil {
			return err
		}
	}
	return nil
}

// str views b as a string without copying; b must never be written again.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// parseField splits a field line. It refuses obs-fold (a line starting
// with white space), white space before the colon, a name that is not a
// token and a value with control bytes.
func parseField(line string) (Field, *Error) {
	if line[0] == ' ' || line[0] == '\t' {
		return Field{}, refuse(400, "obsolete line folding in a header field")
	}
	i := strings.IndexByte(line, ':')
	if i <= 0 {
		return Field{}, refuse(400, "a header line without a field name and colon")
	}
	name := line[:i]
	for j := 0; j < len(name); j++ {
		if !isToken(name[j]) {
			return Field{}, refuse(400, "invalid character in header field name "+quote(name))
		}
	}
	value := strings.Trim(line[i+1:], " \t")
	for j := 0; j < len(value); j++ {
		if c := value[j]; (c < ' ' && c != '\t') || c == 0x7f {
			return Field{}, refuse(400, "control character in the value of header field "+quote(name))
		}
	}
	return Field{Name: name, Value: value}, nil
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}

// isToken reports whether c may appear in a token (RFC 9110 §5.6.2).
func isToken(c byte) bool {
	if c >= 0x80 || c <= ' ' {
		return false
	}
	return !strings.ContainsRune("\"(),/:;<=>?@[\\]{}\x7f", rune(c))
}

// hasToken reports whether the comma-separated list v holds token t
// (case-insensitive).
func hasToken(v, t string) bool {
	for v != "" {
		var part string
		part, v, _ = strings.Cut(v, ",")
		if strings.EqualFold(strings.Trim(part, " \t"), t) {
			return true
		}
	}
	return false
}

// parseLength reads a Content-Length value: digits only, at most 18.
func parseLength(v string) (int64, bool) {
	if v == "" || len(v) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
