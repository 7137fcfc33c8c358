package e2e

import (
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
)

// The release workflow tests' short durations: three weights, each
// observed for 15 s in 5 s measurements, gradual moves of 10 points every
// second. At loadRate requests per second a 15 s window holds about 1,000
// requests (the acceptance wants at least 500 per window).
var testParams = switchyard.TemplateParams{NewVersion: "1.1", Weights: []int{10, 50, 100},
	Observe: []string{"15s", "15s", "15s"}, Increment: 10, Interval: "1s", Sample: "5s"}

const loadRate = 80

// sample is one request of the load: when it was sent, the versions of its
// a and b hops, and the status.
type sample struct {
	at     time.Time
	a, b   string
	status int
}

// load sends rate requests per second through the gateway from four
// workers until stopped, and keeps every answer.
type load struct {
	url     string
	http    *http.Client
	mu      sync.Mutex
	samples []sample
	stop    chan struct{}
	wg      sync.WaitGroup
}

func startLoad(t *testing.T, gateway string, rate int) *load {
	l := &load{url: gateway + "/" + svcA + "/invoke/gateway", http: &http.Client{Timeout: 5 * time.Second}, stop: make(chan struct{})}
	tick := make(chan time.Time, rate)
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(tick)
		tk := time.NewTicker(time.Second / time.Duration(rate))
		defer tk.Stop()
		for {
			select {
			case <-l.stop:
				return
			case now := <-tk.C:
				select {
				case tick <- now:
				default: // the workers are behind: the rate drops, nothing queues up
				}
			}
		}
	}()
	for range 4 {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for range tick {
				l.one()
			}
		}()
	}
	t.Cleanup(l.halt)
	return l
}

func (l *load) one() {
	s := sample{at: time.Now()}
	resp, err := l.http.Get(l.url)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		s.status = resp.StatusCode
		if resp.StatusCode == 200 {
			a, bb := segments(string(b))
			s.a, s.b = a.version, bb.version
		}
	}
	l.mu.Lock()
	l.samples = append(l.samples, s)
	l.mu.Unlock()
}

func (l *load) halt() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	l.wg.Wait()
}

// between returns the samples sent in [from, to).
func (l *load) between(from, to time.Time) []sample {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []sample
	for _, s := range l.samples {
		if !s.at.Before(from) && s.at.Before(to) {
			out = append(out, s)
		}
	}
	return out
}

// all returns every sample so far.
func (l *load) all() []sample { return l.between(time.Time{}, time.Now().Add(time.Hour)) }

// shareOf is the percentage of successful samples whose a hop ran version,
// and how many successful samples there were.
func shareOf(ss []sample, version string) (pct float64, n int) {
	hit := 0
	for _, s := range ss {
		if s.status != 200 {
			continue
		}
		n++
		if s.a == version {
			hit++
		}
	}
	if n == 0 {
		return 0, 0
	}
	return 100 * float64(hit) / float64(n), n
}

// brokenChains lists the successful samples whose hops ran different
// versions.
func brokenChains(ss []sample) []sample {
	var out []sample
	for _, s := range ss {
		if s.status == 200 && s.a != s.b {
			out = append(out, s)
		}
	}
	return out
}

func failures(ss []sample) int {
	n := 0
	for _, s := range ss {
		if s.status != 200 {
			n++
		}
	}
	return n
}

