package h1

import (
	"bufio"
	"errors"
	"io"
	"strconv"
)

// sideError names the side of a copy that failed: a write to the
// destination or a read from the source.
type sideError struct {
	write bool
	err   error
}

func (e *sideError) Error() string { return e.err.Error() }
func (e *sideError) Unwrap() error { return e.err }

func readErr(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return &sideError{err: err}
}

func writeErr(err error) error { return &sideError{write: true, err: err} }

// wroteFailed reports whether err is a failed write to the destination.
func wroteFailed(err error) bool {
	var se *sideError
	return errors.As(err, &se) && se.write
}

// copyFixed copies n bytes from src to dst without a buffer of its own,
// flushing dst before each read that would wait, so a slow stream reaches
// its reader as it comes.
func copyFixed(dst *bufio.Writer, src *bufio.Reader, n int64) error {
	for n > 0 {
		if src.Buffered() == 0 {
			if err := dst.Flush(); err != nil {
				return writeErr(err)
			}
			if _, err := src.Peek(1); err != nil {
				return readErr(err)
			}
		}
		k := src.Buffered()
		if int64(k) > n {
			k = int(n)
		}
		b, _ := src.Peek(k)
		if _, err := dst.Write(b); err != nil {
			return writeErr(err)
		}
		_, _ = src.Discard(k)
		n -= int64(k)
	}
	return nil
}

// copyToEOF copies src to dst until src ends (a response framed by the
// connection's close).
func copyToEOF(dst *bufio.Writer, src *bufio.Reader) error {
	for {
		if src.Buffered() == 0 {
			if err := dst.Flush(); err != nil {
				return writeErr(err)
			}
			if _, err := src.Peek(1); err != nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return &sideError{err: err}
			}
		}
		b, _ := src.Peek(src.Buffered())
		if _, err := dst.Write(b); err != nil {
			return writeErr(err)
		}
		_, _ = src.Discard(len(b))
	}
}

const maxChunkLine = 4096

// copyChunked relays a chunked body (RFC 9112 §7.1): each chunk's size
// line is re-written plainly (extensions dropped), the data copied as it
// comes, the trailer fields checked and copied. With dechunk, only the
// data is written (for an HTTP/1.0 client, which cannot read chunks).
// The trailer section is bounded by lim.
func copyChunked(dst *bufio.Writer, src *bufio.Reader, lim Limits, dechunk bool) error {
	var sizeLine [20]byte
	for {
		if src.Buffered() == 0 {
			// The next chunk is not here yet: what came reaches the reader.
			if err := dst.Flush(); err != nil {
				return writeErr(err)
			}
		}
		line, err := src.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return readErr(refuse(400, "chunk size line too long"))
			}
			return readErr(err)
		}
		size, perr := parseChunkSize(line)
		if perr != nil {
			return readErr(perr)
		}
		if !dechunk {
			b := strconv.AppendUint(sizeLine[:0], size, 16)
			b = append(b, '\r', '\n')
			if _, err := dst.Write(b); err != nil {
				return writeErr(err)
			}
		}
		if size == 0 {
			return copyTrailers(dst, src, lim, dechunk)
		}
		if err := copyFixed(dst, src, int64(size)); err != nil {
			return err
		}
		if err := readCRLF(src); err != nil {
			return readErr(err)
		}
		if !dechunk {
			if _, err := dst.WriteString("\r\n"); err != nil {
				return writeErr(err)
			}
		}
	}
}

// parseChunkSize reads "HEX[;ext]CRLF".
func parseChunkSize(line []byte) (uint64, *Error) {
	if len(line) > maxChunkLine {
		return 0, refuse(400, "chunk size line too long")
	}
	var n uint64
	digits := 0
	for _, c := range line {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			if digits == 0 || (c != ';' && c != '\r' && c != '\n' && c != ' ' && c != '\t') {
				return 0, refuse(400, "malformed chunk size")
			}
			return n, nil
		}
		if digits++; digits > 15 {
			return 0, refuse(400, "chunk size too large")
		}
		n = n<<4 | uint64(d)
	}
	return 0, refuse(400, "malformed chunk size")
}

func readCRLF(src *bufio.Reader) error {
	c, err := src.ReadByte()
	if err == nil && c == '\r' {
		c, err = src.ReadByte()
	}
	if err != nil {
		return err
	}
	if c != '\n' {
		return refuse(400, "chunk data not followed by CRLF")
	}
	return nil
}

// copyTrailers copies the trailer section up to and including its empty
// line.
func copyTrailers(dst *bufio.Writer, src *bufio.Reader, lim Limits, dechunk bool) error {
	total := 0
	for {
		line, err := src.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				return readErr(refuse(400, "trailer line too long"))
			}
			return readErr(err)
		}
		if total += len(line); total > lim.HeadBytes {
			return readErr(refuse(400, "trailer section too large"))
		}
		if isEmptyLine(line) {
			if !dechunk {
				if _, err := dst.WriteString("\r\n"); err != nil {
					return writeErr(err)
				}
			}
			return nil
		}
		trimmed := line[:len(line)-1]
		if n := len(trimmed); n > 0 && trimmed[n-1] == '\r' {
			trimmed = trimmed[:n-1]
		}
		if len(trimmed) == 0 {
			continue
		}
		if _, perr := parseField(string(trimmed)); perr != nil {
			return readErr(perr)
		}
		if !dechunk {
			if _, err := dst.Write(trimmed); err != nil {
				return writeErr(err)
			}
			if _, err := dst.WriteString("\r\n"); err != nil {
				return writeErr(err)
			}
		}
	}
}

// discardBody reads and drops a request body the handler did not forward,
// up to max bytes; false when it is longer or chunked (the connection must
// close then).
func discardBody(br *bufio.Reader, r *Request, max int64) bool {
	if r.Chunked {
		return false
	}
	if r.ContentLength <= 0 {
		return true
	}
	if r.ContentLength > max {
		return false
	}
	_, err := br.Discard(int(r.ContentLength))
	return err == nil
}
