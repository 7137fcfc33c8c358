package client

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The server-sent event streams (an execution's, a verification run's) are
// followed the same way: one connection at a time with Last-Event-ID, a
// connection that stays silent for streamIdle is dropped, and a dropped
// one is reopened with a growing backoff (reset once events arrive) until
// the stream ends, ctx ends, or the server answers an error that will not
// go away by itself.

// follow reconnects once until it reports the end; after is the last event
// id delivered, moved on by once.
func follow(ctx context.Context, after *int64, once func() (ended bool, err error)) error {
	wait := streamBackoff
	for {
		before := *after
		ended, err := once()
		if ended {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil // the caller stopped following: not an error
		default:
		}
		if e := switchyard.AsError(err); e != nil && !retryable(e.Code) {
			return err
		}
		if *after > before {
			wait = streamBackoff
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, streamBackoffMax)
	}
}

// retryable reports whether an error of code may go away by itself.
func retryable(code switchyard.Code) bool {
	return code == switchyard.CodeUnavailable || code == switchyard.CodeInternal || code == switchyard.CodeTooManyRequests
}

// readStream opens path as an event stream after event id after and reads
// it, handing each event (and each comment, as an empty Event) to fn until
// fn answers false or the connection ends; a silent connection is cut
// after streamIdle. The error is the server's answer, or why the
// connection could not be made or broke (nil when fn stopped).
func (c *Client) readStream(ctx context.Context, path string, after int64, fn func(context.Context, Event) bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", c.BaseURL+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	if after > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(after, 10))
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := http.Client{}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.Timeout = 0 // a stream lasts as long as what it follows; streamIdle bounds silence
	resp, err := hc.Do(req)
	if err != nil {
		return switchyard.Errorf(switchyard.CodeUnavailable, "cannot reach the switchyard server at %s: %v", c.BaseURL, err).WithCause(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		return decodeError(resp.StatusCode, b)
	}
	idle := time.AfterFunc(streamIdle, cancel)
	defer idle.Stop()
	stopped := false
	err = ReadEvents(resp.Body, func(ev Event) bool {
		idle.Reset(streamIdle)
		if !fn(ctx, ev) {
			stopped = true
			return false
		}
		return true
	})
	if stopped {
		return nil
	}
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	return err
}
