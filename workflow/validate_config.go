package workflow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
)

// The config checks of Validate: each step type's config decoded strictly
// (unknown fields are errors) into its type in config.go, then its values.

// cfgCheck checks the config of step i.
type cfgCheck struct {
	c *wfCheck
	i int
}

// bad records a problem of config field (a JSON path such as "weight" or
// "thresholds.successRate.min"; "" for the config itself).
func (k cfgCheck) bad(field, reason, detail string, params ...string) {
	path := "config"
	if field != "" {
		path += "." + field
	}
	k.c.stepProblem(k.i, path, reason, path+" "+detail, params...)
}

// config checks step i's config against its type.
func (c *wfCheck) config(i int) {
	s := &c.w.Steps[i]
	k := cfgCheck{c: c, i: i}
	if n := len(s.Config); n > MaxConfigBytes {
		k.bad("", "workflow.config.too_large", fmt.Sprintf("is %d bytes: at most %d are allowed", n, MaxConfigBytes),
			"size", strconv.Itoa(n), "max", strconv.Itoa(MaxConfigBytes))
		return
	}
	raw := bytes.TrimSpace(s.Config)
	switch s.Type {
	case switchyard.StepStart, switchyard.StepEnd, switchyard.StepPreCheck, switchyard.StepRollback, switchyard.StepReport:
		var none struct{} // no settings: any field is unknown
		k.decode(raw, &none)
	case switchyard.StepDeploy:
		var cfg DeployConfig
		if k.decode(raw, &cfg) {
			k.deploy(&cfg)
		}
	case switchyard.StepHealthCheck:
		var cfg HealthCheckConfig
		if k.decode(raw, &cfg) {
			k.healthCheck(&cfg)
		}
	case switchyard.StepTest:
		var cfg TestConfig
		if k.decode(raw, &cfg) {
			k.test(&cfg)
		}
	case switchyard.StepTrafficShift:
		var cfg ShiftConfig
		if k.decode(raw, &cfg) {
			k.shift(&cfg)
		}
	case switchyard.StepMonitor:
		var cfg MonitorConfig
		if k.decode(raw, &cfg) {
			k.monitor(&cfg)
		}
	case switchyard.StepDecision:
		var cfg DecisionConfig
		if k.decode(raw, &cfg) {
			k.decision(&cfg)
		}
	case switchyard.StepOffline:
		var cfg OfflineConfig
		if k.decode(raw, &cfg) {
			k.services("services", cfg.Services)
			k.token("version", cfg.Version, false, 64)
			k.token("deployer", cfg.Deployer, false, 64)
			k.duration("settle", cfg.Settle, false, 0, time.Hour)
		}
	case switchyard.StepApproval:
		var cfg ApprovalConfig
		if k.decode(raw, &cfg) {
			if k.list("approvers", len(cfg.Approvers)) {
				for n, a := range cfg.Approvers {
					k.token(fmt.Sprintf("approvers[%d]", n), a, true, 64)
				}
			}
			k.text("message", cfg.Message)
		}
	case switchyard.StepNotify:
		var cfg NotifyConfig
		if k.decode(raw, &cfg) {
			k.text("message", cfg.Message)
		}
	case switchyard.StepWait:
		var cfg WaitConfig
		if k.decode(raw, &cfg) {
			d, _ := k.duration("duration", cfg.Duration, true, minTick, maxWait)
			k.timeoutCovers(d, "the wait")
		}
	}
}

// decode reads raw into v strictly: an object (or nothing, or null) whose
// every field v knows, and nothing after it.
func (k cfgCheck) decode(raw []byte, v any) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	if raw[0] != '{' {
		k.bad("", "workflow.config.not_object", "must be a JSON object")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			k.bad("", "workflow.config.syntax", "must be one JSON object, with nothing after it", "detail", "trailing data")
			return false
		}
		return true
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch msg := err.Error(); {
	case errors.As(err, &typeErr):
		k.bad(clip(typeErr.Field), "workflow.config.type", fmt.Sprintf("must be %s, found %s", kindWords(typeErr.Type), clip(typeErr.Value)),
			"expected", kindWords(typeErr.Type), "found", clip(typeErr.Value))
	case strings.HasPrefix(msg, "json: unknown field "):
		name, uerr := strconv.Unquote(strings.TrimPrefix(msg, "json: unknown field "))
		if uerr != nil {
			name = strings.TrimPrefix(msg, "json: unknown field ")
		}
		known := strings.Join(jsonFields(reflect.TypeOf(v).Elem()), ", ")
		if known == "" {
			known = "none"
		}
		k.bad(clip(name), "workflow.config.unknown_field", fmt.Sprintf("is not a setting of a %s step (its settings: %s)", k.c.w.Steps[k.i].Type, known),
			"name", clip(name), "known", known, "type", string(k.c.w.Steps[k.i].Type))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		k.bad("", "workflow.config.syntax", "is not valid JSON: "+clip(msg), "detail", clip(msg))
	default:
		k.bad("", "workflow.config.syntax", "cannot be read: "+clip(msg), "detail", clip(msg))
	}
	return false
}

