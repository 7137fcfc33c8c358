package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// Event is one event of an execution's live stream: its sequence number
// (the SSE id), its kind (step, log, metrics, alert, action, status,
// traffic; "end" last, once the execution finished and every event was
// sent) and its data as the execution view shows it.
type Event struct {
	Seq  int64
	Kind string
	Data json.RawMessage
}

// EventEnd is the kind of the stream's last event.
const EventEnd = "end"

// The stream reader's limits and timings.
const (
	// maxEventBytes bounds one event (its lines together): the server's
	// largest is a log line of a few kilobytes.
	maxEventBytes = 1 << 20
	// streamIdle is how long a stream may stay silent (the server sends a
	// comment every 15 s) before it is taken as dead and reopened.
	streamIdle = 45 * time.Second
)

// Reconnect backoff (variables for tests).
var (
	streamBackoff    = 500 * time.Millisecond
	streamBackoffMax = 10 * time.Second
)

// ExecutionEvents follows the live stream of execution id from the event
// after seq after, in lang ("zh", "en" or ""). A dropped connection is
// reopened with Last-Event-ID, so no event is lost or repeated. The events
// channel closes after the end event, when ctx ends, or after an error the
// server will answer again (not found, forbidden, …), which the error
// channel then carries; both channels close together.
func (c *Client) ExecutionEvents(ctx context.Context, id string, after int64, lang string) (<-chan Event, <-chan error) {
	events := make(chan Event, 64)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		defer close(events)
		if err := follow(ctx, &after, func() (bool, error) { return c.streamOnce(ctx, id, &after, lang, events) }); err != nil {
			errc <- err
		}
	}()
	return events, errc
}

// streamOnce reads one connection of the stream, delivering events and
// moving *after on; ended is true after the end event.
func (c *Client) streamOnce(ctx context.Context, id string, after *int64, lang string, out chan<- Event) (ended bool, err error) {
	err = c.readStream(ctx, executionPath(id)+"/events"+q("lang", lang), *after, func(ctx context.Context, ev Event) bool {
		if ev.Kind == "" && ev.Data == nil {
			return true // a comment: the server is alive
		}
		if ev.Kind == EventEnd {
			ended = true
		} else if ev.Seq > 0 {
			if ev.Seq <= *after {
				return true // already delivered (a server replaying from further back)
			}
			*after = ev.Seq
		}
		select {
		case out <- ev:
		case <-ctx.Done():
			return false
		}
		return !ended
	})
	if ended {
		return true, nil
	}
	if e := switchyard.AsError(err); e != nil {
		return false, err
	}
	if err == nil {
		err = ctx.Err()
	}
	return false, switchyard.Errorf(switchyard.CodeUnavailable, "the event stream of %s broke off: %v", id, err).WithCause(err)
}

// ReadEvents parses a text/event-stream body and calls fn with each event
// (and with an empty Event for each comment, so a reader can tell the
// stream is alive) until fn answers false, the body ends (nil) or breaks.
// An event larger than 1 MiB is an error; the parser holds at most one
// event in memory.
func ReadEvents(r io.Reader, fn func(Event) bool) error {
	br := bufio.NewReaderSize(r, 4096)
	var ev Event
	var data bytes.Buffer
	var hasData bool
	size := 0
	for {
		line, err := readLine(br, maxEventBytes-size)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil // an event not ended by a blank line is dropped, as EventSource does
			}
			return err
		}
		size += len(line) + 1
		if len(line) == 0 {
			if hasData || ev.Kind != "" {
				if hasData {
					ev.Data = json.RawMessage(bytes.Clone(data.Bytes()))
				}
				if !fn(ev) {
					return nil
				}
			}
			ev, hasData, size = Event{}, false, 0
			data.Reset()
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "":
			if !fn(Event{}) {
				return nil
			}
		case "id":
			if n, err := strconv.ParseInt(string(value), 10, 64); err == nil && n >= 0 {
				ev.Seq = n
			}
		case "event":
			ev.Kind = string(value)
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasData = true
		}
	}
}

// readLine reads one line (LF, CRLF or CR-less) of at most limit bytes.
func readLine(br *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > limit+1 {
			return nil, fmt.Errorf("an event of the stream is larger than %d bytes", maxEventBytes)
		}
		line = append(line, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return nil, io.EOF // a last line without its line break ends no event
		}
		return nil, err
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), nil
}
