package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard-io/switchyard"
	"github.com/switchyard-io/switchyard/release"
	"github.com/switchyard-io/switchyard/verify"
)

// The verification tests (seed 003: 流量侦测 and 模拟): the pages' saved
// configs, starting a run (202 with its id), past runs, one run with its
// live stream, aborting it, and the simulations running now. Reads are for
// everyone signed in; saving, starting and aborting for operators of the
// key's group (and admins), checked before the body is read.

type verifyKeyIn struct {
	Group     string `path:"group"`
	ServiceID string `path:"serviceId" doc:"the entry app (a gateway); the group itself for the global key"`
}

type inspectionConfigIn struct {
	verifyKeyIn
	Body switchyard.InspectionRequest
}

type simulationConfigIn struct {
	verifyKeyIn
	Body switchyard.SimulationRequest
}

type inspectionStartIn struct {
	verifyKeyIn
	Body switchyard.InspectionRequest `body:"optional"`
}

type simulationStartIn struct {
	verifyKeyIn
	Body switchyard.SimulationRequest `body:"optional"`
}

type verifyRunsIn struct {
	verifyKeyIn
	Limit int `query:"limit" doc:"at most this many, newest first (default 50, at most 500)"`
}

type verifyRunIn struct {
	ID string `path:"id"`
}

type verifyEventsIn struct {
	ID          string `path:"id"`
	LastEventID string `header:"Last-Event-ID" doc:"the seq of the last run state received: the stream sends the run again only once it changed"`
}

func (s *Server) verifyRoutes() []*Route {
	streams := newStreamLimit(maxStreamsPerUser)
	key := "/{group}/{serviceId}"
	const tag = "verify"
	return []*Route{
		Op(Route{Method: "GET", Path: "/api/verify/inspections" + key + "/config", Access: SignedIn, Tag: tag, Summary: "The saved traffic inspection (流量侦测) of a key"}, s.getInspectionConfig),
		Op(Route{Method: "PUT", Path: "/api/verify/inspections" + key + "/config", Access: Operator, Action: "verify.inspection.config", Authorize: verifyGroup, Tag: tag,
			Summary: "Check and save the traffic inspection page (strategy YAML as mock-inspector.yaml, the conditions)"}, s.putInspectionConfig),
		Op(Route{Method: "POST", Path: "/api/verify/inspections" + key, Access: Operator, Action: "verify.inspection.start", Authorize: verifyGroup, Tag: tag, Status: http.StatusAccepted,
			Summary: "Start a traffic inspection (执行侦测): 202 with the run id; an empty body runs the saved config"}, s.startInspection),
		Op(Route{Method: "GET", Path: "/api/verify/inspections" + key + "/runs", Access: SignedIn, Tag: tag, Summary: "Past inspections of a key, newest first"}, s.verifyRuns(switchyard.VerifyInspection)),
		Op(Route{Method: "GET", Path: "/api/verify/simulations" + key + "/config", Access: SignedIn, Tag: tag, Summary: "The saved simulation (模拟) of a key"}, s.getSimulationConfig),
		Op(Route{Method: "PUT", Path: "/api/verify/simulations" + key + "/config", Access: Operator, Action: "verify.simulation.config", Authorize: verifyGroup, Tag: tag,
			Summary: "Check and save the simulation page (the three release strategies, the conditions)"}, s.putSimulationConfig),
		Op(Route{Method: "POST", Path: "/api/verify/simulations" + key, Access: Operator, Action: "verify.simulation.start", Authorize: verifyGroup, Tag: tag, Status: http.StatusAccepted,
			Summary: "Start a simulation (执行模拟): 202 with the run id; 409 naming the running one, or the person operating a release of the key"}, s.startSimulation),
		Op(Route{Method: "GET", Path: "/api/verify/simulations" + key + "/runs", Access: SignedIn, Tag: tag, Summary: "Past simulations of a key, newest first"}, s.verifyRuns(switchyard.VerifySimulation)),
		Op(Route{Method: "GET", Path: "/api/verify/simulations/running", Access: SignedIn, Tag: tag, Summary: "The simulations running now (one per group@@serviceId)"}, s.runningSimulations),
		Op(Route{Method: "GET", Path: "/api/verify/runs/{id}", Access: SignedIn, Tag: tag, Summary: "A run with its config, its result (live while it runs) and, for a simulation, the rule before it"}, s.verifyRun),
		Raw(Route{Method: "GET", Path: "/api/verify/runs/{id}/events", Access: SignedIn, Tag: tag, RawResponse: "text/event-stream",
			Summary: "The run's progress as server-sent events: event run (the run, each time it changed; id = seq), event end once it finished"},
			func(c *Call, in *verifyEventsIn) error { return s.verifyEvents(c, in, streams) }),
		Op(Route{Method: "POST", Path: "/api/verify/runs/{id}/abort", Access: Operator, Action: "verify.run.abort", Authorize: s.verifyRunGroup, Tag: tag,
			Summary: "Abort a run; a simulation puts the rule back before it ends"}, s.abortVerifyRun),
	}
}

