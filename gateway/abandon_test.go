package gateway_test

import (
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane"
	"github.com/switchyard-io/switchyard/dataplane/dataplanetest"
	"github.com/switchyard-io/switchyard/gateway"
	"github.com/switchyard-io/switchyard/httpapi/apitest"
	"github.com/switchyard-io/switchyard/rule"
)

// TestAbandonedRequestIsNoWarning: a client that gives up on a slow
// upstream is not a failure of the gateway: no WARN line (debug at most),
// and the metrics count it. (The route of / takes the request to svc.)
func TestAbandonedRequestIsNoWarning(t *testing.T) {
	upstream := dataplanetest.NewStalled(t)
	env := apitest.Start(t)
	registerAt(t, env.Registry, switchyard.Instance{Service: "svc", Group: "g", Version: "1.0"}, upstream.URL)
	var logs dataplanetest.Logs
	instances := dataplane.NewInstances(env.Registry, logs.Logger())
	defer instances.Close()
	metrics := dataplane.NewMetrics("gw", "1.0")
	self := switchyard.Instance{Service: "gw", Type: switchyard.TypeGateway, Group: "g", Version: "1.0", Host: "127.0.0.1", Port: 1}
	rules := dataplane.NewRules(nil, "g", "gw", "", metrics, logs.Logger())
	gw := gateway.New(gateway.Config{Routes: []gateway.Route{{Prefix: "/", Service: "svc"}}, Switches: rule.DefaultGatewaySwitches()},
		func() switchyard.Instance { return self }, rules, instances, metrics, logs.Logger())
	upstream.CheckAbandoned(t, serve(t, gw), "gw", &logs)
}
