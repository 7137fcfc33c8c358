package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	apiclient "github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/httpapi"
	"github.com/switchyard-io/switchyard/workflow"
)

// stream is an open event stream read in the background.
type stream struct {
	resp   *http.Response
	events chan apiclient.Event
	cancel context.CancelFunc
}

func openStream(t *testing.T, url, token string, header map[string]string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s := &stream{resp: resp, events: make(chan apiclient.Event, 1000), cancel: cancel}
	t.Cleanup(s.close)
	if resp.StatusCode != 200 {
		return s
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("Content-Type %q", ct)
	}
	go func() {
		defer close(s.events)
		_ = apiclient.ReadEvents(resp.Body, func(ev apiclient.Event) bool {
			if ev.Kind != "" {
				s.events <- ev
			}
			return true
		})
	}()
	return s
}

func (s *stream) close() { s.cancel(); s.resp.Body.Close() }

// next returns the next n events (failing after a few seconds).
func (s *stream) next(t *testing.T, n int) []apiclient.Event {
	t.Helper()
	var out []apiclient.Event
	timeout := time.After(10 * time.Second)
	for len(out) < n {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended after %d of %d events: %v", len(out), n, kinds(out))
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatalf("only %d of %d events arrived: %v", len(out), n, kinds(out))
		}
	}
	return out
}

func kinds(evs []apiclient.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, strconv.FormatInt(ev.Seq, 10)+":"+ev.Kind)
	}
	return out
}