func (s *Server) verifier() (*verify.Service, error) {
	if s.Verify == nil {
		return nil, switchyard.Errorf(switchyard.CodeUnavailable, "this server runs no verification tests").WithReason("verify.unavailable", nil)
	}
	return s.Verify, nil
}

// verifyGroup authorizes a change of the key in the path: members of its
// group and admins, before the body is read.
func verifyGroup(c *Call) error {
	group := c.R.PathValue("group")
	c.Audit("verify/"+switchyard.VerifyTask(group, c.R.PathValue("serviceId")), "")
	return release.Authorize(c.User(), group)
}

// verifyRunGroup authorizes an action on the run in the path by its group.
func (s *Server) verifyRunGroup(c *Call) error {
	id := c.R.PathValue("id")
	c.Audit("verify/run/"+id, "")
	rec, err := s.Store.FindVerifyRun(c.R.Context(), id)
	if err != nil {
		return err
	}
	return release.Authorize(c.User(), rec.Group)
}

func (s *Server) getInspectionConfig(c *Call, in *verifyKeyIn) (*switchyard.InspectionConfig, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	return v.InspectionConfig(c.R.Context(), in.Group, in.ServiceID)
}

func (s *Server) putInspectionConfig(c *Call, in *inspectionConfigIn) (*switchyard.InspectionConfig, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	out, err := v.SaveInspectionConfig(c.R.Context(), c.User(), in.Group, in.ServiceID, &in.Body, in.Body.Revision)
	if err == nil {
		c.Audit("verify/"+switchyard.VerifyTask(in.Group, in.ServiceID), "inspection config revision="+strconv.FormatInt(out.Revision, 10))
	}
	return out, err
}

func (s *Server) getSimulationConfig(c *Call, in *verifyKeyIn) (*switchyard.SimulationConfig, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	return v.SimulationConfig(c.R.Context(), in.Group, in.ServiceID)
}

func (s *Server) putSimulationConfig(c *Call, in *simulationConfigIn) (*switchyard.SimulationConfig, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	if in.Body.Inject != nil {
		return nil, switchyard.FieldErrorf("inject", "verify.inject.saved", "inject is a test hook of a start; it is never saved").WithReason("verify.inject.saved", nil)
	}
	out, err := v.SaveSimulationConfig(c.R.Context(), c.User(), in.Group, in.ServiceID, &in.Body, in.Body.Revision)
	if err == nil {
		c.Audit("verify/"+switchyard.VerifyTask(in.Group, in.ServiceID), "simulation config revision="+strconv.FormatInt(out.Revision, 10))
	}
	return out, err
}

