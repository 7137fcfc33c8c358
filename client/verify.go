package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"

	"github.com/switchyard-io/switchyard"
)

// The verification tests (流量侦测 and 模拟): saved configs, starts, runs,
// the live stream and abort.

func verifyKeyPath(kind, group, serviceID string) string {
	return "/api/verify/" + kind + "/" + url.PathEscape(group) + "/" + url.PathEscape(serviceID)
}

func verifyRunPath(id string) string { return "/api/verify/runs/" + url.PathEscape(id) }

// InspectionConfig returns the saved inspection of group@@serviceId.
func (c *Client) InspectionConfig(ctx context.Context, group, serviceID string) (*switchyard.InspectionConfig, error) {
	var out switchyard.InspectionConfig
	return &out, c.Do(ctx, "GET", verifyKeyPath("inspections", group, serviceID)+"/config", nil, &out)
}

// SaveInspectionConfig checks and saves an inspection (req.Revision: the
// revision read, 0 for the first save).
func (c *Client) SaveInspectionConfig(ctx context.Context, group, serviceID string, req *switchyard.InspectionRequest) (*switchyard.InspectionConfig, error) {
	var out switchyard.InspectionConfig
	return &out, c.Do(ctx, "PUT", verifyKeyPath("inspections", group, serviceID)+"/config", req, &out)
}

// StartInspection starts an inspection (nil req: the saved config).
func (c *Client) StartInspection(ctx context.Context, group, serviceID string, req *switchyard.InspectionRequest) (*switchyard.VerifyStarted, error) {
	var out switchyard.VerifyStarted
	var in any
	if req != nil {
		in = req
	}
	return &out, c.Do(ctx, "POST", verifyKeyPath("inspections", group, serviceID), in, &out)
}

// InspectionRuns lists the past inspections of group@@serviceId.
func (c *Client) InspectionRuns(ctx context.Context, group, serviceID string, limit int) ([]*switchyard.VerifyRun, error) {
	var out []*switchyard.VerifyRun
	return out, c.Do(ctx, "GET", verifyKeyPath("inspections", group, serviceID)+"/runs"+q("limit", limitText(limit)), nil, &out)
}

// SimulationConfig returns the saved simulation of group@@serviceId.
func (c *Client) SimulationConfig(ctx context.Context, group, serviceID string) (*switchyard.SimulationConfig, error) {
	var out switchyard.SimulationConfig
	return &out, c.Do(ctx, "GET", verifyKeyPath("simulations", group, serviceID)+"/config", nil, &out)
}

// SaveSimulationConfig checks and saves a simulation.
func (c *Client) SaveSimulationConfig(ctx context.Context, group, serviceID string, req *switchyard.SimulationRequest) (*switchyard.SimulationConfig, error) {
	var out switchyard.SimulationConfig
	return &out, c.Do(ctx, "PUT", verifyKeyPath("simulations", group, serviceID)+"/config", req, &out)
}

// StartSimulation starts a simulation (nil req: the saved config). A
// simulation of the key already running is a CodeConflict error whose
// Params name it (id, user, since).
func (c *Client) StartSimulation(ctx context.Context, group, serviceID string, req *switchyard.SimulationRequest) (*switchyard.VerifyStarted, error) {
	var out switchyard.VerifyStarted
	var in any
	if req != nil {
		in = req
	}
	return &out, c.Do(ctx, "POST", verifyKeyPath("simulations", group, serviceID), in, &out)
}

// SimulationRuns lists the past simulations of group@@serviceId.
func (c *Client) SimulationRuns(ctx context.Context, group, serviceID string, limit int) ([]*switchyard.VerifyRun, error) {
	var out []*switchyard.VerifyRun
	return out, c.Do(ctx, "GET", verifyKeyPath("simulations", group, serviceID)+"/runs"+q("limit", limitText(limit)), nil, &out)
}

// RunningSimulations lists the simulations running now.
func (c *Client) RunningSimulations(ctx context.Context) ([]*switchyard.VerifyRun, error) {
	var out []*switchyard.VerifyRun
	return out, c.Do(ctx, "GET", "/api/verify/simulations/running", nil, &out)
}

// VerifyRun returns a run with its config and result.
func (c *Client) VerifyRun(ctx context.Context, id string) (*switchyard.VerifyRun, error) {
	var out switchyard.VerifyRun
	return &out, c.Do(ctx, "GET", verifyRunPath(id), nil, &out)
}

// AbortVerifyRun aborts a run and returns it.
func (c *Client) AbortVerifyRun(ctx context.Context, id string) (*switchyard.VerifyRun, error) {
	var out switchyard.VerifyRun
	return &out, c.Do(ctx, "POST", verifyRunPath(id)+"/abort", nil, &out)
}

func limitText(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// VerifyEvents follows a run's live stream: the run each time it changed,
// until it has finished (the last value is the finished run). A dropped
// connection is reopened with Last-Event-ID. Both channels close together;
// the error channel carries an error the server will answer again.
func (c *Client) VerifyEvents(ctx context.Context, id string) (<-chan *switchyard.VerifyRun, <-chan error) {
	runs := make(chan *switchyard.VerifyRun, 16)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		defer close(runs)
		var after int64
		if err := follow(ctx, &after, func() (bool, error) { return c.verifyStreamOnce(ctx, id, &after, runs) }); err != nil {
			errc <- err
		}
	}()
	return runs, errc
}

func (c *Client) verifyStreamOnce(ctx context.Context, id string, after *int64, out chan<- *switchyard.VerifyRun) (ended bool, err error) {
	var decodeErr error
	err = c.readStream(ctx, verifyRunPath(id)+"/events", *after, func(ctx context.Context, ev Event) bool {
		switch ev.Kind {
		case EventEnd:
			ended = true
			return false
		case "run":
			var r switchyard.VerifyRun
			if decodeErr = json.Unmarshal(ev.Data, &r); decodeErr != nil {
				return false
			}
			*after = r.Seq
			select {
			case out <- &r:
			case <-ctx.Done():
				return false
			}
		}
		return true
	})
	if ended {
		return true, nil
	}
	if decodeErr != nil {
		return false, switchyard.Errorf(switchyard.CodeInternal, "the event stream of %s sent a run that cannot be read: %v", id, decodeErr)
	}
	if e := switchyard.AsError(err); e != nil {
		return false, err
	}
	if err == nil {
		err = ctx.Err()
	}
	return false, switchyard.Errorf(switchyard.CodeUnavailable, "the event stream of %s broke off: %v", id, err).WithCause(err)
}