func (k cfgCheck) deploy(cfg *DeployConfig) {
	k.token("version", cfg.Version, true, 64)
	k.intRange("instances", cfg.Instances, 0, 100)
	k.services("services", cfg.Services)
	k.token("deployer", cfg.Deployer, false, 64)
}

func (k cfgCheck) healthCheck(cfg *HealthCheckConfig) {
	k.services("services", cfg.Services)
	k.token("version", cfg.Version, false, 64)
	k.intRange("instances", cfg.Instances, 0, 100)
	k.path("path", cfg.Path)
	k.duration("interval", cfg.Interval, false, minTick, time.Hour)
	k.duration("settle", cfg.Settle, false, 0, time.Hour)
}

func (k cfgCheck) test(cfg *TestConfig) {
	if cfg.Gateway != "" {
		if u, err := url.Parse(cfg.Gateway); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(cfg.Gateway) > maxTextLen {
			k.bad("gateway", "workflow.config.url", fmt.Sprintf("%q must be an http:// or https:// URL", clip(cfg.Gateway)), "value", clip(cfg.Gateway))
		}
	}
	k.path("path", cfg.Path)
	k.intRange("requests", cfg.Requests, 0, 1000)
	if k.list("headers", len(cfg.Headers)) {
		for name, v := range cfg.Headers {
			if !headerName(name) {
				k.bad("headers", "workflow.config.header", fmt.Sprintf("name %q must be a header name (letters, digits and !#$%%&'*+-.^_`|~)", clip(name)), "name", clip(name))
			} else if switchyard.ValidateText("value", v, maxTextLen, false) != nil {
				k.bad("headers."+name, "workflow.config.text", fmt.Sprintf("must be text of at most %d characters without control characters", maxTextLen), "max", strconv.Itoa(maxTextLen))
			}
		}
	}
	switch cfg.Expect {
	case "", "new", "old", "none":
	default:
		k.bad("expect", "workflow.config.enum", fmt.Sprintf("%q must be one of new, old, none", clip(cfg.Expect)), "value", clip(cfg.Expect), "allowed", "new, old, none")
	}
	if k.list("command", len(cfg.Command)) {
		for n, word := range cfg.Command {
			if (n == 0 && strings.TrimSpace(word) == "") || len(word) > maxTextLen || strings.ContainsRune(word, 0) {
				k.bad(fmt.Sprintf("command[%d]", n), "workflow.config.text",
					fmt.Sprintf("must be a word of at most %d bytes (the first names the program)", maxTextLen), "max", strconv.Itoa(maxTextLen))
			}
		}
	}
	k.duration("commandTimeout", cfg.Timeout, false, minTick, time.Hour)
	if cfg.Expect == "none" && len(cfg.Command) == 0 {
		k.bad("", "workflow.config.test.nothing", `tests nothing: with expect "none" it needs a command`)
	}
}

func (k cfgCheck) shift(cfg *ShiftConfig) {
	if cfg.Weight == nil {
		k.bad("weight", "workflow.config.required", "is required: the new version's share to shift to, 0 to 100")
	} else {
		k.intRange("weight", *cfg.Weight, 0, 100)
	}
	switch cfg.Mode {
	case "", ShiftGradual, ShiftImmediate:
	default:
		k.bad("mode", "workflow.config.enum", fmt.Sprintf("%q must be GRADUAL or IMMEDIATE", clip(string(cfg.Mode))), "value", clip(string(cfg.Mode)), "allowed", "GRADUAL, IMMEDIATE")
	}
	if cfg.Increment != 0 {
		k.intRange("increment", cfg.Increment, 1, 100)
	}
	k.duration("interval", cfg.Interval, false, minTick, time.Hour)
}

