package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// variant is one comparison: what the load sends and the rule both proxies
// run.
type variant struct {
	name, title string
	method      string
	path        string // under routePrefix; direct calls the backend at the path without it
	body        string
	conditions  int // blue-green conditions of the rule (gatewayRule)
}

// inspectBody is an inspection that ends at service-b.
const inspectBody = `{"serviceIdList":[],"result":""}`

func variantByName(name string) variant {
	switch name {
	case "inspector":
		return variant{name: name, title: "the inspector on: POST /b/inspector/inspect, the gateway appends its segment",
			method: "POST", path: "inspector/inspect", body: inspectBody, conditions: 2}
	case "rules50":
		return variant{name: name, title: "50 blue-green conditions, none matching, then the gray split: GET /b/invoke/bench",
			method: "GET", path: "invoke/bench", conditions: 50}
	default:
		return variant{name: "base", title: "xyz blue-green + 10/90 gray split: GET /b/invoke/bench",
			method: "GET", path: "invoke/bench", conditions: 2}
	}
}

// url is the variant's request URL at target (direct, nginx or gateway).
func (s *stack) url(target string, v variant) string {
	switch target {
	case "direct":
		return "http://" + s.backends[newVersion] + "/" + v.path
	case "nginx":
		return "http://" + s.nginx + routePrefix + v.path
	default:
		return "http://" + s.gateway + routePrefix + v.path
	}
}

func (v variant) probe(url string, header map[string]string) probeRequest {
	return probeRequest{method: v.method, url: url, body: v.body, header: header}
}

// wrkScript writes the Lua script wrk needs for a request other than a
// plain GET, and returns its path ("" for none).
func (v variant) wrkScript(dir string) (string, error) { return v.script(dir, 0) }

// pacedScript is wrkScript with a pause of delay before each request a
// connection sends (wrk's delay() hook): a load at a set pace rather than
// as fast as the target answers.
func (v variant) pacedScript(dir string, delay time.Duration) (string, error) {
	return v.script(dir, max(delay, time.Millisecond))
}

func (v variant) script(dir string, delay time.Duration) (string, error) {
	if v.method == "GET" && v.body == "" && delay == 0 {
		return "", nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %q\n", v.method)
	if v.body != "" {
		fmt.Fprintf(&b, "wrk.body = %q\n", v.body)
		b.WriteString(`wrk.headers["Content-Type"] = "application/json"` + "\n")
	}
	name := "wrk-" + v.name + ".lua"
	if delay > 0 {
		fmt.Fprintf(&b, "function delay() return %d end\n", delay.Milliseconds())
		name = "wrk-" + v.name + "-paced.lua"
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}