// storedEvents are execution id's events in the store.
func (e *wfEnv) storedEvents(t *testing.T, id string) []*switchyard.ExecutionEvent {
	t.Helper()
	evs, err := e.Store.ExecutionEvents(t.Context(), id, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestEventStreamResumesWithoutDuplicates: the stream sends every stored
// event once with its seq as id, in the reader's language; a reconnect with
// Last-Event-ID (or after=) resumes after it; the stream ends with "end"
// once the execution finished and every event was sent.
func TestEventStreamResumesWithoutDuplicates(t *testing.T) {
	defer httpapi.SetStreamTimings(time.Hour, time.Hour)() // only the hub wakes the stream
	e := newWFEnv(t)
	e.Workflows.SignalWait = time.Millisecond // the test advances the runner itself
	e.blueGreen(t)
	if _, err := e.c["alice"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	e.advance(t, "EXE-001")
	stored := e.storedEvents(t, "EXE-001")
	url := e.URL + "/api/executions/EXE-001/events?lang=zh"

	first := openStream(t, url, e.c["vera"].Token, nil)
	got := first.next(t, len(stored))
	sawLog, sawMetrics := false, false
	for i, ev := range got {
		if ev.Seq != stored[i].Seq || ev.Seq != int64(i+1) || ev.Kind != stored[i].Kind {
			t.Fatalf("event %d: %d %s, stored %d %s", i, ev.Seq, ev.Kind, stored[i].Seq, stored[i].Kind)
		}
		switch ev.Kind {
		case "log":
			var l switchyard.LogLine
			if err := json.Unmarshal(ev.Data, &l); err != nil || l.Time.IsZero() {
				t.Fatalf("log data %s: %v", ev.Data, err)
			}
			sawLog = sawLog || l.Message == "开始流量切换至50%"
		case "metrics":
			var m switchyard.ExecutionMetrics
			sawMetrics = json.Unmarshal(ev.Data, &m) == nil && m.BlueEnv.SuccessRate == 99.5
		case "step":
			var r workflow.StepRecord
			if err := json.Unmarshal(ev.Data, &r); err != nil || r.StepID == "" || r.Status == "" {
				t.Fatalf("step data %s: %v", ev.Data, err)
			}
		}
	}
	if !sawLog || !sawMetrics {
		t.Fatalf("no zh log line or metrics sample in %v", kinds(got))
	}
	first.close()

	// More events while nobody listens: a pause, taken by the runner.
	if _, err := e.c["alice"].Pause(t.Context(), "EXE-001", switchyard.SignalRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	e.advance(t, "EXE-001")
	stored = e.storedEvents(t, "EXE-001")
	last := got[len(got)-1].Seq
	if int64(len(stored)) <= last {
		t.Fatal("the pause appended no events")
	}
	for name, s := range map[string]*stream{
		"Last-Event-ID": openStream(t, url, e.c["vera"].Token, map[string]string{"Last-Event-ID": strconv.FormatInt(last, 10)}),
		"after=":        openStream(t, url+"&after="+strconv.FormatInt(last, 10), e.c["vera"].Token, nil),
		// The browser's EventSource reconnects to the same URL with the header: the header wins.
		"both": openStream(t, url+"&after=1", e.c["vera"].Token, map[string]string{"Last-Event-ID": strconv.FormatInt(last, 10)}),
	} {
		rest := s.next(t, len(stored)-int(last))
		for i, ev := range rest {
			if ev.Seq != last+int64(i)+1 {
				t.Fatalf("%s: resumed with %v after %d", name, kinds(rest), last)
			}
		}
		select {
		case ev := <-s.events:
			t.Fatalf("%s: an event past the store: %d %s", name, ev.Seq, ev.Kind)
		case <-time.After(50 * time.Millisecond):
		}
		s.close()
	}

	// The execution ends: an open stream gets the last events, then end.
	live := openStream(t, url, e.c["vera"].Token, map[string]string{"Last-Event-ID": strconv.Itoa(len(stored))})
	if _, err := e.c["alice"].Abort(t.Context(), "EXE-001", switchyard.SignalRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	e.advance(t, "EXE-001") // publishes on the hub: the stream wakes without a poll
	final := e.storedEvents(t, "EXE-001")
	tail := live.next(t, len(final)-len(stored)+1)
	end := tail[len(tail)-1]
	if end.Kind != "end" || !strings.Contains(string(end.Data), `"status":"ABORTED"`) || !strings.Contains(string(end.Data), `"seq":`+strconv.Itoa(len(final))) {
		t.Fatalf("the stream's last events: %v %s", kinds(tail), end.Data)
	}
	if ev, ok := <-live.events; ok {
		t.Fatalf("an event after end: %+v", ev)
	}
	// A finished execution's stream replays and ends at once.
	done := openStream(t, url, e.c["vera"].Token, map[string]string{"Last-Event-ID": strconv.Itoa(len(final) - 1)})
	if evs := done.next(t, 2); evs[0].Seq != int64(len(final)) || evs[1].Kind != "end" {
		t.Fatalf("finished stream: %v", kinds(evs))
	}
}

// TestEventStreamPollsTheStore: events another replica writes (its own
// hub, which this server does not hear) arrive through the store poll.
func TestEventStreamPollsTheStore(t *testing.T) {
	defer httpapi.SetStreamTimings(20*time.Millisecond, time.Hour)()
	e := newWFEnv(t)
	e.blueGreen(t)
	if _, err := e.c["alice"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	s := openStream(t, e.URL+"/api/executions/EXE-001/events", e.c["vera"].Token, nil)
	other := workflow.NewRunner(e.Store, e.Runner.Env, "replica-b")
	other.Activities[switchyard.StepDeploy] = e.deploy
	if err := other.Advance(t.Context(), "EXE-001"); err != nil {
		t.Fatal(err)
	}
	stored := e.storedEvents(t, "EXE-001")
	if got := s.next(t, len(stored)); got[len(got)-1].Seq != int64(len(stored)) {
		t.Fatalf("got %v", kinds(got))
	}
}

// TestEventStreamHeartbeatAndBounds: a comment line keeps an idle stream
// alive; a user holds at most 8 streams; bad ids and unknown executions
// are refused before the stream begins.
func TestEventStreamHeartbeatAndBounds(t *testing.T) {
	defer httpapi.SetStreamTimings(time.Hour, 20*time.Millisecond)()
	e := newWFEnv(t)
	e.blueGreen(t)
	if _, err := e.c["alice"].StartExecution(t.Context(), "WF-001", switchyard.StartRequest{}, ""); err != nil {
		t.Fatal(err)
	}
	url := e.URL + "/api/executions/EXE-001/events"
	hbCtx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(hbCtx, "GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+e.c["bob"].Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	heartbeats := 0
	for heartbeats < 2 && sc.Scan() {
		if sc.Text() == ": heartbeat" {
			heartbeats++
		}
	}
	if heartbeats < 2 {
		t.Fatalf("no heartbeats: %v", sc.Err())
	}

	var open []*stream
	for range 8 {
		s := openStream(t, url, e.c["vera"].Token, nil)
		if s.resp.StatusCode != 200 {
			t.Fatalf("stream %d: %d", len(open)+1, s.resp.StatusCode)
		}
		open = append(open, s)
	}
	ninth := openStream(t, url, e.c["vera"].Token, nil)
	if ninth.resp.StatusCode != 429 {
		t.Fatalf("a ninth stream: %d", ninth.resp.StatusCode)
	}
	if body, _ := io.ReadAll(ninth.resp.Body); !strings.Contains(string(body), `"reason":"execution.streams"`) {
		t.Fatalf("a ninth stream: %s", body)
	}
	if s := openStream(t, url, e.c["alice"].Token, nil); s.resp.StatusCode != 200 {
		t.Fatalf("another user's stream: %d", s.resp.StatusCode)
	}
	open[0].close()
	waitFor(t, func() bool {
		s := openStream(t, url, e.c["vera"].Token, nil)
		defer s.close()
		return s.resp.StatusCode == 200
	})

	for q, want := range map[string]int{
		"/api/executions/EXE-404/events":          404,
		"/api/executions/EXE-001/events?after=-1": 400,
		"/api/executions/EXE-001/events?after=x":  400,
	} {
		if s := openStream(t, e.URL+q, e.c["alice"].Token, nil); s.resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", q, s.resp.StatusCode, want)
		}
	}
	if s := openStream(t, url, "", nil); s.resp.StatusCode != 401 {
		t.Errorf("signed out: %d", s.resp.StatusCode)
	}
}