func (k cfgCheck) monitor(cfg *MonitorConfig) {
	d, dset := k.duration("duration", cfg.Duration, false, minTick, maxWait)
	iv, iset := k.duration("interval", cfg.Interval, false, minTick, maxWait)
	if !dset && cfg.Duration == "" {
		d, dset = 5*time.Minute, true
	}
	if dset && iset {
		if iv > d {
			k.bad("interval", "workflow.config.interval.longer", fmt.Sprintf("%s is longer than the duration %s: a monitor measures at least once within its duration", cfg.Interval, d),
				"interval", string(cfg.Interval), "duration", d.String())
		} else if n := d / iv; n > maxMeasurements {
			k.bad("interval", "workflow.config.measurements", fmt.Sprintf("%s makes %d measurements in %s: at most %d are allowed", cfg.Interval, n, d, maxMeasurements),
				"count", strconv.FormatInt(int64(n), 10), "max", strconv.Itoa(maxMeasurements))
		}
	}
	if dset {
		k.timeoutCovers(d, "the monitor's duration")
	}
	k.thresholds(&cfg.Thresholds)
	k.intRange("minRequests", cfg.MinRequests, 0, 1_000_000)
	// The limits are Argo Rollouts': -1 disables one.
	k.intRange("failureLimit", cfg.FailureLimit, -1, maxMeasurements)
	k.intRange("inconclusiveLimit", cfg.InconclusiveLimit, -1, maxMeasurements)
	if cfg.ConsecutiveErrorLimit != nil {
		k.intRange("consecutiveErrorLimit", *cfg.ConsecutiveErrorLimit, -1, maxMeasurements)
	}
}

// thresholdBounds are the sane values of each metric's bounds: [lo, hi]
// for min, max and maxDelta; maxRatio is 0.01 to 1000.
var thresholdBounds = []struct {
	name   string
	get    func(*MonitorThresholds) *Threshold
	lo, hi float64
}{
	{"successRate", func(t *MonitorThresholds) *Threshold { return t.SuccessRate }, 0, 100},
	{"avgLatency", func(t *MonitorThresholds) *Threshold { return t.AvgLatency }, 0, 3_600_000},
	{"p99Latency", func(t *MonitorThresholds) *Threshold { return t.P99Latency }, 0, 3_600_000},
	{"errors", func(t *MonitorThresholds) *Threshold { return t.Errors }, 0, 1e9},
	{"cpu", func(t *MonitorThresholds) *Threshold { return t.CPU }, 0, 100_000},
	{"memory", func(t *MonitorThresholds) *Threshold { return t.Memory }, 0, 1 << 30},
}

func (k cfgCheck) thresholds(t *MonitorThresholds) {
	some := false
	for _, b := range thresholdBounds {
		th := b.get(t)
		if th == nil {
			continue
		}
		some = true
		field := "thresholds." + b.name
		if th.Min == nil && th.Max == nil && th.MaxDelta == nil && th.MaxRatio == nil {
			k.bad(field, "workflow.config.threshold.empty", "sets no bound: give min, max, maxDelta or maxRatio, or leave it out")
			continue
		}
		k.floatRange(field+".min", th.Min, b.lo, b.hi)
		k.floatRange(field+".max", th.Max, b.lo, b.hi)
		k.floatRange(field+".maxDelta", th.MaxDelta, b.lo, b.hi)
		if b.name == "successRate" && th.MaxRatio != nil {
			k.bad(field+".maxRatio", "workflow.config.threshold.ratio",
				"does not apply: a ratio bounds a metric where lower is better; bound the success rate against the old version with maxDelta (points below it)")
		} else {
			k.floatRange(field+".maxRatio", th.MaxRatio, 0.01, 1000)
		}
		k.floatRange(field+".floor", th.Floor, b.lo, b.hi)
		if th.Min != nil && th.Max != nil && *th.Min > *th.Max {
			k.bad(field, "workflow.config.threshold.order", fmt.Sprintf("min %s is above max %s: no value can pass", num(*th.Min), num(*th.Max)),
				"min", num(*th.Min), "max", num(*th.Max))
		}
	}
	if !some {
		k.bad("thresholds", "workflow.config.thresholds.none",
			"sets no threshold: a monitor checks the new version against at least one (successRate, avgLatency, p99Latency, errors, cpu, memory)")
	}
}

func (k cfgCheck) decision(cfg *DecisionConfig) {
	c, id := k.c, k.c.w.Steps[k.i].ID
	if cfg.Step != "" {
		j, ok := c.index[cfg.Step]
		switch {
		case !ok:
			k.bad("step", "workflow.config.step.unknown", fmt.Sprintf("%q names no step of the workflow", clip(cfg.Step)), "target", clip(cfg.Step))
		case c.w.Steps[j].Type != switchyard.StepMonitor && c.w.Steps[j].Type != switchyard.StepTest:
			k.bad("step", "workflow.config.step.not_analysis", fmt.Sprintf("names %s, a %s: a decision reads a MONITOR or TEST", c.who(j), c.w.Steps[j].Type),
				"target", cfg.Step, "type", string(c.w.Steps[j].Type))
		case !c.before(cfg.Step, id):
			k.bad("step", "workflow.config.step.not_before", fmt.Sprintf("names %s, which never runs before this decision", c.who(j)), "target", cfg.Step)
		}
		return
	}
	for _, s := range c.w.Steps {
		if (s.Type == switchyard.StepMonitor || s.Type == switchyard.StepTest) && c.before(s.ID, id) {
			return
		}
	}
	c.stepProblem(k.i, "", "workflow.decision.no_analysis",
		"no MONITOR or TEST runs before this decision: it would always take its \"no\" branch")
}

