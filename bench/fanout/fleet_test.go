package fanout

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/client"
	"github.com/switchyard-io/switchyard/controlplane"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/sdk"
)

// The environment of the fleet process, set by BenchmarkPublishApplied.
const (
	envURL      = "FANOUT_URL"      // the control plane
	envAgent    = "FANOUT_AGENT"    // the data plane's token
	envAdmin    = "FANOUT_ADMIN"    // the publisher's token
	envGateways = "FANOUT_GATEWAYS" // how many gateways
	envServices = "FANOUT_SERVICES" // how many SDK instances
	// envProfile, when set in the benchmark's environment, is where the
	// fleet process writes its CPU profile (the client side's cost).
	envProfile = "FANOUT_FLEET_CPUPROFILE"
)

// The rule keys: every process watches its partial key (group, service)
// and the group's global key (group, group); the benchmark publishes the
// global key, the one key they all share.
const (
	group          = "shop"
	gatewayService = "shop-gateway"
	sdkService     = "order"
)

// ruleText is the n-th version of the published global rule: a realistic
// release rule (blue-green conditions, a gray split, routes) whose version
// mapping changes with n.
func ruleText(n int) string {
	v := `{"order":"1.` + strconv.Itoa(n%100) + `","payment":"2.` + strconv.Itoa(n) + `"}`
	return `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>` + v + `</version>
    </strategy>
    <strategy-release>
        <conditions type="blue-green">
            <condition id="c0" expression="#H['a'] == '0'" version-id="r0"/>
            <condition id="c1" expression="#H['user'] == 'vip'" version-id="r1"/>
            <condition id="c2" expression="#H['region'] == 'north' and #H['b'] == '2'" version-id="r0"/>
            <condition id="c3" expression="#H['x'] matches '^z[0-9]+$'" version-id="r1"/>
        </conditions>
        <conditions type="gray">
            <condition id="g0" version-id="r0=10;r1=90"/>
        </conditions>
        <routes>
            <route id="r0" type="version">{"order":"1.0"}</route>
            <route id="r1" type="version">` + v + `</route>
        </routes>
    </strategy-release>
</rule>`
}

// applied is one watcher's report: the global version its Rules status
// shows and when it was applied.
type applied struct {
	watcher int
	version int64
	at      time.Time
}

// fleet is the watchers of one fleet process.
type fleet struct {
	rules   []*dataplane.Rules
	reports chan applied
	version []int64     // per watcher: the newest global version applied
	at      []time.Time // and when

	fromStart, fromReturn, publish []time.Duration
	cpu                            time.Duration // this process's CPU time before the first publish
}

// TestFleetProcess is the fleet process of BenchmarkPublishApplied, not a
// test: it is skipped unless the benchmark started it. It runs the
// gateways and SDK instances, then answers commands on stdin, one a line:
// "publish" publishes the next version of the global rule and answers
// once every watcher applied it; "report" prints the latencies measured.
func TestFleetProcess(t *testing.T) {
	url := os.Getenv(envURL)
	if url == "" {
		t.Skip("the fleet process of BenchmarkPublishApplied; started by it")
	}
	gateways, _ := strconv.Atoi(os.Getenv(envGateways))
	services, _ := strconv.Atoi(os.Getenv(envServices))
	if err := raiseFileLimit(uint64(4*(gateways+services) + 256)); err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv(envProfile); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	separateProcesses()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fl := startFleet(ctx, url, os.Getenv(envAgent), gateways, services)
	publisher := client.New(url, os.Getenv(envAdmin))
	cur, err := publisher.Config(ctx, group, group)
	if err != nil {
		t.Fatal(err)
	}
	fl.await(cur.Version)
	fmt.Printf("fanout ready %d\n", cur.Version)
	fl.cpu = cpuTime()

	in := bufio.NewScanner(os.Stdin)
	for n := 1; in.Scan(); n++ {
		switch in.Text() {
		case "publish":
			v, err := fl.publishOnce(ctx, publisher, ruleText(n))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("fanout applied %d\n", v)
		case "report":
			fmt.Println("fanout report " + fl.report())
		}
	}
}

