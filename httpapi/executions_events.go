package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/workflow"
)

// The live stream of an execution (GET /api/executions/{id}/events), as
// server-sent events:
//
//	id: 17
//	event: log
//	data: {"time":"…","message":"开始流量切换至50%","key":"shift.start",…}
//
// Every stored event is sent once, in order, with its sequence number as
// the id, so a client reconnecting with Last-Event-ID (or after=) catches
// up from the store without a duplicate. The data is the stored record as
// the execution view shows it, its messages in the reader's language:
// step (stepId, status, attempt, summary), log (a LogLine), metrics, alert,
// action, status (status, reason), traffic (a Shift). The stream wakes on
// this replica's hub and looks at the store every second (another replica
// may be advancing the execution); a comment line every 15 s keeps proxies
// from closing it; once the execution has finished and every event was
// sent, "event: end" (data: status and the last seq) closes it.

// The stream's timings (variables for tests).
var (
	streamPoll      = time.Second
	streamHeartbeat = 15 * time.Second
	// streamWriteTimeout drops a client that stops reading.
	streamWriteTimeout = 30 * time.Second
)

// maxStreamsPerUser bounds the event streams one user holds open at once.
const maxStreamsPerUser = 8

// streamPage is how many events one read of the store takes.
const streamPage = 1000

type eventsIn struct {
	ID          string `path:"id"`
	After       string `query:"after" doc:"send the events after this seq (Last-Event-ID wins when both are given)"`
	LastEventID string `header:"Last-Event-ID" doc:"the id of the last event received: the stream resumes after it"`
	Lang        string `query:"lang" doc:"zh or en: the language of log lines and summaries (default: Accept-Language)"`
}

// streamLimit counts the open streams per user.
type streamLimit struct {
	mu   sync.Mutex
	max  int
	open map[string]int
}

func newStreamLimit(max int) *streamLimit { return &streamLimit{max: max, open: map[string]int{}} }

// take reserves a stream for user; the function returned gives it back.
func (l *streamLimit) take(user string) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[user] >= l.max {
		return nil, switchyard.Errorf(switchyard.CodeTooManyRequests, "%s has %d execution event streams open, the most one user may; close one (a browser tab, a `switchyard exec get --watch`)", user, l.max).
			WithReason("execution.streams", map[string]string{"max": strconv.Itoa(l.max)})
	}
	l.open[user]++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.open[user]--; l.open[user] <= 0 {
			delete(l.open, user)
		}
	}, nil
}

// streamAfter is where the stream starts: Last-Event-ID, else after=, else
// the beginning.
func streamAfter(in *eventsIn) (int64, error) {
	switch {
	case strings.TrimSpace(in.LastEventID) != "":
		return parseSeq("Last-Event-ID", in.LastEventID)
	case in.After != "":
		return parseSeq("after", in.After)
	}
	return 0, nil
}

// parseSeq parses an event sequence number.
func parseSeq(name, raw string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || n < 0 {
		return 0, switchyard.FieldErrorf(name, "param.invalid", "%s %q must be an event id: a whole number from 0", name, switchyard.Truncate(raw, 40)).
			WithReason("param.invalid", map[string]string{"field": name})
	}
	return n, nil
}

func (s *Server) executionEvents(c *Call, in *eventsIn, streams *streamLimit) error {
	ws, err := s.workflows()
	if err != nil {
		return err
	}
	after, err := streamAfter(in)
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	if _, err := s.Store.FindExecution(ctx, in.ID); err != nil {
		return err
	}
	done, err := streams.take(c.User().Name)
	if err != nil {
		return err
	}
	defer done()
	nudge, stop := ws.Runner.Hub.Subscribe(in.ID)
	defer stop()

	h := c.W.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c.W.WriteHeader(http.StatusOK)
	st := &sseWriter{w: c.W, rc: http.NewResponseController(c.W)}
	defer func() { _ = st.rc.SetWriteDeadline(time.Time{}) }() // the connection may serve another request
	st.printf("retry: 2000\n\n")
	if st.flush() != nil {
		return nil
	}
	poll := time.NewTicker(streamPoll)
	defer poll.Stop()
	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	lang := readerLang(c.R, in.Lang)
	for {
		finished, err := s.sendEvents(ctx, ws, st, in.ID, &after, lang)
		if err != nil {
			if ctx.Err() == nil {
				s.Logger.WarnContext(ctx, "execution event stream", "execution", in.ID, "err", err)
			}
			return nil // the answer has begun: the client reconnects
		}
		if finished != "" {
			st.printf("event: end\ndata: {\"status\":%q,\"seq\":%d}\n\n", finished, after)
			_ = st.flush()
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-nudge:
		case <-poll.C:
		case <-heartbeat.C:
			st.printf(": heartbeat\n\n")
			if st.flush() != nil {
				return nil
			}
		}
	}
}

// sendEvents sends the events after *after and moves it on. It answers the
// execution's status once it has finished and every event was sent.
func (s *Server) sendEvents(ctx context.Context, ws *workflow.Service, st *sseWriter, id string, after *int64, lang string) (switchyard.ExecutionStatus, error) {
	// Read before the events: the events up to rec.Seq are in the store.
	rec, err := s.Store.FindExecution(ctx, id)
	if err != nil {
		return "", err
	}
	for {
		page, err := ws.Events(ctx, id, *after)
		if err != nil {
			return "", err
		}
		for _, ev := range page {
			var data []byte
			if v := workflow.EventData(ev, lang); v != nil {
				data, err = json.Marshal(v)
			}
			if data == nil || err != nil {
				data = ev.Data
			}
			st.printf("id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, ev.Kind, data)
			*after = ev.Seq
		}
		if err := st.flush(); err != nil {
			return "", err
		}
		if len(page) < streamPage {
			break
		}
	}
	if rec.Status.Finished() && *after >= rec.Seq {
		return rec.Status, nil
	}
	return "", nil
}

// sseWriter writes the stream with a write deadline per burst, so a client
// that stops reading is dropped (the server has no WriteTimeout: streams
// are long).
type sseWriter struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	err error
}

func (w *sseWriter) printf(format string, args ...any) {
	if w.err != nil {
		return
	}
	_ = w.rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
	_, w.err = fmt.Fprintf(w.w, format, args...)
}

func (w *sseWriter) flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.rc.Flush()
	return w.err
}
