package verify

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// The condition formats: DiscoveryTool's test-config-properties and
// test-config-yaml.
const (
	FormatProperties = "properties"
	FormatYAML       = "yaml"
)

// Nepxion's condition keys (TestConstant, InspectorTestConstant,
// SimulatorTestConstant).
const (
	keyInspectURL     = "testcase.inspect.url"
	keyContextService = "testcase.inspect.context.service"
	keyDebug          = "testcase.debug.enabled"
	keySampleCount    = "testcase.sample.count"
	keyResultFilter   = "testcase.result.filter"
	keyConsoleURL     = "testcase.console.url"
	keyAwait          = "testcase.console.operation.await.time"
	keyGroup          = "testcase.group"
	keyService        = "testcase.service"
	keyLoop           = "testcase.loop.count"
	keyBlueGreen      = "testcase.bluegreen.sample.count"
	keyGray           = "testcase.gray.sample.count"
	keyOffset         = "testcase.gray.weight.offset"
	keyPrefer         = "testcase.version.prefer.enabled"
	keySecond         = "testcase.second.release.enabled"
)

// resultTags are the tags a result filter may name (inspector.md §3.2).
var resultTags = []string{"ID", "UID", "AID", "T", "P", "H", "V", "R", "E", "Z", "G", "A", "TID", "SID"}

// DefaultInspectionConditions are DiscoveryTool's defaults.
func DefaultInspectionConditions() switchyard.InspectionConditions {
	return switchyard.InspectionConditions{SampleCount: 10, ResultFilter: []string{"ID", "V"}}
}

// DefaultSimulationConditions are DiscoveryTool's defaults.
func DefaultSimulationConditions() switchyard.SimulationConditions {
	return switchyard.SimulationConditions{AwaitMillis: 5000, LoopCount: 1, BlueGreenCount: 100, GrayCount: 1000, GrayOffset: 5}
}

func readSettings(text []byte, format string) ([]setting, error) {
	switch strings.ToLower(format) {
	case "", FormatProperties:
		return parseProperties(text)
	case FormatYAML, "yml":
		return parseYAMLSettings(text)
	}
	return nil, invalid("conditionsFormat", "verify.conditions.format", "conditionsFormat %q must be properties or yaml", format)
}

