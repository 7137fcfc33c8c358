package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMachineChatterLogsAtDebug: heartbeats, watches, metric reports and
// registrations — what data-plane processes send every few seconds — log
// their access lines at debug, so a server left running prints only what
// matters at the default level; a person's calls stay at info.
func TestMachineChatterLogsAtDebug(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin", adminPassword)
	var in struct {
		ID string `json:"id"`
	}
	admin.must("POST", "/api/registry/instances", map[string]any{"service": "svc-a", "host": "127.0.0.1", "port": 7001}, 201, &in)
	admin.must("PUT", "/api/registry/instances/"+in.ID+"/heartbeat", nil, 204, nil)
	// Behind (no entry is version 5): answered at once; the timeout only
	// bounds a busy machine's start of the watch.
	admin.must("GET", "/api/config/g/svc-a/watch?version=5&timeout=5s", nil, 200, nil)
	admin.must("GET", "/api/groups", nil, 200, nil)
	levels := map[string]string{}
	for _, line := range strings.Split(e.log.String(), "\n") {
		var rec struct{ Level, Msg, Method, Path string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "http request" {
			levels[rec.Method+" "+rec.Path] = rec.Level
		}
	}
	for call, want := range map[string]string{
		"POST /api/registry/instances":                        "DEBUG",
		"PUT /api/registry/instances/" + in.ID + "/heartbeat": "DEBUG",
		"GET /api/config/g/svc-a/watch":                       "DEBUG",
		"GET /api/groups":                                     "INFO",
	} {
		if levels[call] != want {
			t.Errorf("%s logged at %q, want %s (all: %v)", call, levels[call], want, levels)
		}
	}
}
