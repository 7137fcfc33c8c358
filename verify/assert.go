package verify

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/switchyard-io/switchyard"
)

// The assertions of DiscoveryTool's SimulatorTestCases, over the counts of
// one batch of samples. They are pure: the phase logic feeds them results
// and they answer what passed, with the counts.

// sides are a simulation's versions: every service's old (first) and new
// (the rest) versions as service@@version keys, in Nepxion's order.
type sides struct {
	services []switchyard.ServiceSides
	all      []string
	old, new map[string]bool
}

func newSides(services []switchyard.ServiceSides) *sides {
	sd := &sides{services: services, old: map[string]bool{}, new: map[string]bool{}}
	for _, s := range services {
		for _, v := range s.All {
			sd.all = append(sd.all, s.Service+"@@"+v)
		}
		for _, v := range s.Old {
			sd.old[s.Service+"@@"+v] = true
		}
		for _, v := range s.New {
			sd.new[s.Service+"@@"+v] = true
		}
	}
	return sd
}

func (sd *sides) side(key string) string {
	switch {
	case sd.old[key]:
		return "old"
	case sd.new[key]:
		return "new"
	}
	return ""
}

// counter counts one batch (retrieveCountMap): every hop after the entry
// whose service@@version is among the versions online at the start, and,
// when isolation is asserted, the samples whose chain crossed from the old
// versions to the new or back (the first hop decides the side).
type counter struct {
	sd         *sides
	isolation  bool
	counts     map[string]int
	samples    int
	violations int
	example    string
}

func newCounter(sd *sides, isolation bool) *counter {
	c := &counter{sd: sd, isolation: isolation, counts: make(map[string]int, len(sd.all))}
	for _, k := range sd.all {
		c.counts[k] = 0
	}
	return c
}

func (c *counter) add(result string) {
	c.samples++
	keys := versionKeys(result)
	for _, k := range keys {
		if _, ok := c.counts[k]; ok {
			c.counts[k]++
		}
	}
	if !c.isolation {
		return
	}
	if len(keys) == 0 {
		c.violate("(no hop after the entry)")
		return
	}
	oldFirst, newFirst := c.sd.old[keys[0]], c.sd.new[keys[0]]
	for _, k := range keys {
		if oldFirst && !c.sd.old[k] || newFirst && !c.sd.new[k] {
			c.violate(strings.Join(keys, " -> "))
			return
		}
	}
}

func (c *counter) violate(chain string) {
	if c.violations == 0 {
		c.example = chain
	}
	c.violations++
}

// versionCounts lists the counts in Nepxion's order with their sides.
func (c *counter) versionCounts() []switchyard.VersionCount {
	out := make([]switchyard.VersionCount, 0, len(c.sd.all))
	for _, k := range c.sd.all {
		svc, v, _ := strings.Cut(k, "@@")
		out = append(out, switchyard.VersionCount{Key: k, Service: svc, Version: v, Count: c.counts[k], Side: c.sd.side(k)})
	}
	return out
}

func assertion(name string, passed bool, expected, actual string, params map[string]string, format string, args ...any) switchyard.Assertion {
	return switchyard.Assertion{Name: name, Passed: passed, Expected: expected, Actual: actual,
		Message: &switchyard.Message{Key: "verify.assert." + name, Params: params, Text: fmt.Sprintf(format, args...)}}
}

// isolationAssertion is the chain isolation of retrieveVersionResultList.
func (c *counter) isolationAssertion() switchyard.Assertion {
	actual := fmt.Sprintf("%d of %d samples crossed", c.violations, c.samples)
	if c.violations > 0 {
		actual += ", e.g. " + c.example
	}
	return assertion("isolation", c.violations == 0, "every chain stays on one side", actual,
		map[string]string{"crossed": strconv.Itoa(c.violations), "samples": strconv.Itoa(c.samples), "example": c.example},
		"chain isolation: %s (a chain whose first hop is an old version must stay on old versions, likewise new)", actual)
}