func (s *Server) startInspection(c *Call, in *inspectionStartIn) (*switchyard.VerifyStarted, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	out, err := v.StartInspection(c.R.Context(), c.User(), in.Group, in.ServiceID, &in.Body)
	if err == nil {
		c.Audit("verify/"+out.Task, "inspection "+out.ID)
	}
	return out, err
}

func (s *Server) startSimulation(c *Call, in *simulationStartIn) (*switchyard.VerifyStarted, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	out, err := v.StartSimulation(c.R.Context(), c.User(), in.Group, in.ServiceID, &in.Body)
	if err == nil {
		detail := "simulation " + out.ID
		if in.Body.Inject != nil {
			detail += " with the test hook inject (phase " + strconv.Itoa(in.Body.Inject.Phase) + ")"
		}
		c.Audit("verify/"+out.Task, detail)
	}
	return out, err
}

func (s *Server) verifyRuns(kind switchyard.VerifyKind) func(c *Call, in *verifyRunsIn) (*[]*switchyard.VerifyRun, error) {
	return func(c *Call, in *verifyRunsIn) (*[]*switchyard.VerifyRun, error) {
		v, err := s.verifier()
		if err != nil {
			return nil, err
		}
		list, err := v.Runs(c.R.Context(), switchyard.VerifyFilter{Kind: kind, Group: in.Group, ServiceID: in.ServiceID, Limit: in.Limit})
		return &list, err
	}
}

func (s *Server) runningSimulations(c *Call, _ *NoBody) (*[]*switchyard.VerifyRun, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	list, err := v.Running(c.R.Context())
	return &list, err
}

func (s *Server) verifyRun(c *Call, in *verifyRunIn) (*switchyard.VerifyRun, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	return v.Run(c.R.Context(), in.ID)
}

func (s *Server) abortVerifyRun(c *Call, in *verifyRunIn) (*switchyard.VerifyRun, error) {
	v, err := s.verifier()
	if err != nil {
		return nil, err
	}
	return v.Abort(c.R.Context(), c.User(), in.ID)
}

// verifyEvents streams a run: "event: run" with the run (its config and
// result) each time it changed, id its seq, so a client reconnecting with
// Last-Event-ID gets it again only once it changed; "event: end" (status
// and seq) once it has finished; a comment every 15 s.
func (s *Server) verifyEvents(c *Call, in *verifyEventsIn, streams *streamLimit) error {
	v, err := s.verifier()
	if err != nil {
		return err
	}
	var after int64
	if strings.TrimSpace(in.LastEventID) != "" {
		if after, err = parseSeq("Last-Event-ID", in.LastEventID); err != nil {
			return err
		}
	}
	ctx := c.R.Context()
	if _, err := s.Store.FindVerifyRun(ctx, in.ID); err != nil {
		return err
	}
	done, err := streams.take(c.User().Name)
	if err != nil {
		return err
	}
	defer done()
	runs, err := v.Watch(ctx, in.ID)
	if err != nil {
		return err
	}
	h := c.W.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	c.W.WriteHeader(http.StatusOK)
	st := &sseWriter{w: c.W, rc: http.NewResponseController(c.W)}
	defer func() { _ = st.rc.SetWriteDeadline(time.Time{}) }()
	st.printf("retry: 2000\n\n")
	if st.flush() != nil {
		return nil
	}
	heartbeat := time.NewTicker(streamHeartbeat)
	defer heartbeat.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-heartbeat.C:
			st.printf(": heartbeat\n\n")
			if st.flush() != nil {
				return nil
			}
		case run, ok := <-runs:
			if !ok {
				return nil
			}
			if run.Seq > after {
				data, _ := json.Marshal(run)
				st.printf("id: %d\nevent: run\ndata: %s\n\n", run.Seq, data)
				after = run.Seq
			}
			if run.Status.Finished() {
				st.printf("event: end\ndata: {\"status\":%q,\"seq\":%d}\n\n", run.Status, run.Seq)
				_ = st.flush()
				return nil
			}
			if st.flush() != nil {
				return nil
			}
		}
	}
}