// timeoutCovers wants the step's timeout, when it has one, longer than
// what it must take (a monitor's duration, a wait's).
func (k cfgCheck) timeoutCovers(d time.Duration, what string) {
	s := &k.c.w.Steps[k.i]
	if s.Timeout <= 0 || d <= 0 || s.Timeout > maxTimeoutMins {
		return
	}
	if minutes(s.Timeout) <= d {
		k.c.stepProblem(k.i, "timeout", "workflow.step.timeout.short",
			fmt.Sprintf("timeout %s min is not longer than %s (%s): the step would always time out", num(s.Timeout), what, d),
			"value", num(s.Timeout), "expected", d.String())
	}
}

// duration checks a duration field within [lo, hi]; it returns the value
// and whether it was set and valid.
func (k cfgCheck) duration(field string, d Duration, required bool, lo, hi time.Duration) (time.Duration, bool) {
	if d == "" {
		if required {
			k.bad(field, "workflow.config.required", "is required: a duration such as 30s or 5m")
		}
		return 0, false
	}
	v, err := time.ParseDuration(string(d))
	if err != nil {
		k.bad(field, "workflow.config.duration", fmt.Sprintf("%q is not a duration: write it like 30s, 5m or 1h30m", clip(string(d))), "value", clip(string(d)))
		return 0, false
	}
	if v < lo || v > hi {
		k.bad(field, "workflow.config.duration.range", fmt.Sprintf("%s must be from %s to %s", d, durWords(lo), durWords(hi)),
			"value", string(d), "min", durWords(lo), "max", durWords(hi))
		return 0, false
	}
	return v, true
}

func (k cfgCheck) intRange(field string, v, lo, hi int) {
	if v < lo || v > hi {
		k.bad(field, "workflow.config.range", fmt.Sprintf("must be an integer from %d to %d, found %d", lo, hi, v),
			"value", strconv.Itoa(v), "min", strconv.Itoa(lo), "max", strconv.Itoa(hi))
	}
}

func (k cfgCheck) floatRange(field string, v *float64, lo, hi float64) {
	if v != nil && !(*v >= lo && *v <= hi) {
		k.bad(field, "workflow.config.range", fmt.Sprintf("must be from %s to %s, found %s", num(lo), num(hi), num(*v)),
			"value", num(*v), "min", num(lo), "max", num(hi))
	}
}

// token checks a name-like value: a version, a deployer, a user.
func (k cfgCheck) token(field, v string, required bool, max int) {
	if v == "" {
		if required {
			k.bad(field, "workflow.config.required", "is required")
		}
		return
	}
	if len(v) > max || strings.ContainsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || switchyard.IsControl(r) || r == '\uFFFD' }) {
		k.bad(field, "workflow.config.token", fmt.Sprintf("%q must be at most %d bytes without spaces or control characters", clip(v), max),
			"value", clip(v), "max", strconv.Itoa(max))
	}
}

func (k cfgCheck) services(field string, names []string) {
	if !k.list(field, len(names)) {
		return
	}
	for n, s := range names {
		k.token(fmt.Sprintf("%s[%d]", field, n), s, true, 128)
	}
}

// list checks a list's length; false when it is too long to look into.
func (k cfgCheck) list(field string, n int) bool {
	if n > maxListEntries {
		k.bad(field, "workflow.config.list.too_many", fmt.Sprintf("has %d entries: at most %d are allowed", n, maxListEntries),
			"count", strconv.Itoa(n), "max", strconv.Itoa(maxListEntries))
		return false
	}
	return true
}

func (k cfgCheck) path(field, p string) {
	if p != "" && (!strings.HasPrefix(p, "/") || len(p) > maxTextLen || strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || switchyard.IsControl(r) })) {
		k.bad(field, "workflow.config.path", fmt.Sprintf("%q must be a URL path starting with /, without spaces", clip(p)), "value", clip(p))
	}
}

func (k cfgCheck) text(field, v string) {
	if err := switchyard.ValidateText(field, v, maxTextLen, true); err != nil {
		k.bad(field, "workflow.config.text", fmt.Sprintf("must be text of at most %d characters without control characters", maxTextLen), "max", strconv.Itoa(maxTextLen))
	}
}

// headerName reports whether s is an HTTP header name (RFC 9110 token).
func headerName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return true
}

// jsonFields lists the JSON names of struct type t's fields.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// kindWords says what a Go type of a config field is, for a message.
func kindWords(t reflect.Type) string {
	if t == nil {
		return "a value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.Kind().String()
}

// durWords writes a limit of a duration field as a Go duration: 0s, 1s, 1h, 168h.
func durWords(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return d.String()
}