// separateProcesses gives the watchers of this one process what each has
// in its own process in production: a connection per long-poll kept alive
// between polls. Shared by 250 processes' worth of watches, the default
// transport would keep only 2 idle connections and redial the rest after
// every publish.
func separateProcesses() {
	t := http.DefaultTransport.(*http.Transport)
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = 1 << 12
}

// startFleet starts gateways gateways and services SDK instances, each a
// dataplane.Rules over its own controlplane.Client, as `switchyard
// gateway` (runGateway) and sdk.Service.Start follow their rules, and
// returns once every one has its first answer.
func startFleet(ctx context.Context, url, token string, gateways, services int) *fleet {
	n := gateways + services
	fl := &fleet{reports: make(chan applied, n), version: make([]int64, n), at: make([]time.Time, n)}
	quiet := slog.New(slog.DiscardHandler)
	for i := range n {
		cc := controlplane.New(url, token, quiet).ConfigCenter()
		var r *dataplane.Rules
		if i < gateways {
			r = dataplane.NewRules(cc, group, gatewayService, "", dataplane.NewMetrics(gatewayService, "1.0"), quiet)
		} else {
			self := switchyard.Instance{Service: sdkService, Group: group, Version: "1.0", Host: "127.0.0.1", Port: 20000 + i}
			r = sdk.New(sdk.DefaultConfig(self), nil, cc, nil, quiet).Rules
		}
		fl.rules = append(fl.rules, r)
		changed := make(chan struct{}, 1)
		r.OnChange = func() { // called with the Rules locked: hand over, read after
			select {
			case changed <- struct{}{}:
			default:
			}
		}
		go func() {
			for range changed {
				st := r.Status().Global
				fl.reports <- applied{watcher: i, version: st.Version, at: st.AppliedAt}
			}
		}()
	}
	var started sync.WaitGroup
	for _, r := range fl.rules {
		started.Go(func() { r.Start(ctx, time.Minute) })
	}
	started.Wait()
	return fl
}

// await reads reports until every watcher applied version (or a newer one).
func (fl *fleet) await(version int64) {
	behind := 0
	for _, v := range fl.version {
		if v < version {
			behind++
		}
	}
	for behind > 0 {
		a := <-fl.reports
		if a.version <= fl.version[a.watcher] {
			continue
		}
		if fl.version[a.watcher] < version && a.version >= version {
			behind--
		}
		fl.version[a.watcher], fl.at[a.watcher] = a.version, a.at
	}
}

// publishOnce publishes text at the global key through the API (the one
// publish path), waits until every watcher applied the version written and
// records each watcher's latency from the publish call's start and return.
func (fl *fleet) publishOnce(ctx context.Context, publisher *client.Client, text string) (int64, error) {
	start := time.Now()
	e, err := publisher.PutConfig(ctx, group, group, text, "xml", -1)
	returned := time.Now()
	if err != nil {
		return 0, fmt.Errorf("publish: %w", err)
	}
	fl.await(e.Version)
	fl.publish = append(fl.publish, returned.Sub(start))
	for _, at := range fl.at {
		fl.fromStart = append(fl.fromStart, at.Sub(start))
		fl.fromReturn = append(fl.fromReturn, at.Sub(returned))
	}
	return e.Version, nil
}

// report is, in milliseconds, the latencies: p50, p99 and max from the
// publish call's start; p50, p99 and max from its return; the publish
// call's p50; then the fleet's CPU time per publish (every watcher's
// apply and poll, the publisher's call); then the number of samples.
func (fl *fleet) report() string {
	var out []byte
	for _, d := range [][]time.Duration{fl.fromStart, fl.fromReturn} {
		for _, q := range []float64{0.50, 0.99, 1} {
			out = strconv.AppendFloat(out, ms(quantile(d, q)), 'f', 3, 64)
			out = append(out, ' ')
		}
	}
	out = strconv.AppendFloat(out, ms(quantile(fl.publish, 0.5)), 'f', 3, 64)
	out = append(out, ' ')
	out = strconv.AppendFloat(out, ms(cpuTime()-fl.cpu)/float64(max(len(fl.publish), 1)), 'f', 3, 64)
	return string(out) + " " + strconv.Itoa(len(fl.fromStart))
}

// quantile is the q-quantile of ds (nearest rank); 0 when ds is empty.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