// waitExecution polls the execution until cond holds and returns it.
func waitExecution(t *testing.T, c *client.Client, id string, timeout time.Duration, what string, cond func(*switchyard.Execution) bool) *switchyard.Execution {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last *switchyard.Execution
	for time.Now().Before(deadline) {
		e, err := c.Execution(ctx(t), id, "en")
		if err == nil {
			last = e
			if cond(e) {
				return e
			}
			if e.Status.Finished() && !cond(e) {
				t.Fatalf("%s: the execution ended %s before %s; reason %v\n%s", id, e.Status, what, text(e.Reason), logText(e))
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if last != nil {
		t.Fatalf("%s: not %s within %s (status %s at %q)\n%s", id, what, timeout, last.Status, last.CurrentStep, logText(last))
	}
	t.Fatalf("%s: not %s within %s", id, what, timeout)
	return nil
}

func text(m *switchyard.Message) string {
	if m == nil {
		return ""
	}
	return m.Text
}

func logText(e *switchyard.Execution) string {
	var b strings.Builder
	for _, l := range e.Logs {
		b.WriteString(l.Time.Format("15:04:05.000") + " " + l.Level + " " + l.Message + "\n")
	}
	return b.String()
}

func finished(e *switchyard.Execution) bool { return e.Status.Finished() }

// stepsOf returns the execution's steps of type t, in graph order.
func stepsOf(e *switchyard.Execution, t switchyard.StepType) []switchyard.StepRun {
	var out []switchyard.StepRun
	for _, s := range e.Steps {
		if s.Type == t {
			out = append(out, s)
		}
	}
	return out
}

// checkMonitorShares checks that in every completed MONITOR window the new
// version's measured share at the gateway is the weight its shift set,
// within ±5 points over at least 500 requests (the first second of a
// window is left out: the gateway applies the rule a few milliseconds
// after the shift).
func checkMonitorShares(t *testing.T, l *load, e *switchyard.Execution, weights []int) {
	t.Helper()
	mons := stepsOf(e, switchyard.StepMonitor)
	if len(mons) != len(weights) {
		t.Fatalf("%d MONITOR steps for %d weights", len(mons), len(weights))
	}
	for i, m := range mons {
		if m.Status != switchyard.StepCompleted || m.StartTime == nil || m.EndTime == nil {
			t.Errorf("%s is %s", m.Name, m.Status)
			continue
		}
		ss := l.between(m.StartTime.Add(time.Second), *m.EndTime)
		pct, n := shareOf(ss, "1.1")
		t.Logf("%s at %d%%: 1.1 had %.1f%% of %d requests", m.Name, weights[i], pct, n)
		if n < 500 {
			t.Errorf("%s: only %d requests measured, want at least 500", m.Name, n)
		}
		if w := float64(weights[i]); pct <= w-5 || pct >= w+5 {
			t.Errorf("%s: 1.1 had %.1f%% of %d requests, want %d±5", m.Name, pct, n, weights[i])
		}
	}
}

// checkMoves checks one shift.move log line per increment: each shift
// step's moves are from+increment, from+2·increment, … up to its weight,
// each once.
func checkMoves(t *testing.T, e *switchyard.Execution, weights []int, increment int) {
	t.Helper()
	shifts := stepsOf(e, switchyard.StepTrafficShift)
	from := 0
	for i, s := range shifts {
		var got, want []int
		for _, l := range e.Logs {
			if l.StepID == s.StepID && l.Key == "shift.move" {
				w, _ := strconv.Atoi(l.Params["weight"])
				got = append(got, w)
			}
		}
		for w := from + increment; w < weights[i]; w += increment {
			want = append(want, w)
		}
		want = append(want, weights[i])
		if !slices.Equal(got, want) {
			t.Errorf("%s: move lines at %v, want one per increment %v", s.Name, got, want)
		}
		from = weights[i]
	}
}

var versionWeight = regexp.MustCompile(`<conditions type="gray">\s*<condition [^>]*version-id="([^"]*)"`)

// grayWeight reads the new chain's weight from a release rule: the second
// entry of the gray basic condition's version-id (route-0=90;route-1=10);
// -1 when the rule has no gray condition.
func grayWeight(content string) int {
	m := versionWeight.FindStringSubmatch(content)
	if m == nil {
		return -1
	}
	parts := strings.Split(m[1], ";")
	if len(parts) < 2 {
		return -1
	}
	_, w, _ := strings.Cut(parts[len(parts)-1], "=")
	n, err := strconv.Atoi(w)
	if err != nil {
		return -1
	}
	return n
}

// publishedWeights is the new version's weight in every version of the
// key's rule, oldest first (versions without a gray condition left out).
func publishedWeights(t *testing.T, c *client.Client, dataID string) []int {
	t.Helper()
	hist, err := c.ConfigHistory(ctx(t), group, dataID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for i := len(hist) - 1; i >= 0; i-- {
		if w := grayWeight(hist[i].Content); w >= 0 {
			out = append(out, w)
		}
	}
	return out
}

// checkNoJump checks that the published weights rose by at most increment
// at a time, never fell, and ended at end (a rollback or the release's end
// removes the gray condition, so those versions are not in ws).
func checkNoJump(t *testing.T, ws []int, increment, end int) {
	t.Helper()
	for i := 1; i < len(ws); i++ {
		if d := ws[i] - ws[i-1]; d < 0 || d > increment {
			t.Errorf("the published weight went from %d to %d (all: %v)", ws[i-1], ws[i], ws)
		}
	}
	if len(ws) == 0 || ws[len(ws)-1] != end {
		t.Errorf("published weights %v, want them to end at %d", ws, end)
	}
}

// signal sends a signal and fails the test if it is refused.
func signal(t *testing.T, c *client.Client, id, kind string) *switchyard.Execution {
	t.Helper()
	e, err := c.Signal(ctx(t), id, kind, switchyard.SignalRequest{Comment: "e2e"}, "en")
	if err != nil {
		t.Fatalf("%s %s: %v", kind, id, err)
	}
	return e
}