// ParseInspectionConditions reads the inspector test's application.properties
// (or its YAML form): every key known, every value checked, Nepxion's
// defaults for what is not set. Errors name the key.
func ParseInspectionConditions(text []byte, format string) (*switchyard.InspectionConditions, error) {
	settings, err := readSettings(text, format)
	if err != nil {
		return nil, err
	}
	c := DefaultInspectionConditions()
	for _, s := range settings {
		v := strings.TrimSpace(s.value)
		var err error
		switch s.key {
		case keyInspectURL:
			c.InspectURL = v
		case keyContextService:
			c.ContextService = v
		case keySampleCount:
			c.SampleCount, err = intSetting(s, c.SampleCount)
		case keyResultFilter:
			if v != "" {
				c.ResultFilter = strings.Split(v, ",")
			}
		case keyDebug:
			c.Debug, err = boolSetting(s, c.Debug)
		default:
			err = unknownKey(s, keyInspectURL, keyContextService, keySampleCount, keyResultFilter, keyDebug)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := validateInspection(&c, nepxionNames); err != nil {
		return nil, err
	}
	return &c, nil
}

// ParseSimulationConditions reads the simulator's application.properties
// (or its YAML form); group and service are testcase.group and
// testcase.service ("" when not set).
func ParseSimulationConditions(text []byte, format string) (c *switchyard.SimulationConditions, group, service string, err error) {
	settings, err := readSettings(text, format)
	if err != nil {
		return nil, "", "", err
	}
	cc := DefaultSimulationConditions()
	for _, s := range settings {
		v := strings.TrimSpace(s.value)
		var err error
		switch s.key {
		case keyConsoleURL:
			cc.ConsoleURL = v
		case keyAwait:
			cc.AwaitMillis, err = intSetting(s, cc.AwaitMillis)
		case keyGroup:
			group = v
		case keyService:
			service = v
		case keyInspectURL:
			cc.InspectURL = v
		case keyContextService:
			cc.ContextService = v
		case keyLoop:
			cc.LoopCount, err = intSetting(s, cc.LoopCount)
		case keyBlueGreen:
			cc.BlueGreenCount, err = intSetting(s, cc.BlueGreenCount)
		case keyGray:
			cc.GrayCount, err = intSetting(s, cc.GrayCount)
		case keyOffset:
			cc.GrayOffset, err = intSetting(s, cc.GrayOffset)
		case keyPrefer:
			cc.VersionPrefer, err = boolSetting(s, cc.VersionPrefer)
		case keySecond:
			var b bool
			if b, err = boolSetting(s, true); err == nil && v != "" {
				cc.SecondRelease = &b
			}
		case keyDebug:
			cc.Debug, err = boolSetting(s, cc.Debug)
		default:
			err = unknownKey(s, keyConsoleURL, keyAwait, keyGroup, keyService, keyInspectURL, keyContextService, keyLoop, keyBlueGreen, keyGray, keyOffset,
				keyPrefer, keySecond, keyDebug)
		}
		if err != nil {
			return nil, "", "", err
		}
	}
	if err := validateSimulation(&cc, nepxionNames); err != nil {
		return nil, "", "", err
	}
	return &cc, group, service, nil
}

func unknownKey(s setting, known ...string) error {
	return invalid(s.key, "verify.conditions.unknown", "%s (line %d) is not a condition; the known keys are %s", s.key, s.line, strings.Join(known, ", ")).
		WithReason("verify.conditions.unknown", map[string]string{"field": s.key, "known": strings.Join(known, ", ")})
}

// intSetting is Integer.valueOf of a value that is not blank (a blank one
// keeps the default, as DiscoveryTool's isNotBlank checks do).
func intSetting(s setting, def int) (int, error) {
	v := strings.TrimSpace(s.value)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, invalid(s.key, "verify.conditions.integer", "%s (line %d) must be a whole number, found %q", s.key, s.line, switchyard.Truncate(v, 40))
	}
	return int(n), nil
}

// boolSetting accepts true and false (any case); Boolean.valueOf would
// read every other word as false, which hides a typo.
func boolSetting(s setting, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s.value)) {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, invalid(s.key, "verify.conditions.boolean", "%s (line %d) must be true or false, found %q", s.key, s.line, switchyard.Truncate(s.value, 40))
}

// names maps a conditions field (its JSON name) to what errors call it:
// the Nepxion key when the conditions came as text, the JSON path when they
// came as JSON.
type names func(jsonField string) string

var nepxionKeys = map[string]string{"inspectUrl": keyInspectURL, "contextService": keyContextService, "sampleCount": keySampleCount, "resultFilter": keyResultFilter,
	"consoleUrl": keyConsoleURL, "awaitMillis": keyAwait, "loopCount": keyLoop, "blueGreenSampleCount": keyBlueGreen, "graySampleCount": keyGray,
	"grayWeightOffset": keyOffset}

func nepxionNames(f string) string { return nepxionKeys[f] }

// JSONNames names the fields as conditions.<field>.
func JSONNames(f string) string { return "conditions." + f }

// ValidateInspectionConditions checks conditions given as JSON (defaults
// filled first for zero counts and an empty filter).
func ValidateInspectionConditions(c *switchyard.InspectionConditions, name names) error {
	if c.SampleCount == 0 {
		c.SampleCount = 10
	}
	if len(c.ResultFilter) == 0 {
		c.ResultFilter = []string{"ID", "V"}
	}
	return validateInspection(c, name)
}