// assertNormal is testNormal: every service@@version is hit at least once.
func (c *counter) assertNormal() []switchyard.Assertion {
	var out []switchyard.Assertion
	for _, k := range c.sd.all {
		n := c.counts[k]
		out = append(out, assertion("normal.hit", n >= 1, ">= 1 hit", strconv.Itoa(n)+" hits", map[string]string{"key": k, "count": strconv.Itoa(n)},
			"without a release every version is reached: %s was hit %d times (want at least 1)", k, n))
	}
	return out
}

// assertSide is testBasic (want "old") and testBlueGreen (want "new" when
// the blue expression is triggered, else "old"): a version hit must be on
// the wanted side, a version of the other side must not be hit (Nepxion:
// hit ⇒ in the wanted list, not hit ⇒ in the other list).
func (c *counter) assertSide(name, want string) []switchyard.Assertion {
	other := map[string]string{"old": "new", "new": "old"}[want]
	var out []switchyard.Assertion
	for _, k := range c.sd.all {
		n := c.counts[k]
		passed := n > 0 && c.sd.side(k) == want || n == 0 && c.sd.side(k) == other
		expected := "hit (" + want + " version)"
		if c.sd.side(k) != want {
			expected = "0 hits (" + c.sd.side(k) + " version)"
		}
		out = append(out, assertion(name, passed, expected, strconv.Itoa(n)+" hits", map[string]string{"key": k, "count": strconv.Itoa(n), "side": want},
			"only the %s versions are reached: %s (%s version) was hit %d times", want, k, c.sd.side(k), n))
	}
	return append(out, c.isolationAssertion())
}

// assertGray is testGray: along the chain every service's old versions are
// hit as often as the previous service's (likewise the new ones), and the
// old and new shares are strictly within offset points of the weights.
func (c *counter) assertGray(weight [2]int, offset, planned int) ([]switchyard.Assertion, [2]float64) {
	var out []switchyard.Assertion
	prevOld, prevNew := -1, -1
	oldCount, newCount := 0, 0
	prevSvc := ""
	for _, s := range c.sd.services {
		oldCount = c.counts[s.Service+"@@"+s.All[0]]
		newCount = 0
		for _, v := range s.All[1:] {
			newCount += c.counts[s.Service+"@@"+v]
		}
		if prevOld != -1 {
			out = append(out, assertion("gray.equal.old", oldCount == prevOld, strconv.Itoa(prevOld)+" ("+prevSvc+")", strconv.Itoa(oldCount),
				map[string]string{"service": s.Service, "previous": prevSvc, "count": strconv.Itoa(oldCount), "want": strconv.Itoa(prevOld)},
				"the old versions of %s were hit %d times, %s's %d: a gray chain must stay on one side", s.Service, oldCount, prevSvc, prevOld))
			out = append(out, assertion("gray.equal.new", newCount == prevNew, strconv.Itoa(prevNew)+" ("+prevSvc+")", strconv.Itoa(newCount),
				map[string]string{"service": s.Service, "previous": prevSvc, "count": strconv.Itoa(newCount), "want": strconv.Itoa(prevNew)},
				"the new versions of %s were hit %d times, %s's %d: a gray chain must stay on one side", s.Service, newCount, prevSvc, prevNew))
		}
		prevOld, prevNew, prevSvc = oldCount, newCount, s.Service
	}
	shares := [2]float64{round4(float64(oldCount) * 100 / float64(planned)), round4(float64(newCount) * 100 / float64(planned))}
	for i, side := range []string{"old", "new"} {
		lo, hi := weight[i]-offset, weight[i]+offset
		passed := shares[i] > float64(lo) && shares[i] < float64(hi)
		out = append(out, assertion("gray.weight."+side, passed, fmt.Sprintf("%d%% ± %d (strictly)", weight[i], offset), fmt.Sprintf("%.4g%%", shares[i]),
			map[string]string{"side": side, "weight": strconv.Itoa(weight[i]), "offset": strconv.Itoa(offset), "share": strconv.FormatFloat(shares[i], 'f', -1, 64)},
			"the %s versions got %.4g%% of the samples; want strictly between %d%% and %d%%", side, shares[i], lo, hi))
	}
	return append(out, c.isolationAssertion()), shares
}

// round4 is DecimalFormat("0.0000") read back as a double.
func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

func allPassed(as []switchyard.Assertion) bool {
	for _, a := range as {
		if !a.Passed {
			return false
		}
	}
	return true
}
