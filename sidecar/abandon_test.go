package sidecar_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/dataplane/dataplanetest"
	"github.com/switchyard-io/switchyard/sdk"
	"github.com/switchyard-io/switchyard/sidecar"
)

// TestInboundAbandonedRequestIsNoWarning: a consumer that gives up on a
// slow app is neither "app unreachable" nor a warning; the metrics count it.
func TestInboundAbandonedRequestIsNoWarning(t *testing.T) {
	app := dataplanetest.NewStalled(t)
	var logs dataplanetest.Logs
	svc := sdk.New(sdk.DefaultConfig(switchyard.Instance{Service: svcA, Group: group, Version: "1.0", Host: "127.0.0.1", Port: 1}), nil, nil, nil, logs.Logger())
	in := httptest.NewServer(sidecar.New(svc, strings.TrimPrefix(app.URL, "http://"), logs.Logger()).Inbound())
	defer in.Close()

	app.CheckAbandoned(t, in.URL, svcA, &logs)
}