// validateInspection checks the conditions as they are (a text's explicit
// 0 is refused, not defaulted).
func validateInspection(c *switchyard.InspectionConditions, name names) error {
	if err := checkInspectURL(name("inspectUrl"), c.InspectURL); err != nil {
		return err
	}
	if err := checkServiceID(name("contextService"), c.ContextService); err != nil {
		return err
	}
	if err := within(name("sampleCount"), c.SampleCount, 1, maxInspectSamples); err != nil {
		return err
	}
	for i, tag := range c.ResultFilter {
		t := strings.TrimSpace(tag)
		if t != tag || !slices.Contains(resultTags, t) {
			return invalid(name("resultFilter"), "verify.conditions.filter", "%s: %q (item %d) is not a tag; use %s, separated by commas without spaces",
				name("resultFilter"), switchyard.Truncate(tag, 20), i+1, strings.Join(resultTags, ","))
		}
	}
	return nil
}

// ValidateSimulationConditions checks conditions given as JSON (zero counts
// take Nepxion's defaults).
func ValidateSimulationConditions(c *switchyard.SimulationConditions, name names) error {
	d := DefaultSimulationConditions()
	for _, f := range []struct {
		v   *int
		def int
	}{{&c.LoopCount, d.LoopCount}, {&c.BlueGreenCount, d.BlueGreenCount}, {&c.GrayCount, d.GrayCount}, {&c.GrayOffset, d.GrayOffset}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return validateSimulation(c, name)
}

// validateSimulation checks the conditions as they are.
func validateSimulation(c *switchyard.SimulationConditions, name names) error {
	if c.ConsoleURL != "" {
		if u, err := url.Parse(c.ConsoleURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid(name("consoleUrl"), "verify.conditions.url", "%s %q must be an http(s) URL", name("consoleUrl"), switchyard.Truncate(c.ConsoleURL, 100))
		}
	}
	if err := checkInspectURL(name("inspectUrl"), c.InspectURL); err != nil {
		return err
	}
	if err := checkServiceID(name("contextService"), c.ContextService); err != nil {
		return err
	}
	checks := []struct {
		field    string
		v, lo, h int
	}{
		{"awaitMillis", c.AwaitMillis, 0, maxAwaitMillis}, {"loopCount", c.LoopCount, 1, maxLoops}, {"blueGreenSampleCount", c.BlueGreenCount, 1, maxBlueGreenSamples},
		{"graySampleCount", c.GrayCount, 1, maxGraySamples}, {"grayWeightOffset", c.GrayOffset, 1, 100},
	}
	for _, ch := range checks {
		if err := within(name(ch.field), ch.v, ch.lo, ch.h); err != nil {
			return err
		}
	}
	return nil
}

func within(field string, v, lo, hi int) error {
	if v < lo || v > hi {
		return invalid(field, "verify.conditions.range", "%s must be from %d to %d, found %d", field, lo, hi, v).
			WithReason("verify.conditions.range", map[string]string{"field": field, "min": strconv.Itoa(lo), "max": strconv.Itoa(hi)})
	}
	return nil
}

// checkInspectURL checks the inspector URL's shape (where it points is
// checked against the registry when a run starts): http(s), a host, a path
// ending in inspector/inspect, no credentials, no fragment.
func checkInspectURL(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" || len(raw) > 2048 {
		return invalid(field, "verify.conditions.url", "%s %q must be an http(s) URL without credentials, like http://localhost:5001/discovery-guide-service-a/inspector/inspect",
			field, switchyard.Truncate(raw, 100))
	}
	if !strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "inspector/inspect") {
		return invalid(field, "verify.conditions.url", "%s %q must end in inspector/inspect (Nepxion's inspector endpoint)", field, switchyard.Truncate(raw, 100))
	}
	return nil
}

// checkServiceID checks a service id: lower case, no spaces or slashes.
func checkServiceID(field, s string) error {
	if s == "" {
		return nil
	}
	if len(s) > 255 || s != strings.ToLower(s) || strings.ContainsAny(s, " /\t\r\n") {
		return invalid(field, "verify.service.invalid", "%s %q must be a lower-case service id", field, switchyard.Truncate(s, 100))
	}
	return nil
}
