package workflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/deploy/readiness"
	"github.com/switchyard-io/switchyard/rule"
)

// The data plane's inspection (docs/dataplane.md): every hop appends its
// segment "[ID=svc]…[V=version]…" to the chain, joined by " -> " — in the
// body of the demo's GET /invoke/{value}, and in the "result" of
// POST /inspector/inspect. inspectPath is dataplane.InspectPath (the engine
// does not link the data plane; a test keeps them equal).
const inspectPath = "inspector/inspect"

// versionHeader routes a request along the versions it names.
var versionHeader = rule.HeaderVersion.Name()

// testResult is a TEST's result.
type testResult struct {
	URL string `json:"url,omitempty"`
	// Expect is new or old; Versions what each service had to answer from.
	Expect   string            `json:"expect,omitempty"`
	Versions map[string]string `json:"versions,omitempty"`
	Requests int               `json:"requests"`
	// Passed requests had every hop on the expected version; Mismatches
	// had one that was not; Failures did not answer 200.
	Passed     int            `json:"passed"`
	Mismatches int            `json:"mismatches"`
	Failures   int            `json:"failures"`
	First      *hopMismatch   `json:"firstMismatch,omitempty"`
	FirstError string         `json:"firstError,omitempty"`
	Hops       map[string]int `json:"hops,omitempty" doc:"hops seen per service"`
	Command    *commandResult `json:"command,omitempty"`
}

