package sidecar_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/demo"
	"github.com/switchyard-io/switchyard/gateway"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/rule"
	"github.com/switchyard-io/switchyard/sdk"
	"github.com/switchyard-io/switchyard/sidecar"
)

const (
	group = "discovery-guide-group"
	svcA  = "discovery-guide-service-a"
	svcB  = "discovery-guide-service-b"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func listen(t *testing.T) (net.Listener, int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, ln.Addr().(*net.TCPAddr).Port
}

func serve(t *testing.T, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
}

// foreignApp is a service "in another language": no SDK, it only copies
// the n-d-* headers of the request it serves onto its call to service-b,
// through its sidecar's outbound listener.
func foreignApp(version, outbound string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		value := strings.TrimPrefix(r.URL.Path, "/invoke/") + " -> [ID=" + svcA + "][V=" + version + "]"
		req, _ := http.NewRequest("GET", "http://"+outbound+"/"+svcB+"/invoke/"+url.PathEscape(value), nil)
		for k, v := range r.Header {
			if strings.HasPrefix(strings.ToLower(k), "n-d-") {
				req.Header[k] = v
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		io.Copy(w, resp.Body)
	})
}

// TestSidecarChain: gateway → service-a (a foreign app behind sidecars) →
// service-b (SDK). The version lane holds across the sidecar hop, for
// business calls and for inspections.
func TestSidecarChain(t *testing.T) {
	env := apitest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	for _, v := range []string{"1.0", "1.1"} {
		ln, port := listen(t)
		cfg := sdk.DefaultConfig(switchyard.Instance{Service: svcB, Group: group, Version: v, Host: "127.0.0.1", Port: port})
		svc := sdk.New(cfg, env.Registry, env.Config, nil, quiet)
		if err := svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		serve(t, ln, demo.NewApp(svc, "", demo.Fault{}).Handler())
	}
	for _, v := range []string{"1.0", "1.1"} {
		appLn, appPort := listen(t)
		inLn, inPort := listen(t)
		outLn, outPort := listen(t)
		cfg := sdk.DefaultConfig(switchyard.Instance{Service: svcA, Group: group, Version: v, Host: "127.0.0.1", Port: inPort})
		svc := sdk.New(cfg, env.Registry, env.Config, nil, quiet)
		if err := svc.Start(ctx); err != nil {
			t.Fatal(err)
		}
		sc := sidecar.New(svc, "127.0.0.1:"+strconv.Itoa(appPort), quiet)
		serve(t, appLn, foreignApp(v, "127.0.0.1:"+strconv.Itoa(outPort)))
		serve(t, inLn, sc.Inbound())
		serve(t, outLn, sc.Outbound())
	}
	gwSelf := switchyard.Instance{Service: "gw", Type: "gateway", Group: group, Version: "1.0", Host: "127.0.0.1", Port: 1}
	rules := dataplane.NewRules(env.Config, group, "gw", "", nil, quiet)
	rules.Start(ctx, 3*time.Second)
	instances := dataplane.NewInstances(env.Registry, quiet)
	t.Cleanup(instances.Close)
	gw := gateway.New(gateway.Config{Routes: []gateway.Route{{Prefix: "/a/", Service: svcA, StripPrefix: true}},
		// The guide's gateway: client n-d-* headers are kept (header priority off).
		Switches: rule.GatewaySwitches{OriginalHeaderIgnored: true, CoreTransmission: true}},
		func() switchyard.Instance { return gwSelf }, rules, instances, nil, quiet)
	frontLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go gw.Serve(frontLn)
	defer gw.Close()
	frontURL := "http://" + frontLn.Addr().String()

	lanes := []struct{ a, b string }{{"1.0", "1.1"}, {"1.1", "1.0"}, {"1.1", "1.1"}}
	for _, lane := range lanes {
		for i := 0; i < 4; i++ {
			req, _ := http.NewRequest("GET", frontURL+"/a/invoke/gateway", nil)
			req.Header.Set("n-d-version", `{"`+svcA+`":"`+lane.a+`","`+svcB+`":"`+lane.b+`"}`)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(b)
			if !strings.Contains(body, "[ID="+svcA+"][V="+lane.a+"]") || !strings.Contains(body, "[ID="+svcB+"]") || !strings.Contains(body[strings.Index(body, "[ID="+svcB):], "[V="+lane.b+"]") {
				t.Fatalf("lane %v: %d %s", lane, resp.StatusCode, body)
			}
		}
	}

	// An inspection through the sidecar: the sidecar answers for the app.
	in, _ := json.Marshal(map[string]any{"serviceIdList": []string{svcB}})
	req, _ := http.NewRequest("POST", frontURL+"/a/inspector/inspect", bytes.NewReader(in))
	req.Header.Set("n-d-version", `{"`+svcA+`":"1.1","`+svcB+`":"1.0"}`)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out dataplane.InspectorEntity
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	segs := strings.Split(out.Result, " -> ")
	if len(segs) != 3 || !strings.HasPrefix(segs[0], "[ID=gw]") || !strings.Contains(segs[1], "[V=1.1]") || !strings.Contains(segs[2], "[ID="+svcB+"]") || !strings.Contains(segs[2], "[V=1.0]") {
		t.Fatalf("inspection through the sidecar: %q", out.Result)
	}
}