// hopMismatch is a hop on another version than expected.
type hopMismatch struct {
	Request  int    `json:"request"`
	Service  string `json:"service"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
}

// inspect is TEST (自动化测试): an inspection along the chain through the
// gateway — Requests requests sent with a version header routing them to
// the expected chain (Nepxion's n-d-version JSON, one version per service;
// it takes effect where the gateway lets incoming n-d-* headers through, as
// the demo's and Nepxion's guide gateway do), every hop of a release
// service must answer from its expected version — and/or a command (exit 0
// passes). A mismatch or a failed request is an anomaly (异常? branches on
// it).
//
// Idempotency: the requests only read (GET through the gateway, or the
// inspector); the command gets the tick's key in SWITCHYARD_KEY so a
// command with effects can make them once.
func inspect(ctx context.Context, t *Tick) Outcome {
	cfg := ConfigOf[TestConfig](t)
	expect := cfg.Expect
	if expect == "" {
		expect = "new"
	}
	if expect == "none" && len(cfg.Command) == 0 {
		return t.Fail(Msg("test.nothing"), nil)
	}
	res := &testResult{}
	var recs []Record
	if expect != "none" {
		if reason := inspectChain(ctx, t, cfg, expect, res); reason != nil {
			o := t.Fail(reason, res)
			o.Anomaly = res.Mismatches > 0 || res.Failures > 0
			return o
		}
		recs = append(recs, logRec(t.Step.ID, "info", Msg("test.passed", "requests", strconv.Itoa(res.Requests), "url", res.URL, "versions", versionList(res.Versions))))
	}
	if len(cfg.Command) > 0 && !t.Env.AllowCommands {
		return withRecords(t.Fail(Msg("test.command.disabled"), res), recs)
	}
	if len(cfg.Command) > 0 {
		cr := runCommand(ctx, t, cfg)
		res.Command = cr
		if cr.Exit != 0 || cr.Error != "" {
			why := cr.Error
			if why == "" {
				why = "exit status " + strconv.Itoa(cr.Exit)
			}
			o := withRecords(t.Fail(Msg("test.command.failed", "command", strings.Join(cfg.Command, " "), "detail", why), res), recs)
			o.Anomaly = true
			return o
		}
		recs = append(recs, logRec(t.Step.ID, "info", Msg("test.command.passed", "command", strings.Join(cfg.Command, " "))))
	}
	return withRecords(t.Done(Msg("summary.passed"), res), recs)
}

// inspectChain sends the inspection's requests and fills res; the reason
// when it did not pass.
func inspectChain(ctx context.Context, t *Tick, cfg TestConfig, expect string, res *testResult) *switchyard.Message {
	services := t.Release.Spec.Services
	if len(services) == 0 {
		return Msg("step.no_services")
	}
	want, missing, err := expectedVersions(ctx, t, services, expect)
	if err != nil {
		return Msg("test.versions", "detail", errDetail(err))
	}
	if missing != "" {
		return Msg("test.no_version", "service", missing, "expect", expect)
	}
	base, isGateway, err := entryURL(ctx, t, cfg)
	if err != nil {
		return Msg("test.versions", "detail", errDetail(err))
	}
	if base == "" {
		return Msg("test.no_gateway", "app", t.Release.App)
	}
	path := cfg.Path
	if path == "" {
		path = "/invoke/gateway"
		if isGateway {
			path = "/" + services[0] + "/invoke/gateway"
		}
	}
	res.URL, res.Expect, res.Versions, res.Hops = base+path, expect, want, map[string]int{}
	n := cfg.Requests
	if n <= 0 {
		n = 20
	}
	header := http.Header{}
	for k, v := range cfg.Headers {
		header.Set(k, v)
	}
	if header.Get(versionHeader) == "" {
		b, _ := json.Marshal(want)
		header.Set(versionHeader, string(b))
	}
	var body []byte
	if strings.HasSuffix(path, inspectPath) {
		body, _ = json.Marshal(map[string]any{"serviceIdList": services[1:]})
	}
	for i := 1; i <= n; i++ {
		res.Requests++
		chain, err := send(ctx, t, res.URL, header, body)
		if err != nil {
			res.Failures++
			if res.FirstError == "" {
				res.FirstError = err.Error()
			}
			continue
		}
		if m := checkHops(chain, want, res.Hops); m != nil {
			res.Mismatches++
			if res.First == nil {
				m.Request = i
				res.First = m
			}
			continue
		}
		res.Passed++
	}
	switch {
	case res.Mismatches > 0:
		return Msg("test.mismatch", "mismatches", strconv.Itoa(res.Mismatches), "requests", strconv.Itoa(res.Requests),
			"service", res.First.Service, "got", res.First.Got, "expected", res.First.Expected)
	case res.Failures > 0:
		return Msg("test.request", "failures", strconv.Itoa(res.Failures), "requests", strconv.Itoa(res.Requests), "url", res.URL, "detail", res.FirstError)
	case len(res.Hops) == 0:
		return Msg("test.no_hops", "url", res.URL)
	}
	return nil
}

// expectedVersions is the version each service must answer from: for
// "new" the version the last DEPLOY brought up (for the services it
// deployed), else the registry's new version(s); for "old" the oldest
// online. missing names a service with no such version.
func expectedVersions(ctx context.Context, t *Tick, services []string, expect string) (map[string]string, string, error) {
	vs, err := t.Env.Releases.Versions(ctx, services, t.Release.Spec.Sort)
	if err != nil {
		return nil, "", err
	}
	depVersion, depServices := deployed(t)
	out := map[string]string{}
	for _, v := range vs {
		pick := v.Old
		if expect == "new" {
			pick = v.New
			if depVersion != "" && slices.Contains(depServices, v.Service) {
				pick = depVersion
			}
		}
		if pick == "" {
			return nil, v.Service, nil
		}
		out[v.Service] = pick
	}
	return out, "", nil
}

// entryURL is the base URL requests enter through: the step's gateway,
// else the release's entry app's first instance in the registry ("" when
// none is online), and whether the entry is a gateway.
func entryURL(ctx context.Context, t *Tick, cfg TestConfig) (string, bool, error) {
	if cfg.Gateway != "" {
		return strings.TrimRight(cfg.Gateway, "/"), true, nil
	}
	if t.Release.App == "" {
		return "", false, nil
	}
	list, err := t.Env.Registry.Instances(ctx, t.Release.App)
	if err != nil || len(list) == 0 {
		return "", false, err
	}
	return "http://" + list[0].Address(), list[0].Type == switchyard.TypeGateway, nil
}

// send makes one request (POST with body for the inspector, else GET) and
// returns the chain it reports.
func send(ctx context.Context, t *Tick, url string, header http.Header, body []byte) (string, error) {
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		method, rd = http.MethodPost, bytes.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(ctx, readiness.ProbeTimeout*5)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return "", err
	}
	req.Header = header.Clone()
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := httpClient(t).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %d: %s", url, resp.StatusCode, tail(bytes.TrimSpace(b), 200))
	}
	if body != nil {
		var out struct {
			Result string `json:"result"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return "", fmt.Errorf("%s: the inspector's answer is not {\"result\":…}: %w", url, err)
		}
		return out.Result, nil
	}
	return string(b), nil
}

// checkHops checks every hop of a release service in chain against want
// (a service's expected value may list several versions, ';'-joined) and
// counts the hops seen; the first mismatch, or nil.
func checkHops(chain string, want map[string]string, seen map[string]int) *hopMismatch {
	for _, seg := range strings.Split(chain, " -> ") {
		svc := segTag(seg, "ID")
		exp, ok := want[svc]
		if !ok {
			continue
		}
		seen[svc]++
		got := segTag(seg, "V")
		if !slices.Contains(strings.Split(exp, ";"), got) {
			return &hopMismatch{Service: svc, Expected: exp, Got: got}
		}
	}
	return nil
}

// segTag is the value of [k=…] in one segment.
func segTag(seg, k string) string {
	i := strings.Index(seg, "["+k+"=")
	if i < 0 {
		return ""
	}
	s := seg[i+len(k)+2:]
	if j := strings.IndexByte(s, ']'); j >= 0 {
		return s[:j]
	}
	return s
}

// versionList writes want as "svc=v, …" in service order.
func versionList(want map[string]string) string {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + want[k]
	}
	return strings.Join(parts, ", ")
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
